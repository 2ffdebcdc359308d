"""The email that tells a holder their certificate is issued, in the certificate's language, and
the one that tells a staff member the ZIP of a session's certificates they asked for is ready."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from wagtail.users.models import UserProfile

from . import conf

#: The admin view that sends a session's current ZIP (see ``certificates.wagtail_hooks``).
SESSION_ARCHIVE_DOWNLOAD_URL_NAME = "certificates_admin:session_archive_download"


def absolute_url(path):
    return conf.base_url() + path


def email_language(certificate):
    """The holder's own language, else the certificate's."""
    codes = {code for code, _name in settings.LANGUAGES}
    for language in (certificate.participant.preferred_language, certificate.language):
        if language in codes:
            return language
    return settings.LANGUAGE_CODE


def title_in(certificate, language):
    """What the certificate is for, named in ``language``: a workshop certificate takes the
    title of the workshop's page in that language; otherwise the printed title."""
    if certificate.language == language or certificate.workshop_id is None:
        return certificate.title
    return certificate.workshop.in_language(language).title


def send_certificate_email(certificate):
    """Email the holder, in their language, a link to download ``certificate`` and the link
    that verifies it."""
    participant = certificate.participant
    language = email_language(certificate)
    with translation.override(language):
        if certificate.replaces_id:
            subject = _("Your corrected certificate: %(title)s")
        else:
            subject = _("Your certificate: %(title)s")
        title = title_in(certificate, language)
        context = {
            "certificate": certificate,
            "title": title,
            "participant": participant,
            "holder_name": certificate.holder_name,
            "download_url": absolute_url(certificate.download_url()),
            "verification_url": absolute_url(certificate.get_absolute_url()),
            "my_learning_url": absolute_url(reverse("courses:my_learning")),
        }
        subject = subject % {"title": title}
        text = render_to_string("certificates/emails/issued.txt", context)
        html = render_to_string("certificates/emails/issued.html", context)
    email = EmailMultiAlternatives(subject, text, to=[participant.email])
    email.attach_alternative(html, "text/html")
    email.send()
    return email


def send_session_archive_email(session, user):
    """Email ``user`` (a staff member) a link to download the ZIP of the session's certificates,
    in the language they use the admin in. Sends nothing to a user without an address."""
    if not user.email:
        return None
    with translation.override(UserProfile.get_for_user(user).get_preferred_language()):
        context = {
            "session": session,
            "name": user.get_full_name() or user.get_username(),
            "download_url": absolute_url(
                reverse(SESSION_ARCHIVE_DOWNLOAD_URL_NAME, args=[session.pk])
            ),
        }
        subject = _("Certificates ready to download: %(session)s") % {"session": session}
        text = render_to_string("certificates/emails/session_archive.txt", context)
        html = render_to_string("certificates/emails/session_archive.html", context)
    email = EmailMultiAlternatives(subject, text, to=[user.email])
    email.attach_alternative(html, "text/html")
    email.send()
    return email
