"""Attendance rules: facilitators mark who came, add walk-ins, and close the session.

Like ``courses.sessions.enrollment``, every function that writes takes primary keys, runs in one
transaction with the session row locked, and raises an :class:`AttendanceError` whose
``message`` is fit to show to the facilitator. Every mark and every change of a mark is written
to the enrolment's history (Wagtail log entries), so a corrected mark keeps the old one on
record. Closing a session records completion on each enrolment; once the transaction has
committed, :data:`courses.signals.session_closed` is sent and each participant is emailed the
outcome.

Several people may have the same roster open (co-facilitators, the education staff). What each
of them saw when their page was loaded is a :class:`SeenMark` per enrolment; passed as
``expected=`` to :func:`mark_attendance` or :func:`close_session`, it is compared with the
recorded marks under the session's row lock, so a page loaded before someone else's save never
overwrites that save, nor closes the session over it, without the person being told.

**When.** Attendance opens shortly before the session starts
(``EDUCATION_ATTENDANCE_OPENS_BEFORE``, an hour by default; for a session of several parts,
that long before each part) and stays open until the session is closed. Closing opens once the
last part has started (``EDUCATION_CLOSING_OPENS_AFTER_LAST_PART_STARTS``, zero by default);
education staff may close earlier, giving the reason, which the closing's log entry keeps.
Closing is shown first as a summary (:func:`preview_closing`): who completes, who does not,
who is not marked yet.

**By day.** A session of one part records one :class:`~courses.models.Attendance` per
enrolment, as it always has. A session of several parts (days or half-days) takes attendance
part by part: each mark is an :class:`~courses.models.AttendanceDay`, and present on a part
counts that part's share of the workshop's hours (:func:`part_hours`, in proportion to the
parts' lengths). The enrolment's ``Attendance`` is their sum (:func:`derived_mark`), written
once every part is marked: hours across the parts; present if present at every part, excused
if excused at every part, absent if nowhere present (absent or excused at every part), else
partly present. Completion counts it as for one part: present, or partly present with at
least the workshop's hours.
"""

import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from .. import conf
from ..actions import CLOSE_ACTION, MARK_ACTION, REOPEN_ACTION, WALK_IN_ACTION
from ..choices import AttendanceStatus, EnrollmentSource, EnrollmentStatus, SessionStatus
from ..exceptions import Refusal
from ..models import Attendance, AttendanceDay, Enrollment, Participant, Session
from ..roles import is_education_staff
from ..sessions.enrollment import find_or_create_participant
from ..signals import session_closed
from ..timezones import zone_abbreviation
from .emails import send_outcome_email_task

logger = logging.getLogger(__name__)


NO_HOURS = Decimal("0.00")
CENTS = Decimal("0.01")


class AttendanceError(Refusal):
    """A rule refused the request. ``message`` is fit to show to the facilitator."""

    def __init__(self, message, enrollment_id=None):
        super().__init__(message)
        #: The enrolment the refusal is about, when it is about one row of the roster.
        self.enrollment_id = enrollment_id


class SessionClosed(AttendanceError):
    """The session is delivered (closed) or cancelled: its attendance no longer changes."""

    code = "closed"


class AlreadyClosed(AttendanceError):
    code = "already_closed"


class NotClosed(AttendanceError):
    code = "not_closed"


class NotConfirmed(AttendanceError):
    """Only confirmed enrolments of the session are marked."""

    code = "not_confirmed"


class InvalidMark(AttendanceError):
    """An unknown attendance status, or hours that are missing, malformed or out of range."""

    code = "invalid"


class InvalidWalkIn(AttendanceError):
    code = "invalid_walk_in"


class UnmarkedParticipants(AttendanceError):
    code = "unmarked"

    def __init__(self, message, enrollments):
        super().__init__(message)
        self.enrollments = enrollments


class NotAllowed(AttendanceError):
    code = "not_allowed"


class NotOpenYet(AttendanceError):
    """Too early: attendance (or closing) opens at ``opens_at``, which the message says."""

    code = "not_open_yet"

    def __init__(self, message, opens_at):
        super().__init__(message)
        self.opens_at = opens_at


class ClosingNotOpen(NotOpenYet):
    """The session's last part has not started: it cannot be closed yet."""

    code = "closing_not_open"


class EarlyReasonRequired(ClosingNotOpen):
    """Education staff may close before the last part starts, but only giving the reason."""

    code = "early_reason_required"


class InvalidPart(AttendanceError):
    """The part (day) a mark is for is missing, or is not one of the session's."""

    code = "invalid_part"


class SeenMark(NamedTuple):
    """A recorded mark as someone saw it: on the roster page they loaded, for example.

    ``None`` stands for "not marked yet". A mark changed since has another ``marked_at``
    (and usually another status or hours).
    """

    status: str
    hours: Decimal | None
    marked_at: object


def seen_mark(attendance):
    """The :class:`SeenMark` of a recorded attendance, or ``None`` when there is none."""
    if attendance is None:
        return None
    return SeenMark(attendance.status, attendance.hours_attended, attendance.marked_at)


class Conflict(NamedTuple):
    """A mark refused because someone else changed the row after the page was loaded."""

    enrollment: Enrollment
    #: The mark recorded now, with ``marked_by`` and ``marked_at``: None if it was removed.
    attendance: Attendance | None
    #: The mark that was asked for, cleaned.
    status: str
    hours: Decimal


