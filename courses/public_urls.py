"""The courses app's own public URLs (namespace ``courses``), brought by ``courses.urls``."""

from django.urls import path

from .requests import views as request_views
from .sessions import views
from .sessions.local_suggestions import local_suggestions

app_name = "courses"

urlpatterns = [
    path("sessions/<int:session_id>/enrol/", views.enrol_form, name="enrol"),
    path("sessions/<int:session_id>/enrol/done/", views.enrol_result, name="enrol_result"),
    path(
        "sessions/<int:session_id>/enrol/check-your-email/",
        views.enrol_requested,
        name="enrol_requested",
    ),
    path("enrolments/confirm/<str:token>/", views.confirm_enrolment, name="confirm_enrolment"),
    path("sessions/<int:session_id>/calendar.ics", views.calendar_file, name="session_calendar"),
    path("enrolments/cancel/<str:token>/", views.cancel_by_link, name="cancel_enrollment"),
    path("enrolments/offer/<str:token>/", views.accept_offer_link, name="accept_offer"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/sent/", views.sign_in_sent, name="sign_in_sent"),
    path("sign-in/link/", views.sign_in_link, name="sign_in_link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("my-learning/", views.my_learning, name="my_learning"),
    path("my-learning/details/", views.my_details, name="my_details"),
    path("my-learning/calendar/new-link/", views.new_feed_link, name="new_feed_link"),
    path("my-learning/calendar/<str:token>.ics", views.my_feed, name="my_feed"),
    path("calendars/workshops/<int:workshop_id>.ics", views.workshop_feed, name="workshop_feed"),
    path("calendars/programs/<slug:slug>.ics", views.program_feed, name="program_feed"),
    path(
        "my-learning/enrolments/<int:enrollment_id>/calendar.ics",
        views.my_calendar_file,
        name="my_calendar",
    ),
    path(
        "my-learning/enrolments/<int:enrollment_id>/cancel/",
        views.my_learning_cancel,
        name="my_learning_cancel",
    ),
    path("locals/suggest/", local_suggestions, name="local_suggestions"),
    path(
        "request-a-session/status/<str:token>/",
        request_views.request_status,
        name="request_status",
    ),
]
