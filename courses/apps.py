from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"
    #: The app's public URLs, which ``courses.urls`` brings.
    education_urls = "courses.public_urls"

    def ready(self):
        from . import checks, signal_handlers  # noqa: F401
