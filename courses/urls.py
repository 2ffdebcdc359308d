"""The public URLs of every installed education app, for a site to include once, before
Wagtail's own URLs::

    urlpatterns = [
        ...
        path("", include("courses.urls")),
        path("", include(wagtail_urls)),
    ]

It brings the courses app's URLs (namespace ``courses``) and those of each installed app whose
``AppConfig`` names its URL module in ``education_urls`` (``facilitators`` and
``certificates`` do), each under its own namespace. A site that installs only some of the apps
gets only their URLs, and never a link to an app's page without the page.
"""

from importlib import import_module

from django.apps import apps
from django.urls import include, path


def app_url_modules():
    """The URL modules of the installed apps, in ``INSTALLED_APPS`` order."""
    return [
        import_module(config.education_urls)
        for config in apps.get_app_configs()
        if getattr(config, "education_urls", None)
    ]


urlpatterns = [path("", include(module)) for module in app_url_modules()]
