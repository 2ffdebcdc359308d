"""Settings for a laptop: SQLite, console email, debug pages."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "django-insecure-dev-only-union-education"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

try:  # noqa: SIM105 (a star import cannot go inside a with block)
    from .local import *  # noqa: F403
except ImportError:
    pass
