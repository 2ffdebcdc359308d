"""Facilitation pages: a facilitator's sessions, and the roster where attendance is taken.

The rules live in ``courses.attendance``; these views only gather what the pages show, pass
the facilitator's input to the rules and report their answer. Every page costs a fixed number
of queries however many sessions or people there are.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wagtail.admin.views.account import LoginView
from wagtail.models import Page

from courses.attendance import (
    AttendanceError,
    UnmarkedParticipants,
    add_walk_in,
    can_take_attendance,
    close_session,
    is_education_staff,
    mark_attendance,
    reopen_session,
)
from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Local, Session

from .forms import AttendanceRow, CloseSessionForm, WalkInForm, roster_marks
from .models import FacilitatorGuidePage
from .privacy import is_guide_reader, lands_on_my_sessions

LOGIN_URL = "wagtailadmin_login"


def _login_required(view):
    """Send anonymous visitors to the admin log-in page, where facilitators sign in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), LOGIN_URL)
        return view(request, *args, **kwargs)

    return wrapper


def _guides_by_workshop(workshops):
    """{workshop id: its live facilitator guide} for these workshops, in one query."""
    workshops = {workshop.pk: workshop for workshop in workshops}
    if not workshops:
        return {}
    by_path = {workshop.path: workshop.pk for workshop in workshops.values()}
    children = Q()
    for workshop in workshops.values():
        children |= Q(path__startswith=workshop.path, depth=workshop.depth + 1)
    guides = {}
    for guide in FacilitatorGuidePage.objects.live().filter(children).order_by("path"):
        workshop_id = by_path.get(guide.path[: -Page.steplen])
        guides.setdefault(workshop_id, guide)
    return guides


@never_cache
@_login_required
def my_sessions(request):
    """The sessions the signed-in facilitator is assigned to: coming up, and still to close."""
    user = request.user
    if not is_guide_reader(user):
        raise PermissionDenied
    now = timezone.now()
    sessions = list(
        Session.objects.filter(
            pk__in=user.facilitated_sessions.values("pk"), status=SessionStatus.SCHEDULED
        )
        .with_counts()
        .select_related("workshop")
        .prefetch_related("parts")
        .order_by("starts_at", "pk")
    )
    guides = _guides_by_workshop(session.workshop for session in sessions)
    for session in sessions:
        session.guide = guides.get(session.workshop_id)
    return render(
        request,
        "facilitators/my_sessions.html",
        {
            "upcoming": [session for session in sessions if session.ends_at >= now],
            "to_close": [session for session in sessions if session.ends_at < now],
            "is_staff": is_education_staff(user),
        },
    )


def _roster_session(session_id):
    return get_object_or_404(
        Session.objects.with_counts()
        .select_related("workshop", "restricted_to_local")
        .prefetch_related(
            "parts",
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.filter(status=EnrollmentStatus.CONFIRMED)
                .select_related("participant__local", "attendance")
                .order_by("participant__name", "pk"),
                to_attr="confirmed",
            ),
        ),
        pk=session_id,
    )


