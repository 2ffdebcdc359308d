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
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from wagtail.admin.views.account import LoginView
from wagtail.models import Page

from courses.attendance.rules import (
    AttendanceError,
    EarlyReasonRequired,
    MarksChanged,
    NotOpenYet,
    RosterChanged,
    SessionClosed,
    UnmarkedParticipants,
    add_walk_in,
    attendance_opens_at,
    by_day,
    can_take_attendance,
    close_session,
    closing_opens_at,
    current_part,
    is_unmarked,
    local_moment,
    mark_attendance,
    part_hours,
    part_label,
    preview_closing,
    reopen_session,
    roster_state,
    session_parts,
)
from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import AttendanceDay, Enrollment, Session, show_in_language
from courses.roles import is_education_staff

from .checkin import checked_in_by_enrollment
from .forms import (
    ROSTER_SEEN,
    SEEN_PREFIX,
    AttendanceRow,
    CloseSessionForm,
    WalkInForm,
    parse_seen_token,
    roster_marks,
    roster_seen,
    seen_token,
)
from .models import FacilitatorGuidePage
from .offline import kept_sessions, language_root, offline_pages, roster_texts, user_tag
from .privacy import is_guide_reader, lands_on_my_sessions
from .schedule import week_of

LOGIN_URL = "wagtailadmin_login"

#: The largest id a database integer holds: ids in an address beyond it name nothing.
MAX_ID = 2**63 - 1


def refuse_impossible_id(value):
    """404 for an id no row can have (SQLite cannot even be asked about it)."""
    if value > MAX_ID:
        raise Http404


