"""Public URLs of the certificates app (namespace ``certificates``), brought by
``courses.urls``.

The Open Badges documents (the issuer's profile, the achievements, the key set and the status
lists) are public JSON and JWT under ``certificates/open-badges/``. Like every public URL of the
apps they carry a language prefix: the addresses written into credentials are built in the
site's first language, so they never change, and the achievements are described in the
language of their address.
"""

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.lookup, name="lookup"),
    path("certificates/open-badges/issuer/", views.issuer, name="issuer"),
    path("certificates/open-badges/keys.json", views.key_set, name="key_set"),
    path(
        "certificates/open-badges/status-lists/<int:number>/",
        views.status_list,
        name="status_list",
    ),
    path(
        "certificates/open-badges/workshops/<int:workshop_id>/",
        views.workshop_achievement,
        name="workshop_achievement",
    ),
    path(
        "certificates/open-badges/programs/<int:program_id>/",
        views.program_achievement,
        name="program_achievement",
    ),
    path("certificates/<str:code>/", views.verify, name="verify"),
    path("certificates/<str:code>/pdf/", views.download, name="download"),
    path("certificates/<str:code>/credential.jwt", views.credential, name="credential"),
    path("certificates/<str:code>/badge.png", views.badge, name="badge"),
]
