"""Facilitation URLs (namespace ``facilitators``), brought by ``courses.urls``."""

from django.urls import path

from . import checkin_views, offline_views, pdf_views, sync_views, views

app_name = "facilitators"

urlpatterns = [
    path("facilitate/", views.my_sessions, name="my_sessions"),
    path("facilitate/service-worker.js", offline_views.service_worker, name="service_worker"),
    path("facilitate/manifest.webmanifest", offline_views.manifest, name="manifest"),
    path("facilitate/sessions/<int:session_id>/", views.roster, name="roster"),
    path("facilitate/sessions/<int:session_id>/sync/", sync_views.roster_sync, name="roster_sync"),
    path(
        "facilitate/sessions/<int:session_id>/sign-in-sheet.pdf",
        pdf_views.sign_in_sheet,
        name="sign_in_sheet",
    ),
    path("facilitate/guides/<int:page_id>/guide.pdf", pdf_views.guide_pdf, name="guide_pdf"),
    path(
        "facilitate/sessions/<int:session_id>/check-in-code/",
        checkin_views.check_in_code,
        name="check_in_code",
    ),
    # Self check-in: where a session's check-in code leads, and the link emailed from there.
    path("check-in/link/<str:token>/", checkin_views.check_in_link, name="check_in_link"),
    path("check-in/<str:code>/", checkin_views.check_in, name="check_in"),
    path("check-in/<str:code>/sent/", checkin_views.check_in_sent, name="check_in_sent"),
]
