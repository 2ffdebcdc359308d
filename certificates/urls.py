"""Public URLs of the certificates app, included by a site with
``path("", include("certificates.urls"))``."""

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.lookup, name="lookup"),
    path("certificates/<str:code>/", views.verify, name="verify"),
    path("certificates/<str:code>/pdf/", views.download, name="download"),
]
