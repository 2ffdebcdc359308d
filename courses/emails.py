"""Emails to participants about their enrolments, in their own language."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .calendar import session_calendar

CANCEL_SALT = "courses.enrollment.cancel"
#: How long a cancel link in an email keeps working.
CANCEL_LINK_MAX_AGE = 60 * 60 * 24 * 120


def absolute_url(path):
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + path


def cancel_token(enrollment):
    return signing.dumps({"enrollment": enrollment.pk}, salt=CANCEL_SALT, compress=True)


def enrollment_from_cancel_token(token):
    """The enrolment id in a cancel link, or None when the link is forged or too old."""
    try:
        data = signing.loads(token, salt=CANCEL_SALT, max_age=CANCEL_LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return data.get("enrollment") if isinstance(data, dict) else None


def cancel_url(enrollment):
    return absolute_url(reverse("courses:cancel_enrollment", args=[cancel_token(enrollment)]))


def _messages():
    return {
        "confirmed": (
            _("You are enrolled: %(workshop)s"),
            _("Your place is confirmed. The calendar file attached adds it to your calendar."),
        ),
        "waitlisted": (
            _("You are on the waitlist: %(workshop)s"),
            _(
                "This session is full, so you are on its waitlist. If a place frees up, it is "
                "yours and we will email you straight away."
            ),
        ),
        "promoted": (
            _("A place opened up: %(workshop)s"),
            _("Good news: a place freed up and it is now yours. Your enrolment is confirmed."),
        ),
        "cancelled": (
            _("Enrolment cancelled: %(workshop)s"),
            _("Your enrolment is cancelled. You are welcome to enrol in another session."),
        ),
        "session_cancelled": (
            _("Session cancelled: %(workshop)s"),
            _(
                "We are sorry: this session has been cancelled, so your enrolment is cancelled "
                "too. Other sessions of this workshop are listed on its page."
            ),
        ),
        "reminder": (
            _("Reminder: %(workshop)s"),
            _("This is a reminder that your session is coming up soon."),
        ),
    }


ATTACH_CALENDAR = {"confirmed", "promoted", "reminder"}
OFFER_CANCEL = {"confirmed", "waitlisted", "promoted", "reminder"}


def send_enrollment_email(enrollment, kind):
    """Send the ``kind`` email (see ``_messages``) about this enrolment to its participant."""
    participant = enrollment.participant
    session = enrollment.session
    with translation.override(participant.preferred_language or settings.LANGUAGE_CODE):
        subject_template, message = _messages()[kind]
        context = {
            "participant": participant,
            "session": session,
            "workshop": session.workshop,
            "enrollment": enrollment,
            "kind": kind,
            "message": message,
            "workshop_url": absolute_url(session.workshop.url or "/"),
            "cancel_url": cancel_url(enrollment) if kind in OFFER_CANCEL else "",
            "my_learning_url": absolute_url(reverse("courses:my_learning")),
        }
        subject = subject_template % {"workshop": session.workshop.title}
        text = render_to_string("courses/emails/enrollment.txt", context)
        html = render_to_string("courses/emails/enrollment.html", context)
    email = EmailMultiAlternatives(subject, text, to=[participant.email])
    email.attach_alternative(html, "text/html")
    if kind in ATTACH_CALENDAR:
        email.attach("session.ics", session_calendar(session), "text/calendar")
    email.send()
    return email


# Requests from locals for tailored sessions

REQUEST_STATUS_SALT = "courses.session_request.status"
#: How long the private status link of a request keeps working. Every email about the request
#: carries a fresh one.
REQUEST_STATUS_LINK_MAX_AGE = 60 * 60 * 24 * 365


def request_status_token(session_request):
    return signing.dumps({"request": session_request.pk}, salt=REQUEST_STATUS_SALT, compress=True)


def request_from_status_token(token):
    """``(request id, expired)`` from a status link; ``(None, False)`` when it is forged.

    An expired link still names its request (its signature is genuine), so that the page can
    tell the person which request it was about.
    """
    try:
        data = signing.loads(token, salt=REQUEST_STATUS_SALT, max_age=REQUEST_STATUS_LINK_MAX_AGE)
        expired = False
    except signing.SignatureExpired:
        data = signing.loads(token, salt=REQUEST_STATUS_SALT)
        expired = True
    except signing.BadSignature:
        return None, False
    request_id = data.get("request") if isinstance(data, dict) else None
    if not isinstance(request_id, int):
        return None, False
    return request_id, expired


def request_status_url(session_request):
    return absolute_url(
        reverse("courses:request_status", args=[request_status_token(session_request)])
    )


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


def _request_messages():
    return {
        "received": (
            _("We received your request %(reference)s"),
            _(
                "Thank you: your request for a tailored session has reached the education team. "
                "Someone will contact you to shape the session with your local."
            ),
        ),
        "in_review": (
            _("Your request %(reference)s is in review"),
            _(
                "The education team is reviewing your request and will be in touch to plan the "
                "session with you: its goals, its date and who will facilitate it."
            ),
        ),
        "scheduled": (
            _("Your session is scheduled: %(reference)s"),
            _(
                "Your tailored session is scheduled. Members of your local can now enrol in it; "
                "only they can."
            ),
        ),
        "delivered": (
            _("Your session has taken place: %(reference)s"),
            _(
                "Your tailored session has taken place and your request is complete. Thank you "
                "for learning with us."
            ),
        ),
        "declined": (
            _("About your request %(reference)s"),
            _("We are sorry: the education team cannot take up your request as it stands."),
        ),
    }


def send_request_email(session_request, kind):
    """Email the person who made the request: ``received``, or the status it has reached."""
    session = session_request.session
    with translation.override(session_request.language or settings.LANGUAGE_CODE):
        subject_template, message = _request_messages()[kind]
        context = {
            "session_request": session_request,
            "kind": kind,
            "message": message,
            "session": session if kind == "scheduled" else None,
            "status_url": request_status_url(session_request),
            "enrol_url": (
                absolute_url(reverse("courses:enrol", args=[session.pk]))
                if kind == "scheduled" and session is not None
                else ""
            ),
            "contact_email": education_contact_email(),
        }
        subject = subject_template % {"reference": session_request.reference}
        text = render_to_string("courses/emails/request_status.txt", context)
        html = render_to_string("courses/emails/request_status.html", context)
    email = EmailMultiAlternatives(
        subject, text, to=[session_request.email], reply_to=[context["contact_email"]]
    )
    email.attach_alternative(html, "text/html")
    email.send()
    return email


def send_request_staff_email(session_request, site=None):
    """Tell the education staff of a new request, with a link to it in the admin. Sends
    nothing when no address is set."""
    recipients = staff_notification_emails(site)
    if not recipients:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "session_request": session_request,
            "admin_url": absolute_url(
                reverse("wagtailsnippets_courses_sessionrequest:edit", args=[session_request.pk])
            ),
        }
        subject = _("New request from %(local)s: %(workshop)s (%(reference)s)") % {
            "local": session_request.local_display,
            "workshop": session_request.workshop.title,
            "reference": session_request.reference,
        }
        subject = " ".join(subject.split())  # what a local typed never breaks the header
        text = render_to_string("courses/emails/request_staff.txt", context)
        html = render_to_string("courses/emails/request_staff.html", context)
    email = EmailMultiAlternatives(subject, text, to=recipients, reply_to=[session_request.email])
    email.attach_alternative(html, "text/html")
    email.send()
    return email