class MarksChanged(AttendanceError):
    """Someone else changed these rows after the page was loaded: the marks asked for them were
    not saved. Every other mark of the request *was* saved (``changed``) before this was
    raised; see :func:`mark_attendance`."""

    code = "marks_changed"

    def __init__(self, message, conflicts, changed):
        super().__init__(message, conflicts[0].enrollment.pk if conflicts else None)
        self.conflicts = conflicts
        self.changed = changed


class RosterChange(NamedTuple):
    enrollment: Enrollment
    #: "marked" (a mark was recorded or changed), "added" (newly confirmed, a walk-in for
    #: example) or "gone" (no longer confirmed).
    kind: str
    #: The mark recorded now, if any.
    attendance: Attendance | None


class RosterChanged(AttendanceError):
    """The roster is not what the person closing the session saw: nothing was closed."""

    code = "roster_changed"

    def __init__(self, message, changes):
        super().__init__(message)
        self.changes = changes


class WalkIn(NamedTuple):
    enrollment: Enrollment
    #: More confirmed people than seats now: the view should say so.
    over_capacity: bool


@dataclass
class ClosedSession:
    session: Session
    completed: list = field(default_factory=list)
    not_completed: list = field(default_factory=list)
    #: Confirmed people nobody had marked, marked absent on closing.
    marked_absent: list = field(default_factory=list)


@dataclass
class ClosingPreview:
    """What closing the session now would record, written nowhere: see :func:`preview_closing`.

    Each list holds confirmed enrolments, sorted by name.
    """

    session: Session
    completed: list = field(default_factory=list)
    #: Marked, and not completing.
    not_completed: list = field(default_factory=list)
    #: Not marked (for a session of several parts: not on every part): closing marks them
    #: absent (on the parts missing), so they do not complete.
    unmarked: list = field(default_factory=list)
    #: The session is closed before its last part starts (by staff, with ``early_reason``).
    early: bool = False
    early_reason: str = ""
    closing_opens_at: object = None


def can_take_attendance(user, session):
    """Staff, and the facilitators assigned to the session, take its attendance."""
    if is_education_staff(user):
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and session.facilitators.filter(pk=user.pk).exists()
    )


def is_completed(attendance, workshop):
    """Present, or partly present for at least the workshop's hours, completes the workshop."""
    if attendance is None:
        return False
    if attendance.status == AttendanceStatus.PRESENT:
        return True
    return (
        attendance.status == AttendanceStatus.PARTIAL
        and attendance.hours_attended >= workshop.duration_hours
    )


# When attendance and closing open


def session_parts(session):
    """The session's parts, first to last (prefetched parts cost no query)."""
    return sorted(session.parts.all(), key=lambda part: (part.starts_at, part.pk))


def by_day(parts):
    """Whether a session of these parts takes attendance part by part."""
    return len(parts) > 1


def local_moment(session, moment):
    """A moment written for people, in the session's time zone: "Monday, May 12, 2026,
    8 a.m. ET"."""
    local = session.local(moment)
    return _("%(weekday)s, %(date)s, %(time)s %(zone)s") % {
        "weekday": date_format(local, "l"),
        "date": date_format(local, "DATE_FORMAT"),
        "time": date_format(local, "TIME_FORMAT"),
        "zone": zone_abbreviation(local),
    }


def part_label(session, part, parts=None):
    """A part as the roster names it: "Day 2: Tuesday, May 13"."""
    parts = parts if parts is not None else session_parts(session)
    number = next((i for i, each in enumerate(parts, 1) if each.pk == part.pk), 1)
    local = session.local(part.starts_at)
    return _("Day %(number)s: %(weekday)s, %(date)s") % {
        "number": number,
        "weekday": date_format(local, "l"),
        "date": date_format(local, "DATE_FORMAT"),
    }


def attendance_opens_at(session, part=None):
    """When attendance can be taken: shortly before the session starts (or, for one part of
    a session of several, before that part starts). See ``conf.attendance_opens_before``."""
    start = part.starts_at if part is not None else session.starts_at
    return start - conf.attendance_opens_before()


def closing_opens_at(session, parts=None):
    """When the session can be closed: once its last part has started (see
    ``conf.closing_opens_after_last_part_starts``)."""
    parts = parts if parts is not None else session_parts(session)
    last_start = parts[-1].starts_at if parts else session.starts_at
    return last_start + conf.closing_opens_after_last_part_starts()


def is_attendance_open(session, now=None, part=None):
    return (now or timezone.now()) >= attendance_opens_at(session, part)


def is_closing_open(session, now=None, parts=None):
    return (now or timezone.now()) >= closing_opens_at(session, parts)


def current_part(session, now=None, parts=None):
    """The part whose attendance is taken now: the last one whose attendance has opened, or
    the first when none has."""
    now = now or timezone.now()
    parts = parts if parts is not None else session_parts(session)
    opened = [part for part in parts if now >= attendance_opens_at(session, part)]
    return opened[-1] if opened else (parts[0] if parts else None)


def _refuse_before_attendance_opens(session, now, part=None, parts=None):
    opens_at = attendance_opens_at(session, part)
    if now >= opens_at:
        return
    when = local_moment(session, opens_at)
    if part is not None:
        message = _("Attendance for %(day)s opens on %(when)s.") % {
            "day": part_label(session, part, parts),
            "when": when,
        }
    else:
        message = _("Attendance for this session opens on %(when)s.") % {"when": when}
    raise NotOpenYet(message, opens_at)


