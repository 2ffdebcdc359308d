"""What every email of the apps needs: absolute links, and the addresses the site's settings
give."""

from django.conf import settings


def absolute_url(path):
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + path


def site_setting_values(field_name, site=None):
    """The non-empty values of ``field_name`` on the site settings registered with Wagtail.

    The courses app names no settings model of its own: any ``BaseSiteSetting`` of the site
    that has such a field provides it (for example an organisation's ``contact_email``).
    """
    from django.apps import apps

    if not apps.is_installed("wagtail.contrib.settings"):
        return []
    from wagtail.contrib.settings.registry import registry
    from wagtail.models import Site

    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    values = []
    for model in registry:
        if not any(field.name == field_name for field in model._meta.get_fields()):
            continue
        instance = model.for_site(site) if hasattr(model, "for_site") else model.load()
        value = getattr(instance, field_name, "")
        if value:
            values.append(value)
    return values


def staff_notification_emails(site=None):
    """Who hears of new requests from locals: the addresses, one per line, of the site
    settings' ``staff_notification_emails`` field, then the ``EDUCATION_STAFF_NOTIFICATION_EMAILS``
    setting (a list), without repeats."""
    addresses = []
    for value in site_setting_values("staff_notification_emails", site):
        addresses.extend(value.replace(",", "\n").replace(";", "\n").splitlines())
    addresses.extend(getattr(settings, "EDUCATION_STAFF_NOTIFICATION_EMAILS", []))
    unique = {}
    for address in addresses:
        address = address.strip()
        if address and address.lower() not in unique:
            unique[address.lower()] = address
    return list(unique.values())


def education_contact_email(site=None):
    """The address people write to about their requests: the site settings' ``contact_email``,
    else the first staff notification address, else ``DEFAULT_FROM_EMAIL``'s address."""
    for value in site_setting_values("contact_email", site):
        return value
    staff = staff_notification_emails(site)
    if staff:
        return staff[0]
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
