"""Settings shared by every environment. Environment-specific files import this module."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from csp.constants import NONE, SELF

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "home",
    "courses",
    "facilitators",
    "certificates",
    "search",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_ratelimit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "education.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, keeping the 404 of an admin page (see the class).
    "education.middleware.LocaleMiddleware",
    "education.middleware.PageInOtherLanguageMiddleware",
    # Public pages kept for visitors, served before routing (see courses.page_cache).
    "courses.page_cache.VisitorPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signing out empties the phone of the rosters it kept for when there is no signal.
    "facilitators.middleware.ForgetOfflinePagesOnSignOut",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a locked-out log-in into the lockout page (see AXES_* below).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "education.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "courses.context_processors.education",
            ],
        },
    },
]

WSGI_APPLICATION = "education.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        "OPTIONS": {
            # Write-ahead logging lets readers carry on while one request writes, and
            # IMMEDIATE transactions take the write lock up front instead of failing
            # half-way with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
        },
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a password log-in while its username is locked out for that client.
    "home.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Participants sign in with a one-time link sent by email (courses.sessions.signin).
    "sesame.backends.ModelBackend",
]
SESAME_MAX_AGE = 20 * 60  # seconds a sign-in link works
SESAME_ONE_TIME = True

# Password log-ins (staff and facilitators, at /admin/login/) are locked after AXES_FAILURE_LIMIT
# failures in a row for one username from one client, for AXES_COOLOFF_TIME after the last one;
# even the right password is refused meanwhile. Staff see and lift lockouts in the admin
# (Settings → Sign-in lockouts). Failures are recorded in the database (axes' AccessAttempt),
# which every web process shares. See home/lockout.py.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "courses.ratelimits.client_ip"
AXES_LOCKOUT_CALLABLE = "home.lockout.lockout_response"
# Only password log-ins count: sign-in links have their own rate limit (courses.ratelimits).
AXES_WHITELIST_CALLABLE = "home.lockout.is_not_a_password_log_in"
# Signing in with the right password clears that username's earlier failures from that client.
AXES_RESET_ON_SUCCESS = True
# Trying again while locked out does not make the lockout longer, so the time the lockout page
# gives stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No record of every successful sign-in (with its address) kept forever; failures are forgotten
# when their cool-off time is over.
AXES_DISABLE_ACCESS_LOG = True
# No line in the logs each time a process starts; failures and lockouts are still logged.
AXES_VERBOSE = False

# Rate limits (courses.ratelimits) count in this cache, which must be shared by every process.
RATELIMIT_USE_CACHE = "default"

# Content-Security-Policy on every page but the Wagtail admin: our pages need no inline script
# or style, and load nothing from elsewhere. Wagtail's admin needs inline scripts and styles,
# and sends its own protections (X-Frame-Options, CSRF); it goes without the header.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Production adds the storage bucket that serves images, when there is one.
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/admin/login/"

# Internationalisation: the union works in English and French.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Certificates' PDFs: a folder that is never served; downloads go through their view,
    # which checks who asks.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": BASE_DIR / "private-media",
            "base_url": "/private-media-is-not-served/",
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CERTIFICATES_STORAGE_ALIAS = "private"
# Facilitator guides' PDFs, rendered once per published revision: never served either.
FACILITATORS_GUIDE_STORAGE_ALIAS = "private"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Background work (emails, PDFs). Runs immediately unless an environment says otherwise.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "Union Education <education@example.org>"

# Wagtail
WAGTAIL_SITE_NAME = "Union Education"
# Pages and snippets exist in each language, translated in the admin with wagtail-localize;
# public URLs carry the language (/en/..., /fr/...).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Wagtail's database backend; on PostgreSQL, pages are stemmed in their own language and a
# query in the reader's (search/backends/). Changing these configurations needs update_index.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backends",
        "SEARCH_CONFIG": "english",
        "LANGUAGE_SEARCH_CONFIGS": {"en": "english", "fr": "french"},
    }
}
# Where emailed links, QR codes and calendar files point: each environment's settings set it
# from the address the site is served at (``SITE_URL`` in dev and production).
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# The template every public page of the education apps extends.
EDUCATION_BASE_TEMPLATE = "base.html"
# Certificates name their issuer from the organisation's settings, which staff edit in the admin.
CERTIFICATES_ISSUER_SETTING = "home.OrganisationSettings.name"
