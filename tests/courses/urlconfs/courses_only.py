"""A site's URLs that include only the courses app's own module, not ``courses.urls``."""

from django.urls import include, path

from wagtail import urls as wagtail_urls

urlpatterns = [path("", include("courses.public_urls")), path("", include(wagtail_urls))]
