"""Production settings: everything comes from the environment.

Required: ``SECRET_KEY``, ``DATABASE_URL``, ``ALLOWED_HOSTS``, ``SITE_URL``, ``REDIS_URL``.
Optional: ``CSRF_TRUSTED_ORIGINS``, ``EDUCATION_PROXY_COUNT``, ``LOGIN_FAILURE_LIMIT``,
``LOGIN_LOCKOUT_MINUTES``, ``EDUCATION_RATE_LIMITS``, SMTP (``EMAIL_HOST`` ...), media
(``MEDIA_ROOT``, ``PRIVATE_MEDIA_ROOT`` or an S3-compatible ``AWS_STORAGE_BUCKET_NAME``),
``STATIC_ROOT``, ``LOG_LEVEL``, ``LOG_FORMAT``; the Open Badges signing key
(``CERTIFICATES_SIGNING_KEY`` or ``CERTIFICATES_SIGNING_KEY_FILE``, and
``CERTIFICATES_RETIRED_PUBLIC_KEY_FILES``), without which ``check --deploy`` reports an error and
members cannot download credentials. docs/deploying.md lists them all.
"""

import json
import os
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

import dj_database_url

from courses.ratelimits import DEFAULT_RATE_LIMITS

from .base import *  # noqa: F403
from .base import BASE_DIR, CONTENT_SECURITY_POLICY


def required(name, meaning):
    """The value of the environment variable ``name``; refuse to start without it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable: {meaning}.")
    return value


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def site_url():
    """The public address, such as https://education.example.org, without a final slash."""
    url = required(
        "SITE_URL",
        "the public address of the site, such as https://education.example.org, used in "
        "emails and in the certificates' QR codes",
    )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            f"SITE_URL must be a web address such as https://education.example.org, not {url!r}."
        )
    return url.rstrip("/")


def rate_limits():
    """``EDUCATION_RATE_LIMITS`` from its JSON form: {"limit name": "rate" or null, ...}."""
    text = os.environ.get("EDUCATION_RATE_LIMITS", "").strip()
    if not text:
        return {}
    try:
        limits = json.loads(text)
    except ValueError as error:
        raise ImproperlyConfigured(f"EDUCATION_RATE_LIMITS is not valid JSON: {error}") from None
    if not isinstance(limits, dict):
        raise ImproperlyConfigured(
            'EDUCATION_RATE_LIMITS must be a JSON object, such as {"sign_in.address": "3/h"}.'
        )
    for name, rate in limits.items():
        if name not in DEFAULT_RATE_LIMITS:
            raise ImproperlyConfigured(
                f"EDUCATION_RATE_LIMITS names an unknown limit {name!r}; the limits are: "
                + ", ".join(sorted(DEFAULT_RATE_LIMITS))
            )
        if rate is not None and not isinstance(rate, str):
            raise ImproperlyConfigured(
                f'EDUCATION_RATE_LIMITS: the rate of {name!r} must be text such as "5/h", '
                "or null to turn it off."
            )
    return limits


DEBUG = False
SECRET_KEY = required("SECRET_KEY", "50 random characters, the same on every machine")
SITE_URL = site_url()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATABASES = {
    "default": dj_database_url.parse(
        required(
            "DATABASE_URL",
            "the database, such as postgres://user:password@host:5432/name (sqlite:///path for "
            "a small program on one machine)",
        ),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database, for a small program on one machine: take the write lock up front.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

# One cache shared by every process on every machine: rate limits count there, so that each
# limit holds for the whole site and not once per process. Redis counts atomically (INCR) and
# keeps each count's expiry; Django's database cache does neither, so Redis is required.
REDIS_URL = required(
    "REDIS_URL",
    "the Redis server every web process shares for its cache and the rate limits, such as "
    "redis://cache.internal:6379/0",
)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    },
    "renditions": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "renditions",
    },
}
# django-ratelimit knows only the django-redis package's backend, and warns about Django's own,
# which increments atomically just the same.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# The client's address, for rate limits and sign-in lockouts, is the one the outermost of this
# many trusted proxies saw (from X-Forwarded-For). 1: the reverse proxy or load balancer that
# terminates TLS; 0 when nothing stands in front of gunicorn (then X-Forwarded-For is ignored).
EDUCATION_PROXY_COUNT = int(os.environ.get("EDUCATION_PROXY_COUNT", "1"))

# Password log-ins: locked after this many failures in a row for a username from one client,
# for this long after the last one.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))

# Rates of the public forms' limits, changed from their defaults (courses/ratelimits.py).
EDUCATION_RATE_LIMITS = rate_limits()

# Background work runs in `manage.py db_worker` processes.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email over SMTP.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
# Only for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (a stack tried out on
# one's own machine writes its emails to files).
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Media: local folders by default (shared between machines by a network file system), any
# S3-compatible bucket when configured. Certificates are private: they live apart from the
# public media and are only ever served through their download view, which checks who asks.
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(BASE_DIR / "static"))
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = os.environ.get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-media-is-not-served/"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    s3_options = {
        "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "default_acl": "private",
        "querystring_auth": True,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options}
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**s3_options, "location": "private"},
    }
    # Pages show images (the logo, renditions) straight from the bucket.
    bucket = urlsplit(
        s3_options["endpoint_url"] or f"https://{s3_options['bucket_name']}.s3.amazonaws.com"
    )
    directives = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    CONTENT_SECURITY_POLICY = {
        **CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {
            **directives,
            "img-src": [*directives["img-src"], f"{bucket.scheme}://{bucket.netloc}"],
        },
    }
CERTIFICATES_STORAGE_ALIAS = "private"
FACILITATORS_GUIDE_STORAGE_ALIAS = "private"

# The key that signs the certificates' Open Badges credentials, the same on every machine; never
# made on first use here, so that a missing key is reported by the system checks
# (certificates.E004, in `check --deploy`) instead of each machine signing with a key of its own.
CERTIFICATES_SIGNING_KEY = os.environ.get("CERTIFICATES_SIGNING_KEY", "").strip()
CERTIFICATES_SIGNING_KEY_FILE = os.environ.get("CERTIFICATES_SIGNING_KEY_FILE", "").strip()
CERTIFICATES_GENERATE_SIGNING_KEY = False
# The public keys of retired signing keys, which still verify the credentials they signed.
CERTIFICATES_RETIRED_PUBLIC_KEYS = env_list("CERTIFICATES_RETIRED_PUBLIC_KEY_FILES")

WAGTAILADMIN_BASE_URL = SITE_URL

# HTTPS behind a proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Cookies only over HTTPS. A stack tried out over plain HTTP on one's own machine (make
# prod-demo) turns this off with SECURE_COOKIES=false; never do that behind a public address.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# One line per event on stdout, as JSON by default (LOG_FORMAT=plain for people reading it).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "education.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}
