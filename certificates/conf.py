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


def signing_key_pem():
    """The private key that signs Open Badges credentials and the status list, in PEM (an
    Ed25519 key, or an ECDSA key on the P-256 curve): ``CERTIFICATES_SIGNING_KEY``, or the
    contents of the file ``CERTIFICATES_SIGNING_KEY_FILE``; "" when neither is set."""
    pem = getattr(settings, "CERTIFICATES_SIGNING_KEY", "")
    if pem:
        return pem.strip()
    path = getattr(settings, "CERTIFICATES_SIGNING_KEY_FILE", "")
    if path:
        with open(path, encoding="ascii") as key_file:
            return key_file.read().strip()
    return ""


def generates_signing_key():
    """Whether a signing key is made, and kept in the certificates' storage, the first time one
    is needed and none is configured: ``CERTIFICATES_GENERATE_SIGNING_KEY``, True by default
    (for development); production settings turn it off, so that a missing key is noticed."""
    return getattr(settings, "CERTIFICATES_GENERATE_SIGNING_KEY", True)


def retired_public_keys():
    """The public keys of signing keys no longer used, in PEM, so that the credentials they
    signed still verify: ``CERTIFICATES_RETIRED_PUBLIC_KEYS``, a list of PEM texts or of paths
    of PEM files."""
    keys = []
    for entry in getattr(settings, "CERTIFICATES_RETIRED_PUBLIC_KEYS", ()):
        text = str(entry).strip()
        if not text.startswith("-----BEGIN"):
            with open(text, encoding="ascii") as key_file:
                text = key_file.read().strip()
        keys.append(text)
    return keys
