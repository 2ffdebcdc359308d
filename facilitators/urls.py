"""Facilitation URLs (namespace ``facilitators``), brought by ``courses.urls``."""

from django.urls import path

from . import pdf_views, views

app_name = "facilitators"

urlpatterns = [
    path("facilitate/", views.my_sessions, name="my_sessions"),
    path("facilitate/sessions/<int:session_id>/", views.roster, name="roster"),
    path(
        "facilitate/sessions/<int:session_id>/sign-in-sheet.pdf",
        pdf_views.sign_in_sheet,
        name="sign_in_sheet",
    ),
    path("facilitate/guides/<int:page_id>/guide.pdf", pdf_views.guide_pdf, name="guide_pdf"),
]
