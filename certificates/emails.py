"""The email that tells a holder their certificate is issued, in the certificate's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import conf


def absolute_url(path):
    return conf.base_url() + path


def send_certificate_email(certificate):
    """Email the holder a link to download ``certificate`` and the link that verifies it."""
    participant = certificate.participant
    with translation.override(certificate.language or settings.LANGUAGE_CODE):
        if certificate.replaces_id:
            subject = _("Your corrected certificate: %(title)s")
        else:
            subject = _("Your certificate: %(title)s")
        context = {
            "certificate": certificate,
            "participant": participant,
            "holder_name": certificate.holder_name,
            "download_url": absolute_url(certificate.download_url()),
            "verification_url": absolute_url(certificate.get_absolute_url()),
            "my_learning_url": absolute_url(reverse("courses:my_learning")),
        }
        subject = subject % {"title": certificate.title}
        text = render_to_string("certificates/emails/issued.txt", context)
        html = render_to_string("certificates/emails/issued.html", context)
    email = EmailMultiAlternatives(subject, text, to=[participant.email])
    email.attach_alternative(html, "text/html")
    email.send()
    return email
