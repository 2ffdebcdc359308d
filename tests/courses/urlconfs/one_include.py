"""A site's URLs as the README says: one include brings every installed app."""

from django.urls import include, path

from wagtail import urls as wagtail_urls

urlpatterns = [path("", include("courses.urls")), path("", include(wagtail_urls))]
