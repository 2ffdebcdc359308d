"""Demo content for a fresh install: the union's workshops, guides, locals, people and sessions.

The words and figures of the demo are TOML files in ``content/`` (workshops, guides, the union,
the people and places of sessions, requests from locals, certificates), read by ``data``. The
modules of the same names turn them into what ``loader`` creates, and hold the demo's scenario:
when sessions take place, how full they are, how far each request got. ``manage.py load_demo``
runs the loader. Edit the content files to change the demo, then load it into a fresh database
to see the result (the loader never updates what exists).
"""
