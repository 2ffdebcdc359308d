"""System checks that name each piece a host site must add for the courses app, with the fix.

``manage.py check`` (and every ``runserver`` and ``migrate``) runs them; a site that misses a
piece learns it there, not from a 500 in front of a member.
"""

from django.conf import settings
from django.core import checks
from django.urls import get_resolver

CONTEXT_PROCESSOR = "courses.context_processors.education"
REQUEST_CONTEXT_PROCESSOR = "django.template.context_processors.request"
SIGN_IN_BACKEND = "sesame.backends.ModelBackend"


def _context_processors():
    """The context processors of every Django template engine of the site."""
    for engine in settings.TEMPLATES:
        if engine.get("BACKEND") == "django.template.backends.django.DjangoTemplates":
            yield engine.get("OPTIONS", {}).get("context_processors", [])


@checks.register(checks.Tags.templates)
def check_context_processors(app_configs=None, **kwargs):
    engines = list(_context_processors())
    errors = []
    for path, code, why in (
        (CONTEXT_PROCESSOR, "courses.E001", "the public pages find the site's base template"),
        (REQUEST_CONTEXT_PROCESSOR, "courses.E002", "the forms and the sign-in pages work"),
    ):
        if not any(path in processors for processors in engines):
            errors.append(
                checks.Error(
                    f"'{path}' is not among the template context processors.",
                    hint=f"Add '{path}' to TEMPLATES[0]['OPTIONS']['context_processors'], so "
                    f"that {why}.",
                    id=code,
                )
            )
    return errors


@checks.register(checks.Tags.security)
def check_sign_in_backend(app_configs=None, **kwargs):
    if SIGN_IN_BACKEND in settings.AUTHENTICATION_BACKENDS:
        return []
    return [
        checks.Error(
            f"'{SIGN_IN_BACKEND}' is not among AUTHENTICATION_BACKENDS: members could not sign "
            "in with the link they are emailed.",
            hint=f"Add '{SIGN_IN_BACKEND}' to AUTHENTICATION_BACKENDS, after Django's "
            "'django.contrib.auth.backends.ModelBackend'.",
            id="courses.E003",
        )
    ]


@checks.register()
def check_base_url(app_configs=None, **kwargs):
    if getattr(settings, "WAGTAILADMIN_BASE_URL", ""):
        return []
    return [
        checks.Error(
            "WAGTAILADMIN_BASE_URL is not set: the links in emails (confirmations, sign-in, "
            "cancellation) and calendar files need the site's address.",
            hint="Set WAGTAILADMIN_BASE_URL to the address members reach the site at, such as "
            "'https://education.example.org'.",
            id="courses.E004",
        )
    ]


@checks.register(checks.Tags.urls)
def check_urls_included(app_configs=None, **kwargs):
    """The site includes ``courses.urls``, which brings the URLs of every installed app."""
    from .urls import app_url_modules

    included = get_resolver().app_dict
    missing = [module.app_name for module in app_url_modules() if module.app_name not in included]
    if not missing:
        return []
    return [
        checks.Error(
            "The URLs of the education apps are not included (no "
            + ", ".join(f"'{name}'" for name in missing)
            + " namespace): the admin and My learning would fail on their links.",
            hint='Add path("", include("courses.urls")) to the site\'s urlpatterns, before '
            "Wagtail's own include(wagtail_urls). It brings the URLs of every installed app.",
            id="courses.E005",
        )
    ]
