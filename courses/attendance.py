"""Attendance rules: facilitators mark who came, add walk-ins, and close the session.

Like ``courses.enrollment``, every function that writes takes primary keys, runs in one
transaction with the session row locked, and raises an :class:`AttendanceError` whose
``message`` is fit to show to the facilitator. Every mark and every change of a mark is written
to the enrolment's history (Wagtail log entries), so a corrected mark keeps the old one on
record. Closing a session records completion on each enrolment; once the transaction has
committed, :data:`courses.signals.session_closed` is sent and each participant is emailed the
outcome.
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
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from .choices import AttendanceStatus, EnrollmentSource, EnrollmentStatus, SessionStatus
from .enrollment import find_or_create_participant
from .exceptions import Refusal
from .models import Attendance, Enrollment, Session
from .outcome_emails import send_outcome_email_task
from .roles import STAFF_GROUP
from .signals import session_closed

logger = logging.getLogger(__name__)

MARK_ACTION = "courses.attendance.mark"
WALK_IN_ACTION = "courses.session.walk_in"
CLOSE_ACTION = "courses.session.close"
REOPEN_ACTION = "courses.session.reopen"

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


def is_education_staff(user):
    """Superusers and members of the Education staff group."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Asked several times while one request is served; remembered on that user object.
    if not hasattr(user, "_is_education_staff"):
        user._is_education_staff = user.groups.filter(name=STAFF_GROUP).exists()
    return user._is_education_staff


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


def unmarked_enrollments(session):
    """Confirmed enrolments of the session that have no attendance yet."""
    return (
        Enrollment.objects.filter(
            session=session, status=EnrollmentStatus.CONFIRMED, attendance__isnull=True
        )
        .select_related("participant")
        .order_by("participant__name", "pk")
    )


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
        for attendance in Attendance.objects.filter(enrollment__in=enrollments)
    }


def _clean_hours(status, hours, workshop, enrollment):
    """The hours to record for this status: given ones checked, or the status's default."""
    duration = Decimal(workshop.duration_hours).quantize(CENTS)
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
    value = value.quantize(CENTS, rounding=ROUND_HALF_UP)
    if value < 0 or value > duration:
        raise InvalidMark(
            _("Hours for %(name)s must be between 0 and %(hours)s.")
            % {"name": name, "hours": workshop.duration_hours},
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


def _record(enrollment, attendance, status, hours, *, user, now):
    """Write the mark unless it is the one already recorded; log it. Returns the attendance
    when it changed, else None."""
    if (
        attendance is not None
        and attendance.status == status
        and attendance.hours_attended == hours
    ):
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
        },
    )
    return attendance


def mark_attendance(session_id, marks, *, user, now=None):
    """Record attendance for confirmed enrolments of the session.

    ``marks`` maps enrolment ids to ``(status, hours)``; hours may be None: present then counts
    the workshop's full duration, absent and excused count none, and partly present needs them.
    Nothing is written unless every mark is valid. Marks equal to the recorded ones are left
    alone (and not logged). Returns the attendances that changed.
    """
    with transaction.atomic():
        session = _locked_session(session_id)
        now = now or timezone.now()
        _refuse_unless_open(session)
        enrollments = {
            str(enrollment.pk): enrollment
            for enrollment in Enrollment.objects.filter(
                session=session, pk__in=[key for key in map(str, marks) if key.isdigit()]
            ).select_related("participant")
        }
        recorded = _attendance_by_enrollment(enrollments.values())
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
            status = _clean_status(status, enrollment)
            cleaned.append(
                (enrollment, status, _clean_hours(status, hours, session.workshop, enrollment))
            )
        changed = []
        for enrollment, status, hours in cleaned:
            attendance = _record(
                enrollment, recorded.get(enrollment.pk), status, hours, user=user, now=now
            )
            if attendance is not None:
                changed.append(attendance)
        return changed


def add_walk_in(session_id, *, name, email, local=None, user, now=None):
    """Seat someone who came without a confirmed place, and mark them present.

    The participant with that email (any case) is reused, or created. A waitlisted enrolment is
    confirmed; otherwise a new confirmed enrolment comes from ``walk_in``. Capacity does not
    stop a walk-in: the result says when the session is now over capacity.
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
        elif enrollment.status == EnrollmentStatus.WAITLISTED:
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
            data={"name": participant.name, "over_capacity": over_capacity},
        )
        attendance = Attendance.objects.filter(enrollment=enrollment).first()
        _record(
            enrollment,
            attendance,
            AttendanceStatus.PRESENT,
            Decimal(session.workshop.duration_hours).quantize(CENTS),
            user=user,
            now=now,
        )
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


def close_session(session_id, *, user, mark_unmarked_absent=False, now=None):
    """Close the session: it becomes delivered and each confirmed enrolment's completion is set.

    Everyone confirmed must have been marked first, unless ``mark_unmarked_absent``, which marks
    those left absent. After commit, :data:`~courses.signals.session_closed` is sent and each
    participant is emailed the outcome (after a reopening, only those whose outcome changed).
    """
    with transaction.atomic():
        session = _locked_session(session_id)
        now = now or timezone.now()
        if session.status == SessionStatus.DELIVERED:
            raise AlreadyClosed(_("This session is already closed."))
        if session.status == SessionStatus.CANCELLED:
            raise SessionClosed(_("This session has been cancelled."))
        result = ClosedSession(session)
        unmarked = list(unmarked_enrollments(session))
        if unmarked and not mark_unmarked_absent:
            raise UnmarkedParticipants(
                _("Mark everyone before closing the session. Not marked yet: %(names)s.")
                % {"names": ", ".join(enrollment.participant.name for enrollment in unmarked)},
                unmarked,
            )
        for enrollment in unmarked:
            enrollment.session = session
            _record(enrollment, None, AttendanceStatus.ABSENT, NO_HOURS, user=user, now=now)
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
        log(
            instance=session,
            action=CLOSE_ACTION,
            user=user,
            data={
                "completed_ids": completed_ids,
                "not_completed_ids": [enrollment.pk for enrollment in result.not_completed],
                "marked_absent": len(unmarked),
            },
        )
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
