"""Settings of the certificates app, each with a default so that another site can install it as
is."""

from django.apps import apps
from django.conf import settings

from wagtail.models import Site


def issuer_name(language=None):
    """The organisation that issues certificates, as printed on them (in ``language``) and on
    their verification page.

    ``CERTIFICATES_ISSUER`` names it outright. Otherwise ``CERTIFICATES_ISSUER_SETTING``, a
    dotted ``"app_label.ModelName.field"`` of a Wagtail site setting (such as
    ``"home.OrganisationSettings.name"``), is read for the default site, so that staff edit it
    in the admin; a field of the same name ending in the language's code (``name_fr``), when
    filled in, names it in that language. Failing both, the default site's name, then
    ``WAGTAIL_SITE_NAME``.
    """
    fixed = getattr(settings, "CERTIFICATES_ISSUER", "")
    if fixed:
        return fixed
    site = Site.objects.filter(is_default_site=True).first()
    setting_path = getattr(settings, "CERTIFICATES_ISSUER_SETTING", "")
    if setting_path and site is not None:
        model_label, _dot, field = setting_path.rpartition(".")
        organisation = apps.get_model(model_label).for_site(site)
        in_language = str(getattr(organisation, f"{field}_{language}", "") if language else "")
        value = in_language.strip() or str(getattr(organisation, field, "")).strip()
        if value:
            return value
    if site is not None and site.site_name:
        return site.site_name
    return getattr(settings, "WAGTAIL_SITE_NAME", "")


def page_size():
    """The paper certificates are printed on, in landscape: ``CERTIFICATES_PAGE_SIZE``, "letter"
    (the default, for North America) or "A4"."""
    return getattr(settings, "CERTIFICATES_PAGE_SIZE", "letter")


def base_url():
    """What verification links in PDFs and emails start with: ``CERTIFICATES_BASE_URL``, or
    ``WAGTAILADMIN_BASE_URL``."""
    return (
        getattr(settings, "CERTIFICATES_BASE_URL", "")
        or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    ).rstrip("/")