def _check_closing_window(session, parts, *, user, now, early_reason):
    """``(early, reason)`` when the session may be closed now; refuses otherwise."""
    opens_at = closing_opens_at(session, parts)
    if now >= opens_at:
        return False, ""
    when = local_moment(session, opens_at)
    if not is_education_staff(user):
        raise ClosingNotOpen(
            _("This session can be closed from %(when)s, once its last part has started.")
            % {"when": when},
            opens_at,
        )
    reason = " ".join((early_reason or "").split())
    if not reason:
        raise EarlyReasonRequired(
            _(
                "This session can be closed from %(when)s, once its last part has started. "
                "To close it before then, give the reason."
            )
            % {"when": when},
            opens_at,
        )
    return True, reason


# Attendance by day


def part_hours(session, parts=None):
    """``{part id: hours}``: the share of the workshop's hours that being present at each
    part counts, in proportion to the parts' lengths; together they make the workshop's hours
    exactly (the last part takes what rounding leaves)."""
    parts = parts if parts is not None else session_parts(session)
    duration = Decimal(session.workshop.duration_hours).quantize(CENTS)
    lengths = [max(Decimal((part.ends_at - part.starts_at).total_seconds()), 0) for part in parts]
    total = sum(lengths, Decimal(0))
    shares, given = {}, NO_HOURS
    for index, (part, length) in enumerate(zip(parts, lengths, strict=True)):
        if index == len(parts) - 1:
            share = duration - given
        elif total:
            share = (duration * length / total).quantize(CENTS, rounding=ROUND_HALF_UP)
        else:
            share = (duration / len(parts)).quantize(CENTS, rounding=ROUND_HALF_UP)
        shares[part.pk] = max(share, NO_HOURS)
        given += share
    return shares


def derived_mark(marks):
    """The whole session's ``(status, hours)`` from the ``(status, hours)`` of every part.

    Hours add up. Present at every part is present; excused at every part is excused; absent
    or excused at every part is absent; anything else is partly present.
    """
    statuses = {AttendanceStatus(status) for status, _hours in marks}
    hours = sum((hours for _status, hours in marks), NO_HOURS)
    if statuses == {AttendanceStatus.PRESENT}:
        return AttendanceStatus.PRESENT, hours
    if statuses == {AttendanceStatus.EXCUSED}:
        return AttendanceStatus.EXCUSED, NO_HOURS
    if statuses <= {AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED}:
        return AttendanceStatus.ABSENT, NO_HOURS
    return AttendanceStatus.PARTIAL, hours


def day_key(enrollment_id, part_id):
    """How a mark of one part is named in a roster as seen (see :func:`roster_state`)."""
    return f"{enrollment_id}-{part_id}"


def _days_of(enrollment):
    """``{part id: AttendanceDay}`` of an enrolment (prefetched ones cost no query)."""
    return {day.part_id: day for day in enrollment.attendance_days.all()}


def _marked_whole(enrollment):
    """Marked for the whole session without marks by day (before the session had several
    parts, for example): that mark counts."""
    return getattr(enrollment, "attendance", None) is not None and not _days_of(enrollment)


def _state_of(enrollment, parts):
    """``{key: SeenMark or None}``: the enrolment's mark, or its mark on each part."""
    if not by_day(parts):
        return {_key(enrollment.pk): seen_mark(getattr(enrollment, "attendance", None))}
    days = _days_of(enrollment)
    return {day_key(enrollment.pk, part.pk): seen_mark(days.get(part.pk)) for part in parts}


def roster_state(session, enrollments, parts=None):
    """The roster as it is recorded now, as a page shows it: ``{key: SeenMark or None}`` for
    each of ``enrollments`` (with their ``attendance`` and ``attendance_days``). The key is
    the enrolment's id, or for a session of several parts :func:`day_key` for each part.
    Passed back as ``expected=`` to :func:`close_session`, it tells what changed since."""
    parts = parts if parts is not None else session_parts(session)
    state = {}
    for enrollment in enrollments:
        state.update(_state_of(enrollment, parts))
    return state


def is_unmarked(enrollment, parts):
    """Whether closing would find this enrolment (with its ``attendance`` and
    ``attendance_days``) not marked: without a mark, or for a session of several parts, not
    marked on every part."""
    if not by_day(parts):
        return getattr(enrollment, "attendance", None) is None
    if _marked_whole(enrollment):
        return False
    days = _days_of(enrollment)
    return any(part.pk not in days for part in parts)


def _confirmed_with_marks(session):
    return (
        Enrollment.objects.filter(session=session, status=EnrollmentStatus.CONFIRMED)
        .select_related("participant", "attendance__marked_by")
        .prefetch_related("attendance_days")
        .order_by("participant__name", "pk")
    )


def unmarked_enrollments(session):
    """Confirmed enrolments of the session that have no attendance yet: for a session of
    several parts, those not marked on every part."""
    confirmed = Enrollment.objects.filter(session=session, status=EnrollmentStatus.CONFIRMED)
    parts = session_parts(session)
    if by_day(parts):
        unmarked = [e.pk for e in _confirmed_with_marks(session) if is_unmarked(e, parts)]
        confirmed = confirmed.filter(pk__in=unmarked)
    else:
        confirmed = confirmed.filter(attendance__isnull=True)
    return confirmed.select_related("participant").order_by("participant__name", "pk")