def _login_required(view):
    """Send anonymous visitors to the admin log-in page, where facilitators sign in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), LOGIN_URL)
        return view(request, *args, **kwargs)

    return wrapper


def _guides_by_workshop(workshops):
    """{workshop id: its live facilitator guide (with its locale)} for these workshops, in one
    query."""
    workshops = {workshop.pk: workshop for workshop in workshops}
    if not workshops:
        return {}
    by_path = {workshop.path: workshop.pk for workshop in workshops.values()}
    children = Q()
    for workshop in workshops.values():
        children |= Q(path__startswith=workshop.path, depth=workshop.depth + 1)
    found = (
        FacilitatorGuidePage.objects.live()
        .filter(children)
        .select_related("locale")
        .order_by("path")
    )
    guides = {}
    for guide in found:
        workshop_id = by_path.get(guide.path[: -Page.steplen])
        guides.setdefault(workshop_id, guide)
    return guides


@never_cache
@require_safe
@_login_required
def my_sessions(request):
    """The sessions the signed-in facilitator is assigned to: coming up, and still to close.

    Each names its workshop in the page's language (``shown_workshop``) and links to the guide
    in that language, or to the guide of the page it was scheduled on when the workshop or its
    guide is not translated."""
    user = request.user
    if not is_guide_reader(user):
        raise PermissionDenied
    now = timezone.now()
    sessions = list(
        Session.objects.filter(
            pk__in=user.facilitated_sessions.values("pk"), status=SessionStatus.SCHEDULED
        )
        .with_counts()
        .select_related("workshop__locale")
        .prefetch_related("parts")
        .order_by("starts_at", "pk")
    )
    show_in_language(sessions)
    guides = _guides_by_workshop(
        [session.workshop for session in sessions]
        + [session.shown_workshop for session in sessions]
    )
    for session in sessions:
        session.guide = guides.get(session.shown_workshop.pk) or guides.get(session.workshop_id)
    upcoming = [session for session in sessions if session.ends_at >= now]
    return render(
        request,
        "facilitators/my_sessions.html",
        {
            "upcoming": upcoming,
            "to_close": [session for session in sessions if session.ends_at < now],
            # Kept on the phone for when there is no signal.
            "offline_pages": offline_pages(
                kept_sessions(sessions, now), reverse("facilitators:my_sessions")
            ),
            "offline_scope": language_root(),
            "offline_user": user_tag(request.user),
            "is_staff": is_education_staff(user),
            # This week day by day, then later sessions (see ``schedule``).
            **week_of(upcoming, now),
        },
    )


def _roster_session(session_id):
    refuse_impossible_id(session_id)
    return get_object_or_404(
        Session.objects.with_counts()
        .select_related("workshop__locale", "restricted_to_local")
        .prefetch_related(
            "parts",
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.filter(status=EnrollmentStatus.CONFIRMED)
                .select_related("participant__local", "attendance__marked_by")
                .prefetch_related(
                    Prefetch(
                        "attendance_days",
                        queryset=AttendanceDay.objects.select_related("marked_by"),
                    )
                )
                .order_by("participant__name", "pk"),
                to_attr="confirmed",
            ),
        ),
        pk=session_id,
    )


class Roster:
    """What the roster page needs to know about its session, now: its parts, the part whose
    attendance is shown (for a session of several parts), and when attendance and closing
    open."""

    def __init__(self, session, part_id=None, now=None):
        self.session = session
        self.now = now or timezone.now()
        self.parts = session_parts(session)
        self.by_day = by_day(self.parts)
        self.part = None
        if self.by_day:
            chosen = next((p for p in self.parts if str(p.pk) == str(part_id or "")), None)
            self.part = chosen or current_part(session, self.now, self.parts)
        self.shares = part_hours(session, self.parts) if self.by_day else {}

    @property
    def full_hours(self):
        """What present counts on the rows shown: the workshop, or the part's share."""
        if self.part is None:
            return self.session.workshop.duration_hours
        return self.shares[self.part.pk]

    def rows(self, data=None, *, whole=False):
        """The roster's rows (of the part shown, unless ``whole``: each person's mark for the
        whole session), with what was posted when ``data``."""
        if self.part is None or whole:
            duration = self.session.workshop.duration_hours
            return [AttendanceRow(e, duration, data) for e in self.session.confirmed]
        return [
            AttendanceRow(
                e,
                self.full_hours,
                data,
                part=self.part,
                day=next((d for d in e.attendance_days.all() if d.part_id == self.part.pk), None),
            )
            for e in self.session.confirmed
        ]

    def url(self):
        url = reverse("facilitators:roster", args=[self.session.pk])
        return f"{url}?part={self.part.pk}" if self.part is not None else url

    def redirect(self):
        return redirect(self.url())

    def context(self):
        session, now = self.session, self.now
        attendance_opens = attendance_opens_at(session)
        closing_opens = closing_opens_at(session, self.parts)
        part_opens = attendance_opens_at(session, self.part) if self.part else attendance_opens
        days = []
        for part in self.parts if self.by_day else []:
            opens = attendance_opens_at(session, part)
            days.append(
                {
                    "part": part,
                    "label": part_label(session, part, self.parts),
                    "url": f"{reverse('facilitators:roster', args=[session.pk])}?part={part.pk}",
                    "current": part == self.part,
                    "open": now >= opens,
                    "hours": _plain_number(self.shares[part.pk]),
                }
            )
        return {
            "by_day": self.by_day,
            "part": self.part,
            "part_label": part_label(session, self.part, self.parts) if self.part else "",
            "part_hours": _plain_number(self.shares[self.part.pk]) if self.part else "",
            "days": days,
            "attendance_started": now >= attendance_opens,
            "attendance_opens_at": attendance_opens,
            "attendance_opens_text": local_moment(session, attendance_opens),
            "part_open": now >= part_opens,
            "part_opens_at": part_opens,
            "part_opens_text": local_moment(session, part_opens),
            "closing_open": now >= closing_opens,
            "closing_opens_at": closing_opens,
            "closing_opens_text": local_moment(session, closing_opens),
            "close_seen": [
                (f"{SEEN_PREFIX}{key}", seen_token(seen))
                for key, seen in roster_state(session, session.confirmed, self.parts).items()
            ],
        }


