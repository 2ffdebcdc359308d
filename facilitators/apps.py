from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitatorsConfig(AppConfig):
    name = "facilitators"
    verbose_name = _("Facilitators")
    default_auto_field = "django.db.models.BigAutoField"
    #: The app's public URLs, which ``courses.urls`` brings.
    education_urls = "facilitators.urls"

    def ready(self):
        from . import signal_handlers  # noqa: F401
