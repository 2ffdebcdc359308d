from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificates of completion: issuing, PDF rendering, verification and revocation."""

    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"
    #: The app's public URLs, which ``courses.urls`` brings.
    education_urls = "certificates.urls"

    def ready(self):
        from . import checks, pdf, signal_handlers  # noqa: F401
        from .models import CertificateTemplate

        CertificateTemplate.preview_renderer = staticmethod(pdf.render_preview)
