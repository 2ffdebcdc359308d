"""Settings for the test suite: fast hashing, local memory cache, immediate tasks.

The suite runs on SQLite unless ``DATABASE_URL`` names another database.
"""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
SECRET_KEY = "test-only-union-education"  # noqa: S105
ALLOWED_HOSTS = ["*"]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE"}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The suite runs in one process, so local memory counts rate limits right (see dev.py).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Certificates in the in-memory default storage, which tests may swap for their own.
CERTIFICATES_STORAGE_ALIAS = "default"
# Facilitator guides' PDFs too.
FACILITATORS_GUIDE_STORAGE_ALIAS = "default"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests read each page's context and count its queries: pages are rendered every time, except in
# the tests of the public pages' cache, which turn it on.
EDUCATION_PUBLIC_PAGE_CACHE_SECONDS = 0