def _locked_session(session_id):
    return (
        Session.objects.select_related("workshop")
        .select_for_update(of=("self",))
        .get(pk=session_id)
    )


def _refuse_unless_open(session):
    if session.status == SessionStatus.CANCELLED:
        raise SessionClosed(_("This session has been cancelled."))
    if session.status == SessionStatus.DELIVERED:
        raise SessionClosed(
            _("This session is closed. Ask the education staff to reopen it to make changes.")
        )


def _attendance_by_enrollment(enrollments):
    return {
        attendance.enrollment_id: attendance
        for attendance in Attendance.objects.filter(enrollment__in=enrollments).select_related(
            "marked_by"
        )
    }


def _plain(value):
    """4.50 → "4.5", 6.00 → "6"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _clean_hours(status, hours, workshop, enrollment, full_hours=None):
    """The hours to record for this status: given ones checked, or the status's default.

    ``full_hours`` is what present counts (a part's share of the workshop, for a mark by
    day); the workshop's hours by default.
    """
    if full_hours is None:
        duration = Decimal(workshop.duration_hours).quantize(CENTS)
        most = workshop.duration_hours
    else:
        duration = Decimal(full_hours).quantize(CENTS)
        most = _plain(duration)
    name = enrollment.participant.name
    if hours is None or (isinstance(hours, str) and not hours.strip()):
        if status == AttendanceStatus.PRESENT:
            return duration
        if status == AttendanceStatus.PARTIAL:
            raise InvalidMark(
                _("Enter the hours %(name)s attended.") % {"name": name}, enrollment.pk
            )
        return NO_HOURS
    try:
        value = Decimal(str(hours).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise InvalidMark(
            _("Enter the hours %(name)s attended as a number, such as 4 or 4.5.") % {"name": name},
            enrollment.pk,
        )
    try:
        value = value.quantize(CENTS, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # too many digits to be hours at all: 1e309, 10,000 nines
        value = None
    if value is None or value < 0 or value > duration:
        raise InvalidMark(
            _("Hours for %(name)s must be between 0 and %(hours)s.")
            % {"name": name, "hours": most},
            enrollment.pk,
        )
    if status in (AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED) and value:
        raise InvalidMark(
            _("%(name)s is marked absent or excused: leave the hours empty.") % {"name": name},
            enrollment.pk,
        )
    return value


def _clean_status(status, enrollment):
    try:
        return AttendanceStatus(status)
    except ValueError:
        raise InvalidMark(
            _("Choose present, partly present, absent or excused for %(name)s.")
            % {"name": enrollment.participant.name},
            enrollment.pk,
        ) from None


def clean_mark(status, hours, *, workshop, enrollment, full_hours=None):
    """The ``(status, hours)`` to record for a mark, as :func:`mark_attendance` would; raises
    :class:`InvalidMark` (about that enrolment) otherwise. Writes nothing: a form may check
    every row with it, to show every mistake at once. ``full_hours``: for a mark of one part,
    that part's share of the workshop (see :func:`part_hours`)."""
    status = _clean_status(status, enrollment)
    return status, _clean_hours(status, hours, workshop, enrollment, full_hours)


def _same_mark(attendance, status, hours):
    return (
        attendance is not None
        and attendance.status == status
        and attendance.hours_attended == hours
    )


def _key(enrollment_id):
    return str(enrollment_id)


def _names(enrollments):
    return ", ".join(enrollment.participant.name for enrollment in enrollments)


def _record(enrollment, attendance, status, hours, *, user, now, log_data=None):
    """Write the mark unless it is the one already recorded; log it (with ``log_data`` added
    to the entry's data). Returns the attendance when it changed, else None."""
    if _same_mark(attendance, status, hours):
        return None
    previous_status = attendance.status if attendance else None
    previous_hours = str(attendance.hours_attended) if attendance else None
    if attendance is None:
        attendance = Attendance(enrollment=enrollment)
    attendance.status = status
    attendance.hours_attended = hours
    attendance.marked_by = user
    attendance.marked_at = now
    attendance.save()
    log(
        instance=enrollment,
        action=MARK_ACTION,
        user=user,
        data={
            "name": enrollment.participant.name,
            "status": str(status),
            "hours": str(hours),
            "previous_status": previous_status,
            "previous_hours": previous_hours,
            **(log_data or {}),
        },
    )
    return attendance


def _record_day(enrollment, part, day, status, hours, *, user, now, log_data=None):
    """Write the mark of one part unless it is the one already recorded; log it (with the
    part's date, and ``log_data``). Returns the ``AttendanceDay`` when it changed, else None."""
    if _same_mark(day, status, hours):
        return None
    previous_status = day.status if day else None
    previous_hours = str(day.hours_attended) if day else None
    if day is None:
        day = AttendanceDay(enrollment=enrollment, part=part)
    day.status = status
    day.hours_attended = hours
    day.marked_by = user
    day.marked_at = now
    day.save()
    log(
        instance=enrollment,
        action=MARK_ACTION,
        user=user,
        data={
            "name": enrollment.participant.name,
            "status": str(status),
            "hours": str(hours),
            "previous_status": previous_status,
            "previous_hours": previous_hours,
            "part": part.pk,
            "day": enrollment.session.local(part.starts_at).date().isoformat(),
            **(log_data or {}),
        },
    )
    return day