@never_cache
@_login_required
@require_http_methods(["GET", "POST"])
def roster(request, session_id):
    """Take a session's attendance, add walk-ins and close it; staff may reopen it."""
    session = _roster_session(session_id)
    if not can_take_attendance(request.user, session):
        raise PermissionDenied
    duration = session.workshop.duration_hours
    action = request.POST.get("action") if request.method == "POST" else None
    rows = None
    walk_in_form = WalkInForm()
    close_form = CloseSessionForm()

    if action == "mark":
        rows = [AttendanceRow(e, duration, request.POST) for e in session.confirmed]
        if _save_marks(request, session, rows):
            return redirect("facilitators:roster", session_id=session.pk)
        messages.error(request, _("Attendance was not saved: see the people marked below."))
    elif action == "walk_in":
        walk_in_form = WalkInForm(request.POST)
        if _add_walk_in(request, session, walk_in_form):
            return redirect("facilitators:roster", session_id=session.pk)
        messages.error(request, _("The walk-in was not added: see the form below."))
    elif action == "close":
        close_form = CloseSessionForm(request.POST)
        if _close(request, session, close_form):
            return redirect("facilitators:roster", session_id=session.pk)
        messages.error(request, _("The session is not closed yet: see below."))
    elif action == "reopen":
        try:
            reopen_session(session.pk, user=request.user)
        except AttendanceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The session is open again: attendance can be changed."))
        return redirect("facilitators:roster", session_id=session.pk)
    elif request.method == "POST":
        return redirect("facilitators:roster", session_id=session.pk)

    if rows is None:
        rows = [AttendanceRow(e, duration) for e in session.confirmed]
    is_open = session.status == SessionStatus.SCHEDULED
    return render(
        request,
        "facilitators/roster.html",
        {
            "session": session,
            "workshop": session.workshop,
            "rows": rows,
            "row_errors": [row for row in rows if row.error],
            "unmarked": [row for row in rows if not row.is_marked],
            "is_open": is_open,
            "is_closed": session.status == SessionStatus.DELIVERED,
            "can_reopen": is_education_staff(request.user),
            "walk_in_form": walk_in_form,
            "close_form": close_form,
            "locals": Local.objects.only("number", "name") if is_open else [],
        },
    )


def _save_marks(request, session, rows):
    """Save the whole roster; on a refusal, put its message on the row it is about."""
    marks, valid = roster_marks(rows)
    if not valid:
        return False
    if not marks:
        messages.info(request, _("Nothing to save: choose how each person attended first."))
        return True
    try:
        changed = mark_attendance(session.pk, marks, user=request.user)
    except AttendanceError as refusal:
        row = next((row for row in rows if str(row.pk) == str(refusal.enrollment_id)), None)
        if row is None:
            messages.error(request, refusal.message)
            return True
        row.error = refusal.message
        return False
    messages.success(
        request,
        ngettext(
            "Attendance saved (%(count)s change).",
            "Attendance saved (%(count)s changes).",
            len(changed),
        )
        % {"count": len(changed)},
    )
    return True


def _add_walk_in(request, session, form):
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        walk_in = add_walk_in(
            session.pk,
            name=data["name"],
            email=data["email"],
            local=data["local"],
            user=request.user,
        )
    except AttendanceError as refusal:
        form.add_error(None, refusal.message)
        return False
    name = walk_in.enrollment.participant.name
    messages.success(
        request, _("%(name)s is added to the session and marked present.") % {"name": name}
    )
    if walk_in.over_capacity:
        messages.warning(
            request,
            _("The room is now above capacity: %(capacity)s places.")
            % {"capacity": session.capacity},
        )
    return True


def _close(request, session, form):
    if not form.is_valid():
        return False
    try:
        closed = close_session(
            session.pk,
            user=request.user,
            mark_unmarked_absent=form.cleaned_data["mark_unmarked_absent"],
        )
    except UnmarkedParticipants as refusal:
        form.add_error("mark_unmarked_absent", refusal.message)
        return False
    except AttendanceError as refusal:
        messages.error(request, refusal.message)
        return True
    messages.success(
        request,
        _("The session is closed: %(completed)s completed, %(not_completed)s did not.")
        % {"completed": len(closed.completed), "not_completed": len(closed.not_completed)},
    )
    return True


class FacilitatorLoginView(LoginView):
    """Wagtail's admin log-in, taking facilitators straight to their sessions.

    A site mounts it at the admin's log-in address, before the admin's own URLs. When the
    log-in was not asked for by another page (no ``next``, or only the dashboard, which
    Wagtail's form sends by default), facilitators who are not education staff land on "My
    sessions"; everyone else goes where Wagtail sends them.
    """

    def get_success_url(self):
        redirect_url = self.get_redirect_url()
        dashboard = reverse("wagtailadmin_home")
        if redirect_url in ("", dashboard) and lands_on_my_sessions(self.request.user):
            return reverse("facilitators:my_sessions")
        return redirect_url or dashboard