def _plain_number(value):
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@never_cache
@require_http_methods(["GET", "POST"])
@_login_required
def roster(request, session_id):
    """Take a session's attendance, add walk-ins and close it; staff may reopen it.

    Every refusal re-renders the roster with its message at the row or field it is about and
    everything typed still there. The roster and the close form carry what each row looked
    like when the page was loaded, so that two people with the roster open (co-facilitators,
    the education staff) never overwrite each other's marks nor close over them unseen.

    Attendance opens shortly before the session starts and closing once its last part has
    started (``courses.attendance``): until then the page says when. A session of several
    parts shows one part at a time (``?part=<id>``, by default the part under way). Closing
    takes two steps: the close form shows a summary of the outcomes, whose own form closes.
    """
    session = _roster_session(session_id)
    if not can_take_attendance(request.user, session):
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    part_id = request.POST.get("part") if request.method == "POST" else None
    state = Roster(session, part_id or request.GET.get("part"))
    rows = None
    unsaved = []
    walk_in_form = WalkInForm()
    close_form = CloseSessionForm()

    if action == "mark":
        if state.by_day and str(state.part.pk) != str(part_id or "").strip():
            messages.error(request, _("This day is not part of this session: nothing was saved."))
        else:
            session, rows, unsaved, done = _save_marks(request, state)
            if done:
                return state.redirect()
            state.session = session
    elif action == "walk_in":
        walk_in_form = WalkInForm(request.POST)
        if _add_walk_in(request, state, walk_in_form):
            return state.redirect()
        messages.error(request, _("The walk-in was not added: see the form below."))
    elif action in ("close", "confirm_close"):
        close_form = CloseSessionForm(request.POST)
        preview, rows, done = _close(
            request, state, close_form, confirmed=action == "confirm_close"
        )
        if done:
            return state.redirect()
        if preview is not None:
            return _render_confirmation(request, state, close_form, preview)
        messages.error(request, _("The session is not closed yet: see below."))
    elif action == "reopen":
        try:
            reopen_session(session.pk, user=request.user)
        except AttendanceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The session is open again: attendance can be changed."))
        return state.redirect()
    elif request.method == "POST":
        return state.redirect()

    session = state.session
    is_open = session.status == SessionStatus.SCHEDULED
    is_closed = session.status == SessionStatus.DELIVERED
    if rows is None:
        rows = state.rows(whole=is_closed)
    if is_open:
        # Who said they arrived, by the check-in code: for the facilitator to confirm.
        checked_in = checked_in_by_enrollment(session, state.part)
        for row in rows:
            row.check_in = checked_in.get(row.enrollment.pk)
    if is_closed and state.by_day:
        for row in rows:
            days = {day.part_id: day for day in row.enrollment.attendance_days.all()}
            row.days = [
                (part_label(session, part, state.parts), days.get(part.pk)) for part in state.parts
            ]
    context = state.context()
    return render(
        request,
        "facilitators/roster.html",
        {
            **context,
            "session": session,
            # The workshop's title in the page's language.
            "workshop": session.workshop.in_language(),
            "rows": rows,
            "row_errors": [row for row in rows if row.error],
            "row_conflicts": [row for row in rows if row.conflict],
            "unmarked": [row for row in rows if is_unmarked(row.enrollment, state.parts)],
            "unsaved": unsaved,
            "roster_seen_name": ROSTER_SEEN,
            "roster_texts": roster_texts(),
            "offline_scope": language_root(),
            "offline_user": user_tag(request.user),
            "is_open": is_open,
            "is_closed": is_closed,
            "is_staff": is_education_staff(request.user),
            "can_reopen": is_education_staff(request.user),
            "walk_in_form": walk_in_form,
            "close_form": close_form,
        },
    )


def _save_marks(request, state):
    """Save the whole roster (of the part shown). Returns ``(session, rows, unsaved rows,
    done)``: on a refusal, the rows carry what was typed and the message at the row it is
    about.

    When someone else changed some of these people's marks after this page was loaded, the
    other marks are saved and those are shown beside what was typed here (see
    ``courses.attendance.mark_attendance``).
    """
    session = state.session
    rows = state.rows(request.POST)
    full_hours = state.full_hours if state.part is not None else None
    marks, expected, valid = roster_marks(rows, session.workshop, full_hours)
    if not valid:
        return _marks_refused(request, session, rows)
    if not marks:
        messages.info(request, _("Nothing to save: choose how each person attended first."))
        return session, rows, [], True
    try:
        changed = mark_attendance(
            session.pk,
            marks,
            user=request.user,
            part_id=state.part.pk if state.part is not None else None,
            expected=expected,
        )
    except MarksChanged as refusal:
        return _marks_merged(request, state, refusal)
    except SessionClosed as refusal:
        # Closed (or cancelled) since the page was loaded: say which marks were not saved.
        messages.error(request, refusal.message)
        session = _roster_session(session.pk)
        unsaved = [row for row in rows if row.is_edited and row.status]
        return session, None, unsaved, False
    except AttendanceError as refusal:
        row = next((row for row in rows if str(row.pk) == str(refusal.enrollment_id)), None)
        if row is None:
            messages.error(request, refusal.message)
        else:
            row.error = refusal.message
        return _marks_refused(request, session, rows)
    messages.success(
        request,
        ngettext(
            "Attendance saved (%(count)s change).",
            "Attendance saved (%(count)s changes).",
            len(changed),
        )
        % {"count": len(changed)},
    )
    return session, rows, [], True


def _marks_refused(request, session, rows):
    for row in rows:
        row.settle_refused()
    messages.error(request, _("Attendance was not saved: see the people marked below."))
    return session, rows, [], False


