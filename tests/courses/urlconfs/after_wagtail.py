"""A site's URLs that include the education apps after Wagtail's pages, which answer first."""

from django.urls import include, path

from wagtail import urls as wagtail_urls

urlpatterns = [path("", include(wagtail_urls)), path("", include("courses.urls"))]
