"""System checks that name each piece a host site must add for the courses app, with the fix.

``manage.py check`` (and every ``runserver`` and ``migrate``) runs them; a site that misses a
piece learns it there, not from a 500 in front of a member.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

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


#: Addresses that only ever reach the machine itself, or the placeholder of ``wagtail start``.
NOT_PUBLIC_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "example.com", "www.example.com"}


@checks.register(checks.Tags.security, deploy=True)
def check_base_url_is_public(app_configs=None, **kwargs):
    host = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").hostname
    if host not in NOT_PUBLIC_HOSTS:
        return []
    return [
        checks.Warning(
            f"WAGTAILADMIN_BASE_URL points to {host}: the links emailed to members and the QR "
            "codes printed on certificates would lead nowhere.",
            hint="Set WAGTAILADMIN_BASE_URL to the public address of the site in production.",
            id="courses.W001",
        )
    ]


def _first_plain_name(module):
    """The name of a URL of ``module`` that takes no arguments, to reverse and resolve."""
    for pattern in module.urlpatterns:
        name = getattr(pattern, "name", None)
        if name and not pattern.pattern.converters and "(" not in str(pattern.pattern):
            return name
    return None


@checks.register(checks.Tags.urls)
def check_urls_included(app_configs=None, **kwargs):
    """The site includes ``courses.urls``, which brings the URLs of every installed app,
    before Wagtail's own pages (after them, Wagtail answers every address first)."""
    if not getattr(settings, "ROOT_URLCONF", None):
        return []
    from .urls import app_url_modules

    hint = (
        'Add path("", include("courses.urls")) to the site\'s urlpatterns, before '
        "Wagtail's own include(wagtail_urls). It brings the URLs of every installed app."
    )
    included = get_resolver().app_dict
    missing, shadowed = [], []
    for module in app_url_modules():
        namespace = getattr(module, "app_name", None)
        if not namespace:
            continue
        if namespace not in included:
            missing.append(namespace)
            continue
        name = _first_plain_name(module)
        if name is None:
            continue
        try:
            match = resolve(reverse(f"{namespace}:{name}"))
        except (NoReverseMatch, Resolver404):
            continue
        if match.namespace != namespace:
            shadowed.append(namespace)
    errors = []
    if missing:
        errors.append(
            checks.Error(
                "The URLs of the education apps are not included (no "
                + ", ".join(f"'{name}'" for name in missing)
                + " namespace): the admin and My learning would fail on their links.",
                hint=hint,
                id="courses.E005",
            )
        )
    if shadowed:
        errors.append(
            checks.Error(
                "The URLs of the education apps come after another include that answers them "
                "first (" + ", ".join(f"'{name}'" for name in shadowed) + "): their pages "
                "would answer 404.",
                hint=hint,
                id="courses.E006",
            )
        )
    return errors