def _marks_merged(request, state, refusal):
    session = state.session = _roster_session(state.session.pk)
    conflicts = {conflict.enrollment.pk for conflict in refusal.conflicts}
    saved = {attendance.enrollment_id for attendance in refusal.changed}
    rows = state.rows(request.POST)
    for row in rows:
        row.settle_merged(conflict=row.pk in conflicts, saved=row.pk in saved)
    if saved:
        messages.success(
            request,
            ngettext(
                "Attendance saved for everyone else (%(count)s change).",
                "Attendance saved for everyone else (%(count)s changes).",
                len(saved),
            )
            % {"count": len(saved)},
        )
    messages.error(request, refusal.message)
    return session, rows, [], False


def _add_walk_in(request, state, form):
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        walk_in = add_walk_in(
            state.session.pk,
            name=data["name"],
            email=data["email"],
            local=data["local"],
            user=request.user,
            part_id=state.part.pk if state.part is not None else None,
        )
    except NotOpenYet as refusal:
        form.add_error(None, refusal.message)
        return False
    except AttendanceError as refusal:
        form.add_error(getattr(refusal, "field", None), refusal.message)
        return False
    name = walk_in.enrollment.participant.name
    messages.success(
        request, _("%(name)s is added to the session and marked present.") % {"name": name}
    )
    if walk_in.over_capacity:
        messages.warning(
            request,
            _("The room is now above capacity: %(capacity)s places.")
            % {"capacity": state.session.capacity},
        )
    return True


def _close(request, state, form, *, confirmed):
    """Show what closing would record, or (``confirmed``, from that summary) close the
    session. Returns ``(preview, rows, done)``; a refusal is put on the form.

    The close form and the summary carry the roster as the page showed it: when anyone was
    marked, added or removed since, nothing is closed and the roster is shown as it is now,
    each changed row saying who changed it and when. A confirmation that does not carry the
    roster it confirms shows the summary again instead of closing.
    """
    session = state.session
    if not form.is_valid():
        return None, None, False
    expected = roster_seen(request.POST)
    arguments = {
        "user": request.user,
        "mark_unmarked_absent": form.cleaned_data["mark_unmarked_absent"],
        "expected": expected,
        "early_reason": form.cleaned_data["early_reason"],
    }
    try:
        if not confirmed or expected is None:
            return preview_closing(session.pk, **arguments), None, False
        closed = close_session(session.pk, **arguments)
    except RosterChanged as refusal:
        form.add_error(None, refusal.message)
        rows = state.rows()
        for row in rows:
            posted = request.POST.get(row.seen_name)
            row.compare_with_posted(None if posted is None else parse_seen_token(posted))
            if posted is None:
                row.updated = True
        return None, rows, False
    except UnmarkedParticipants as refusal:
        form.add_error("mark_unmarked_absent", refusal.message)
        return None, None, False
    except EarlyReasonRequired as refusal:
        form.add_error("early_reason", refusal.message)
        return None, None, False
    except AttendanceError as refusal:
        messages.error(request, refusal.message)
        return None, None, True
    messages.success(
        request,
        _("The session is closed: %(completed)s completed, %(not_completed)s did not.")
        % {"completed": len(closed.completed), "not_completed": len(closed.not_completed)},
    )
    return None, None, True


def _render_confirmation(request, state, form, preview):
    """The summary of what closing records, and the form that closes."""
    session = state.session
    parts = state.parts
    confirmed = session.confirmed

    def mark_of(enrollment):
        if state.by_day:
            days = {day.part_id: day for day in enrollment.attendance_days.all()}
            return [(part_label(session, part, parts), days.get(part.pk)) for part in parts]
        return []

    for enrollment in confirmed:
        enrollment.day_marks = mark_of(enrollment)
    by_pk = {enrollment.pk: enrollment for enrollment in confirmed}

    def shown(enrollments):
        return [by_pk.get(enrollment.pk, enrollment) for enrollment in enrollments]

    return render(
        request,
        "facilitators/close_confirm.html",
        {
            "session": session,
            "workshop": session.workshop.in_language(),
            "preview": preview,
            "completed": shown(preview.completed),
            "not_completed": shown(preview.not_completed),
            "unmarked": shown(preview.unmarked),
            "close_form": form,
            "roster_seen_name": ROSTER_SEEN,
            "close_seen": state.context()["close_seen"],
            "part": state.part,
            "roster_url": state.url(),
            "closing_opens_text": local_moment(session, preview.closing_opens_at),
        },
    )


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