def _sum_up(enrollment, days, parts, attendance, *, user, now):
    """Keep the enrolment's ``Attendance`` the sum of its marks by day (``{part id: day}``):
    written once every part is marked, removed while a part is not (a part added since).
    The marks by day are what is logged; the sum is not logged again."""
    if any(part.pk not in days for part in parts):
        if attendance is not None and days:
            attendance.delete()
        return None
    status, hours = derived_mark(
        [(days[part.pk].status, days[part.pk].hours_attended) for part in parts]
    )
    if _same_mark(attendance, status, hours):
        return attendance
    if attendance is None:
        attendance = Attendance(enrollment=enrollment)
    attendance.status = status
    attendance.hours_attended = hours
    attendance.marked_by = user
    attendance.marked_at = now
    attendance.save()
    return attendance


def _part_of(parts, part_id):
    """The part of ``parts`` whose id is ``part_id`` (as posted), or None."""
    return next((part for part in parts if str(part.pk) == str(part_id).strip()), None)


def _marked_part(session, parts, part_id):
    """The part a mark is for: required (and one of the session's) when the session has
    several parts; for a session of one part, None (its ``Attendance`` is the mark)."""
    if not by_day(parts):
        if part_id not in (None, "") and _part_of(parts, part_id) is None:
            raise InvalidPart(_("This day is not part of this session."))
        return None
    if part_id in (None, ""):
        raise InvalidPart(_("Choose the day these marks are for."))
    part = _part_of(parts, part_id)
    if part is None:
        raise InvalidPart(_("This day is not part of this session."))
    return part


def mark_attendance(session_id, marks, *, user, part_id=None, now=None, expected=None):
    """Record attendance for confirmed enrolments of the session.

    ``marks`` maps enrolment ids to ``(status, hours)``; hours may be None: present then counts
    the workshop's full duration, absent and excused count none, and partly present needs them.
    Nothing is written unless every mark is valid. Marks equal to the recorded ones are left
    alone (and not logged). Returns the attendances that changed.

    A session of several parts is marked one part at a time: ``part_id`` says which, present
    counts that part's share of the workshop (:func:`part_hours`), and the marks are
    ``AttendanceDay`` rows (returned when they changed); each enrolment marked on every part
    gets their sum as its ``Attendance``. Attendance opens shortly before the session (or the
    part) starts: :class:`NotOpenYet` before then.

    ``expected`` maps enrolment ids to the :class:`SeenMark` (or ``None``, not marked) the
    person saw when they loaded the page they are saving from (of that part, for a session of
    several parts). A row whose recorded mark is no longer that one was changed by someone
    else meanwhile; then

    - if the mark asked for is the one that was seen, the person did not change that row: the
      newer mark is kept, silently;
    - if the mark asked for is the one recorded now, both agree: nothing to do;
    - otherwise it is a conflict: that row is not written.

    Rows without conflict are saved, and then :class:`MarksChanged` is raised listing the
    conflicts (and what was saved). Merging rather than refusing the whole submission is on
    purpose: each row is one person's attendance and depends on no other, so saving the rows
    nobody else touched loses nothing, while refusing them all would make a facilitator on a
    weak connection submit the whole room again, and lose it if that submit never arrives.
    Enrolments missing from ``expected`` (or ``expected=None``, as for every caller that does
    not pass it) are written whatever is recorded, as before.
    """
    expected = None if expected is None else {_key(pk): seen for pk, seen in expected.items()}
    with transaction.atomic():
        session = _locked_session(session_id)
        now = now or timezone.now()
        _refuse_unless_open(session)
        parts = session_parts(session)
        part = _marked_part(session, parts, part_id)
        _refuse_before_attendance_opens(session, now, part, parts)
        full_hours = part_hours(session, parts)[part.pk] if part is not None else None
        enrollments = {
            str(enrollment.pk): enrollment
            for enrollment in Enrollment.objects.filter(
                session=session, pk__in=[key for key in map(str, marks) if key.isdigit()]
            ).select_related("participant")
        }
        totals = _attendance_by_enrollment(enrollments.values())
        if part is None:
            recorded = totals
        else:
            all_days = {}
            for day in AttendanceDay.objects.filter(
                enrollment__in=enrollments.values(), part__in=parts
            ).select_related("marked_by"):
                all_days.setdefault(day.enrollment_id, {})[day.part_id] = day
            recorded = {pk: days.get(part.pk) for pk, days in all_days.items()}
        cleaned = []
        for enrollment_id, (status, hours) in marks.items():
            enrollment = enrollments.get(str(enrollment_id))
            if enrollment is None:
                raise NotConfirmed(_("This person is not enrolled in this session."), enrollment_id)
            if enrollment.status != EnrollmentStatus.CONFIRMED:
                raise NotConfirmed(
                    _("%(name)s is not confirmed in this session: add them as a walk-in instead.")
                    % {"name": enrollment.participant.name},
                    enrollment.pk,
                )
            enrollment.session = session
            cleaned.append(
                (
                    enrollment,
                    *clean_mark(
                        status,
                        hours,
                        workshop=session.workshop,
                        enrollment=enrollment,
                        full_hours=full_hours,
                    ),
                )
            )
        changed, conflicts = [], []
        for enrollment, status, hours in cleaned:
            attendance = recorded.get(enrollment.pk)
            if expected is not None and _key(enrollment.pk) in expected:
                seen = expected[_key(enrollment.pk)]
                if seen != seen_mark(attendance):
                    if _same_mark(attendance, status, hours):
                        continue
                    if seen is not None and (seen.status, seen.hours) == (status, hours):
                        continue
                    conflicts.append(Conflict(enrollment, attendance, status, hours))
                    continue
            if part is None:
                attendance = _record(enrollment, attendance, status, hours, user=user, now=now)
            else:
                attendance = _record_day(
                    enrollment, part, attendance, status, hours, user=user, now=now
                )
                if attendance is not None:
                    days = {**all_days.get(enrollment.pk, {}), part.pk: attendance}
                    _sum_up(
                        enrollment,
                        days,
                        parts,
                        totals.get(enrollment.pk),
                        user=user,
                        now=now,
                    )
            if attendance is not None:
                changed.append(attendance)
    if conflicts:
        raise MarksChanged(
            _(
                "Someone else changed the marks of %(names)s after you opened the roster: "
                "your marks for them were not saved."
            )
            % {"names": _names(conflict.enrollment for conflict in conflicts)},
            conflicts,
            changed,
        )
    return changed


