"""Attendance in the admin: reopening a closed session so that its attendance can be
corrected, and the marks phones sent after taking them offline."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic

import django_filters

from ..admin_filters import DateFromToRangeFilter, snippet_chooser_filter
from ..admin_permissions import visible_to_requester
from ..choices import AttendanceStatus, OfflineMarkKind, OfflineOutcome
from ..models import OfflineMark, Session
from ..roles import is_education_staff
from ..sessions.admin_views import SessionObjectView, local_datetime
from .rules import AttendanceError, reopen_session


class ReopenSessionView(SessionObjectView):
    """Ask for confirmation, then reopen a closed session so its attendance can be corrected.

    Attendance and completion are kept; closing the session again recomputes completion and
    tells only the people whose outcome changed. The reopening is logged.
    """

    page_title = _("Reopen session")
    template_name = "courses/admin/reopen_session.html"
    any_permission_required = {"change"}

    def dispatch(self, request, *args, **kwargs):
        if not is_education_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            reopen_session(self.object.pk, user=request.user)
        except AttendanceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                gettext("The session is open again: correct its attendance, then close it again."),
            )
        return redirect(self.get_people_url())


# Marks taken offline


class OfflineMarkFilterSet(WagtailFilterSet):
    session = snippet_chooser_filter(
        Session,
        visible_to_requester(Session.objects.select_related("workshop")),
        label=_("Session"),
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), choices=OfflineOutcome.choices, empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=OfflineMarkKind.choices, empty_label=_("All")
    )
    received_at = DateFromToRangeFilter(label=_("Received"), widget=DateRangePickerWidget)

    class Meta:
        model = OfflineMark
        fields = ["session", "outcome", "kind", "received_at"]


def offline_person(mark):
    """Who an offline mark is about: the enrolment's participant, or the walk-in's name as
    typed."""
    if mark.enrollment_id is not None:
        return mark.enrollment.participant.name
    if mark.kind == OfflineMarkKind.WALK_IN:
        return mark.payload.get("name") or ""
    return ""


def offline_sent(mark):
    """What the phone sent, in words: "Partly present, 2.5 h" or "Walk-in: name@example.org"."""
    payload = mark.payload or {}
    if mark.kind == OfflineMarkKind.WALK_IN:
        return gettext("Walk-in: %(email)s") % {"email": payload.get("email") or ""}
    try:
        status = AttendanceStatus(payload.get("status")).label
    except ValueError:
        status = str(payload.get("status") or "")
    if payload.get("hours"):
        return gettext("%(status)s, %(hours)s h") % {"status": status, "hours": payload["hours"]}
    return status


def offline_sender(mark):
    """Who sent the mark: the facilitator (or staff member) signed in on the phone."""
    user = mark.received_by
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class OfflineMarkIndexView(generic.IndexView):
    """Every mark and walk-in a phone sent after taking them offline, newest first; filtered
    by session and outcome, it shows the staff what was refused (sent after the session was
    closed, for someone not on its roster ...) and why."""

    default_ordering = "-received_at"

    def get_base_queryset(self):
        return OfflineMark.objects.select_related(
            "session__workshop", "enrollment__participant", "received_by"
        )

    @cached_property
    def columns(self):
        return [
            Column(
                "received_at",
                label=_("Received"),
                accessor=lambda mark: local_datetime(mark.received_at, mark.session),
                sort_key="received_at",
            ),
            Column("session", label=_("Session")),
            Column("person", label=_("Person"), accessor=offline_person),
            Column("sent", label=_("Sent"), accessor=offline_sent),
            Column(
                "marked_at",
                label=_("Marked on the phone"),
                accessor=lambda mark: local_datetime(mark.marked_at, mark.session),
                sort_key="marked_at",
            ),
            StatusTagColumn(
                "outcome",
                label=_("Outcome"),
                accessor="get_outcome_display",
                primary=lambda mark: mark.outcome == OfflineOutcome.SAVED,
                sort_key="outcome",
            ),
            Column("message", label=_("Message")),
            Column("received_by", label=_("Sent by"), accessor=offline_sender),
        ]
