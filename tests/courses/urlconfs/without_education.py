"""A site's URLs that forgot the education apps."""

from django.urls import include, path

from wagtail import urls as wagtail_urls

urlpatterns = [path("", include(wagtail_urls))]