def same_name(first, second):
    """Whether two ways of writing a name are the same name (case, accents of case and spacing
    aside)."""

    def plain(name):
        return " ".join((name or "").split()).casefold()

    return plain(first) == plain(second)


def add_walk_in(
    session_id, *, name, email, local=None, user, part_id=None, now=None, log_data=None
):
    """Seat someone who came without a confirmed place, and mark them present.

    Walk-ins are added once attendance is open (:class:`NotOpenYet` before). In a session of
    several parts they are marked present on the part ``part_id`` (by default the part under
    way, :func:`current_part`); their other parts are left for the facilitator to mark.

    The participant with that email (any case) is reused, or created; someone the facilitator
    cannot already see on this session is reused only when the name typed is theirs (case and
    spacing aside), so that an address alone never shows whose it is. A waitlisted enrolment is
    confirmed; otherwise a new confirmed enrolment comes from ``walk_in``. Capacity does not
    stop a walk-in: the result says when the session is now over capacity. ``log_data`` is
    added to the data of the log entries written.
    """
    name = (name or "").strip()
    email = (email or "").strip()
    if not name:
        raise InvalidWalkIn(_("Enter the person’s name."))
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidWalkIn(_("Enter a valid email address, such as name@example.org.")) from None
    with transaction.atomic():
        session = _locked_session(session_id)
        now = now or timezone.now()
        _refuse_unless_open(session)
        parts = session_parts(session)
        if by_day(parts) and part_id in (None, ""):
            part = current_part(session, now, parts)
        else:
            part = _marked_part(session, parts, part_id)
        _refuse_before_attendance_opens(session, now, part, parts)
        participant = Participant.objects.with_email(email).first()
        on_this_roster = (
            participant is not None
            and session.enrollments.filter(participant=participant)
            .exclude(status=EnrollmentStatus.CANCELLED)
            .exists()
        )
        if participant is not None and not on_this_roster and not same_name(participant.name, name):
            # Adding someone by address alone would show a facilitator whose it is, and
            # record attendance on another person's record.
            refusal = InvalidWalkIn(
                _(
                    "This address belongs to a member whose name is written differently. Check "
                    "the spelling with them, or ask the education staff to add them."
                )
            )
            refusal.field = "email"
            raise refusal
        if participant is None:
            participant = find_or_create_participant(
                name=name, email=email, local=local, preferred_language=session.language
            )
        enrollment = (
            Enrollment.objects.filter(session=session, participant=participant)
            .exclude(status=EnrollmentStatus.CANCELLED)
            .first()
        )
        if enrollment is None:
            enrollment = Enrollment.objects.create(
                participant=participant,
                session=session,
                status=EnrollmentStatus.CONFIRMED,
                source=EnrollmentSource.WALK_IN,
                created_at=now,
                confirmed_at=now,
            )
        elif enrollment.status in (EnrollmentStatus.WAITLISTED, EnrollmentStatus.OFFERED):
            enrollment.status = EnrollmentStatus.CONFIRMED
            enrollment.confirmed_at = now
            enrollment.save(update_fields=["status", "confirmed_at"])
        enrollment.participant = participant
        enrollment.session = session
        confirmed = Enrollment.objects.filter(
            session=session, status=EnrollmentStatus.CONFIRMED
        ).count()
        over_capacity = confirmed > session.capacity
        log(
            instance=session,
            action=WALK_IN_ACTION,
            user=user,
            data={"name": participant.name, "over_capacity": over_capacity, **(log_data or {})},
        )
        attendance = Attendance.objects.filter(enrollment=enrollment).first()
        if part is None:
            _record(
                enrollment,
                attendance,
                AttendanceStatus.PRESENT,
                Decimal(session.workshop.duration_hours).quantize(CENTS),
                user=user,
                now=now,
                log_data=log_data,
            )
        else:
            days = _days_of(enrollment)
            days[part.pk] = _record_day(
                enrollment,
                part,
                days.get(part.pk),
                AttendanceStatus.PRESENT,
                part_hours(session, parts)[part.pk],
                user=user,
                now=now,
                log_data=log_data,
            ) or days.get(part.pk)
            _sum_up(enrollment, days, parts, attendance, user=user, now=now)
        return WalkIn(enrollment, over_capacity)


