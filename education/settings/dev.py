"""Settings for a laptop: SQLite, console email, debug pages."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "django-insecure-dev-only-union-education"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# The address the site is served at, which emailed links, QR codes and calendar files start
# with: `make run` sets it from HOST and PORT (`make run PORT=8123`).
SITE_URL = (os.environ.get("SITE_URL") or "http://127.0.0.1:8000").strip().rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(
        f"SITE_URL must be a web address such as http://127.0.0.1:8123, not {SITE_URL!r}."
    )
WAGTAILADMIN_BASE_URL = SITE_URL
if _site.hostname not in ALLOWED_HOSTS and f"[{_site.hostname}]" not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_site.hostname)

# Rate limits count in Django's default local-memory cache. django-ratelimit refuses it because
# it is not shared between processes, but `runserver` is one process: its counts are right here.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

try:  # noqa: SIM105 (a star import cannot go inside a with block)
    from .local import *  # noqa: F403
except ImportError:
    pass
