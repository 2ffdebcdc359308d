"""Public URLs of the certificates app (namespace ``certificates``), brought by
``courses.urls``."""

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.lookup, name="lookup"),
    path("certificates/<str:code>/", views.verify, name="verify"),
    path("certificates/<str:code>/pdf/", views.download, name="download"),
]
