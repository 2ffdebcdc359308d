"""Demo content for a fresh install: the union's workshops, guides, locals, people and sessions.

The content lives here as Python data (``workshops``, ``guides``, ``union``, ``sessions``) and
``loader`` creates it; ``manage.py load_demo`` runs the loader. Edit the data modules to change
the demo, then load it into a fresh database to see the result (the loader never updates what
exists).
"""
