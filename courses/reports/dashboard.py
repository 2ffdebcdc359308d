"""Panels of the Wagtail dashboard for education staff: what needs attention in the program.

Upcoming sessions with how full they are and who waits; sessions whose end has passed but that
nobody has closed (their attendance, completions and certificates wait on it); and a chart of
the program year's sessions and participants (the program year the reports cover when no period
is chosen, see ``courses.reports.views.program_year``). Requests from locals have their own panel
(``courses.requests.admin_views.NewRequestsPanel``). Each panel costs one query.
"""

from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone

from wagtail.admin.ui.components import Component

from ..choices import SessionStatus
from ..models import Session
from .views import ReportConditions, percentage, program_year, sessions_per_month_chart

#: How many sessions a list panel shows; the rest are a link away.
PANEL_ROWS = 8


def people_url(session):
    return reverse("wagtailsnippets_courses_session:people", args=[session.pk])


def can_see_dashboard_panels(user):
    return user.has_perm("courses.view_session")


class UpcomingSessionsPanel(Component):
    """The next sessions, each with its seats taken, fill rate and waitlist."""

    name = "education_upcoming_sessions"
    template_name = "courses/dashboard/upcoming_sessions.html"
    order = 55

    def get_context_data(self, parent_context):
        sessions = list(
            Session.objects.upcoming().with_counts().select_related("workshop")[: PANEL_ROWS + 1]
        )
        for session in sessions:
            session.fill_rate = percentage(session.seats_taken, session.capacity)
            session.people_url = people_url(session)
        return {
            "sessions": sessions[:PANEL_ROWS],
            "more": len(sessions) > PANEL_ROWS,
            "list_url": reverse("wagtailsnippets_courses_session:list")
            + f"?status={SessionStatus.SCHEDULED}",
        }


class UnclosedSessionsPanel(Component):
    """Sessions whose end has passed and that are still open: nobody closed them yet."""

    name = "education_unclosed_sessions"
    template_name = "courses/dashboard/unclosed_sessions.html"
    order = 56

    def get_context_data(self, parent_context):
        now = timezone.now()
        sessions = list(
            Session.objects.filter(status=SessionStatus.SCHEDULED, ends_at__lt=now)
            .select_related("workshop")
            .order_by("ends_at", "pk")[: PANEL_ROWS + 1]
        )
        for session in sessions:
            session.days_since = (now - session.ends_at).days
            session.people_url = people_url(session)
        return {
            "sessions": sessions[:PANEL_ROWS],
            "more": len(sessions) > PANEL_ROWS,
        }


class ProgramChartPanel(Component):
    """This program year's sessions and the people confirmed in them, month by month: the
    period the enrolment and attendance report opens on (the calendar year when the site sets
    no program year)."""

    name = "education_program_chart"
    template_name = "courses/dashboard/program_chart.html"
    order = 57

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        first_day, last_day = program_year(today) or (
            date(today.year, 1, 1),
            date(today.year, 12, 31),
        )
        start = timezone.make_aware(datetime.combine(first_day, time.min))
        stop = timezone.make_aware(datetime.combine(last_day, time.max))
        conditions = ReportConditions({"period": slice(start, stop)})
        chart = sessions_per_month_chart(
            Session.objects.filter(conditions.sessions()),
            conditions,
            chart_id="dashboard-sessions-per-month",
        )
        return {
            "chart": chart,
            "year": (
                str(first_day.year)
                if first_day.year == last_day.year
                else f"{first_day.year}–{last_day.year}"
            ),
            "report_url": reverse("education_reports:sessions"),
        }


def dashboard_panels(user):
    """The panels ``user`` sees on the dashboard."""
    if not can_see_dashboard_panels(user):
        return []
    return [UpcomingSessionsPanel(), UnclosedSessionsPanel(), ProgramChartPanel()]