def _previous_outcomes(session):
    """{enrolment id: completed} as recorded when the session was last closed, or None."""
    last_close = (
        log_registry.get_logs_for_instance(session)
        .filter(action=CLOSE_ACTION)
        .order_by("-timestamp", "-pk")
        .first()
    )
    if last_close is None:
        return None
    data = last_close.data or {}
    outcomes = dict.fromkeys(data.get("not_completed_ids", []), False)
    outcomes.update(dict.fromkeys(data.get("completed_ids", []), True))
    return outcomes


def _announce_closing(session, completed_ids, user):
    responses = session_closed.send_robust(
        sender=Session, session=session, completed_enrollment_ids=completed_ids, user=user
    )
    for receiver, response in responses:
        if isinstance(response, Exception):
            logger.error(
                "A session_closed receiver (%r) failed for session %s",
                receiver,
                session.pk,
                exc_info=response,
            )


def _enrollment_id_of(key):
    """The enrolment id a key of a roster as seen names (``"12"`` or ``"12-34"``), or None."""
    enrollment_id = str(key).split("-", 1)[0]
    # Ids that fit a database integer; others are no enrolment at all.
    return int(enrollment_id) if enrollment_id.isdigit() and len(enrollment_id) < 19 else None


def _roster_changes(session, expected, parts, confirmed):
    """What changed on the session's roster since it was seen as ``expected`` (see
    :func:`roster_state`); ``confirmed`` are its confirmed enrolments with their marks."""
    expected = {_key(pk): seen for pk, seen in expected.items()}
    changes = []
    confirmed_ids = set()
    for enrollment in confirmed:
        confirmed_ids.add(enrollment.pk)
        attendance = getattr(enrollment, "attendance", None)
        state = _state_of(enrollment, parts)
        if not any(key in expected for key in state):
            changes.append(RosterChange(enrollment, "added", attendance))
            continue
        differs = False
        for key, now_seen in state.items():
            if key not in expected or expected.pop(key) != now_seen:
                differs = True
        if differs:
            changes.append(RosterChange(enrollment, "marked", attendance))
    # What is left was seen and is no longer there: a part removed since, or someone who left.
    left = {_enrollment_id_of(key) for key in expected} - {None}
    changed = {change.enrollment.pk for change in changes}
    for enrollment in confirmed:
        if enrollment.pk in left and enrollment.pk not in changed:
            changes.append(
                RosterChange(enrollment, "marked", getattr(enrollment, "attendance", None))
            )
    gone = left - confirmed_ids
    for enrollment in (
        # Only people who were on the roster: a forged id never names someone waiting.
        session.enrollments.filter(pk__in=gone, confirmed_at__isnull=False)
        .exclude(status=EnrollmentStatus.CONFIRMED)
        .select_related("participant", "attendance__marked_by")
        .order_by("participant__name", "pk")
    ):
        changes.append(RosterChange(enrollment, "gone", getattr(enrollment, "attendance", None)))
    return changes


def _outcome_mark(enrollment, parts):
    """The ``(status, hours)`` closing would count for a marked enrolment: its marks by day
    summed up, or its mark for the whole session."""
    days = _days_of(enrollment) if by_day(parts) else {}
    if days and all(part.pk in days for part in parts):
        return derived_mark([(days[p.pk].status, days[p.pk].hours_attended) for p in parts])
    attendance = getattr(enrollment, "attendance", None)
    return (attendance.status, attendance.hours_attended) if attendance else None


def _closing_plan(session, *, user, now, mark_unmarked_absent, expected, early_reason):
    """Check that the (locked) session may be closed now, as asked: refuses otherwise.
    Returns ``(parts, confirmed enrolments with their marks, unmarked ones, early, reason)``."""
    if session.status == SessionStatus.DELIVERED:
        raise AlreadyClosed(_("This session is already closed."))
    if session.status == SessionStatus.CANCELLED:
        raise SessionClosed(_("This session has been cancelled."))
    parts = session_parts(session)
    early, reason = _check_closing_window(
        session, parts, user=user, now=now, early_reason=early_reason
    )
    confirmed = list(_confirmed_with_marks(session))
    if expected is not None:
        changes = _roster_changes(session, expected, parts, confirmed)
        if changes:
            raise RosterChanged(
                _(
                    "The roster changed after you opened this page (%(names)s): check the "
                    "marks below and close the session again."
                )
                % {"names": _names(change.enrollment for change in changes)},
                changes,
            )
    unmarked = [enrollment for enrollment in confirmed if is_unmarked(enrollment, parts)]
    if unmarked and not mark_unmarked_absent:
        raise UnmarkedParticipants(
            _("Mark everyone before closing the session. Not marked yet: %(names)s.")
            % {"names": ", ".join(enrollment.participant.name for enrollment in unmarked)},
            unmarked,
        )
    return parts, confirmed, unmarked, early, reason


def preview_closing(
    session_id,
    *,
    user,
    mark_unmarked_absent=False,
    now=None,
    expected=None,
    early_reason=None,
):
    """What :func:`close_session` with the same arguments would record now, without writing
    anything: who completes, who does not, who is not marked. Refuses as closing would."""
    with transaction.atomic():
        session = _locked_session(session_id)
        now = now or timezone.now()
        parts, confirmed, unmarked, early, reason = _closing_plan(
            session,
            user=user,
            now=now,
            mark_unmarked_absent=mark_unmarked_absent,
            expected=expected,
            early_reason=early_reason,
        )
        preview = ClosingPreview(
            session,
            unmarked=unmarked,
            early=early,
            early_reason=reason,
            closing_opens_at=closing_opens_at(session, parts),
        )
        for enrollment in confirmed:
            if enrollment in unmarked:
                continue
            mark = _outcome_mark(enrollment, parts)
            attendance = Attendance(status=mark[0], hours_attended=mark[1])
            if is_completed(attendance, session.workshop):
                preview.completed.append(enrollment)
            else:
                preview.not_completed.append(enrollment)
        return preview


def close_session(
    session_id,
    *,
    user,
    mark_unmarked_absent=False,
    now=None,
    expected=None,
    early_reason=None,
):
    """Close the session: it becomes delivered and each confirmed enrolment's completion is set.

    Everyone confirmed must have been marked first, unless ``mark_unmarked_absent``, which marks
    those left absent (for a session of several parts: on each part they are not marked on).
    After commit, :data:`~courses.signals.session_closed` is sent and each participant is
    emailed the outcome (after a reopening, only those whose outcome changed).

    Closing opens once the session's last part has started (:class:`ClosingNotOpen` before).
    Education staff may close earlier with ``early_reason``, which the close log entry keeps
    (:class:`EarlyReasonRequired` without it).

    ``expected`` is the roster as the person closing saw it (see :func:`roster_state`). When
    someone has marked, added or removed anyone since, nothing is closed and
    :class:`RosterChanged` says who; the outcomes would otherwise be computed from marks the
    person closing never saw.
    """
    with transaction.atomic():
        session = _locked_session(session_id)
        now = now or timezone.now()
        parts, confirmed, unmarked, early, reason = _closing_plan(
            session,
            user=user,
            now=now,
            mark_unmarked_absent=mark_unmarked_absent,
            expected=expected,
            early_reason=early_reason,
        )
        result = ClosedSession(session)
        for enrollment in unmarked:
            enrollment.session = session
            if not by_day(parts):
                _record(enrollment, None, AttendanceStatus.ABSENT, NO_HOURS, user=user, now=now)
                continue
            days = _days_of(enrollment)
            for part in parts:
                if part.pk not in days:
                    days[part.pk] = _record_day(
                        enrollment,
                        part,
                        None,
                        AttendanceStatus.ABSENT,
                        NO_HOURS,
                        user=user,
                        now=now,
                    )
        if by_day(parts):
            # The sum of each person's marks by day, as it stands now: parts may have been
            # added or removed since the marks were made.
            for enrollment in _confirmed_with_marks(session):
                if not _marked_whole(enrollment):
                    _sum_up(
                        enrollment,
                        _days_of(enrollment),
                        parts,
                        getattr(enrollment, "attendance", None),
                        user=user,
                        now=now,
                    )
        result.marked_absent = unmarked

        previous = _previous_outcomes(session)
        to_tell = []
        confirmed = session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).select_related(
            "participant", "attendance"
        )
        for enrollment in confirmed:
            completed = is_completed(getattr(enrollment, "attendance", None), session.workshop)
            if enrollment.completed != completed:
                enrollment.completed = completed
                enrollment.save(update_fields=["completed"])
            (result.completed if completed else result.not_completed).append(enrollment)
            if previous is None or previous.get(enrollment.pk) != completed:
                to_tell.append(enrollment.pk)
        # Enrolments cancelled while the session was reopened no longer count as completed.
        session.enrollments.exclude(status=EnrollmentStatus.CONFIRMED).filter(
            completed=True
        ).update(completed=False)

        session.status = SessionStatus.DELIVERED
        session.save(update_fields=["status", "updated_at"])
        completed_ids = [enrollment.pk for enrollment in result.completed]
        data = {
            "completed_ids": completed_ids,
            "not_completed_ids": [enrollment.pk for enrollment in result.not_completed],
            "marked_absent": len(unmarked),
        }
        if early:
            data["early_reason"] = reason
            data["closing_opens_at"] = closing_opens_at(session, parts).isoformat()
        log(instance=session, action=CLOSE_ACTION, user=user, data=data)
        transaction.on_commit(partial(_announce_closing, session, completed_ids, user))
        for enrollment_id in to_tell:
            transaction.on_commit(
                partial(send_outcome_email_task.enqueue, enrollment_id=enrollment_id)
            )
        return result


def reopen_session(session_id, *, user):
    """Staff reopen a closed session to correct its attendance; closing it again recomputes
    completion. Attendance and completion are kept meanwhile."""
    if not is_education_staff(user):
        raise NotAllowed(_("Only the education staff can reopen a closed session."))
    with transaction.atomic():
        session = _locked_session(session_id)
        if session.status != SessionStatus.DELIVERED:
            raise NotClosed(_("This session is not closed."))
        session.status = SessionStatus.SCHEDULED
        session.save(update_fields=["status", "updated_at"])
        log(instance=session, action=REOPEN_ACTION, user=user)
        return session
