"""Enrolment rules: who may take a seat in a session, the waitlist, and cancelling.

Every function here takes primary keys, runs in one transaction and raises an
:class:`EnrollmentError` that says in the member's words why something was refused. Seats are
allocated with the session row locked, so that parallel requests never overbook a session on
PostgreSQL (SQLite serialises writers with its immediate transactions). Emails are queued only
once the transaction has committed.
"""

from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import EnrollmentSource, EnrollmentStatus, SessionStatus
from .exceptions import Refusal
from .models import Enrollment, Participant, Session
from .tasks import send_enrollment_email

#: Lock the session row while allocating seats. Only a concurrency test turns this off, to show
#: that without the lock parallel requests really do overbook.
LOCK_SESSIONS = True


class EnrollmentError(Refusal):
    """A rule refused the request. ``message`` is fit to show to the person."""


class RegistrationClosed(EnrollmentError):
    code = "closed"


class CancellationClosed(EnrollmentError):
    code = "cancellation_closed"


class NotEligible(EnrollmentError):
    code = "not_eligible"


class MissingPrerequisite(EnrollmentError):
    code = "prerequisite"

    def __init__(self, message, workshops):
        super().__init__(message)
        self.workshops = workshops


class AlreadyEnrolled(EnrollmentError):
    code = "duplicate"

    def __init__(self, message, enrollment):
        super().__init__(message)
        self.enrollment = enrollment


@dataclass(frozen=True)
class EnrollmentResult:
    enrollment: Enrollment
    position: int | None  # place on the waitlist, 1 for the first; None when confirmed

    @property
    def confirmed(self):
        return self.enrollment.status == EnrollmentStatus.CONFIRMED


def find_or_create_participant(*, name, email, local=None, preferred_language=None):
    """The participant with this email (any case), created if new.

    An existing participant keeps their record; missing details (local, language) are filled in.
    """
    email = email.strip()
    participant = Participant.objects.filter(email__iexact=email).first()
    if participant is None:
        try:
            with transaction.atomic():
                return Participant.objects.create(
                    name=name.strip(),
                    email=email,
                    local=local,
                    preferred_language=preferred_language or "en",
                )
        except IntegrityError:  # created by a parallel request a moment ago
            participant = Participant.objects.get(email__iexact=email)
    changed = []
    if local is not None and participant.local_id is None:
        participant.local = local
        changed.append("local")
    if changed:
        participant.save(update_fields=changed)
    return participant


def missing_prerequisites(participant, workshop):
    """Prerequisite workshops of ``workshop`` that the participant has not completed."""
    required = list(workshop.prerequisites.all())
    if not required:
        return []
    completed = set(
        Enrollment.objects.filter(
            participant=participant,
            completed=True,
            session__workshop__in=required,
        ).values_list("session__workshop_id", flat=True)
    )
    return [w for w in required if w.pk not in completed]


def waitlist_position(enrollment):
    """1 for the first person waiting, 2 for the next...; None if not waitlisted."""
    if enrollment.status != EnrollmentStatus.WAITLISTED:
        return None
    ahead = Enrollment.objects.filter(
        session_id=enrollment.session_id,
        status=EnrollmentStatus.WAITLISTED,
        created_at__lte=enrollment.created_at,
    ).exclude(created_at=enrollment.created_at, pk__gt=enrollment.pk)
    return ahead.count()


def _locked_session(session_id):
    queryset = Session.objects.select_related("workshop", "restricted_to_local")
    if LOCK_SESSIONS:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=session_id)


def _confirmed_count(session):
    return Enrollment.objects.filter(session=session, status=EnrollmentStatus.CONFIRMED).count()


def _queue_email(kind, enrollment_id):
    transaction.on_commit(
        partial(send_enrollment_email.enqueue, enrollment_id=enrollment_id, kind=kind)
    )


def enrol(
    session_id,
    participant_id,
    *,
    source=EnrollmentSource.SELF,
    override_prerequisites=False,
    ignore_deadline=False,
    accessibility_needs="",
    childcare_needs="",
    now=None,
):
    """Give the participant a seat in the session, or a place on its waitlist.

    Raises :class:`EnrollmentError` when a rule refuses it. Staff may override prerequisites
    and the deadline (``override_prerequisites``, ``ignore_deadline``).
    """
    with transaction.atomic():
        session = _locked_session(session_id)
        # Read the clock only once the session is locked, so that created_at orders enrolments
        # in the order they were given their seats or waitlist places.
        now = now or timezone.now()
        participant = Participant.objects.select_related("local").get(pk=participant_id)

        if session.status == SessionStatus.CANCELLED:
            raise RegistrationClosed(_("This session has been cancelled."))
        if session.status == SessionStatus.DELIVERED:
            raise RegistrationClosed(_("This session has already taken place."))
        if not ignore_deadline and now >= session.closes_at:
            raise RegistrationClosed(_("Registration for this session is closed."))
        if session.restricted_to_local_id and participant.local_id != (
            session.restricted_to_local_id
        ):
            raise NotEligible(
                _("This session is only for members of %(local)s.")
                % {"local": session.restricted_to_local}
            )
        existing = (
            Enrollment.objects.filter(session=session, participant=participant)
            .exclude(status=EnrollmentStatus.CANCELLED)
            .first()
        )
        if existing is not None:
            raise AlreadyEnrolled(_already_message(existing), existing)
        if not override_prerequisites:
            missing = missing_prerequisites(participant, session.workshop)
            if missing:
                raise MissingPrerequisite(
                    _("Please take “%(workshop)s” first: it comes before this workshop.")
                    % {"workshop": missing[0].title},
                    missing,
                )

        has_seat = _confirmed_count(session) < session.capacity
        status = EnrollmentStatus.CONFIRMED if has_seat else EnrollmentStatus.WAITLISTED
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(
                    participant=participant,
                    session=session,
                    status=status,
                    source=source,
                    accessibility_needs=accessibility_needs,
                    childcare_needs=childcare_needs,
                    created_at=now,
                    confirmed_at=now if has_seat else None,
                )
        except IntegrityError:
            existing = (
                Enrollment.objects.filter(session=session, participant=participant)
                .exclude(status=EnrollmentStatus.CANCELLED)
                .first()
            )
            raise AlreadyEnrolled(_already_message(existing), existing) from None

        _queue_email("confirmed" if has_seat else "waitlisted", enrollment.pk)
        return EnrollmentResult(enrollment, None if has_seat else waitlist_position(enrollment))


def enrol_person(session_id, *, name, email, local=None, preferred_language=None, **options):
    """Enrol someone known by name and email: :func:`find_or_create_participant`, then
    :func:`enrol` with ``options``, in one transaction, so that a refused enrolment leaves no
    new participant behind."""
    with transaction.atomic():
        participant = find_or_create_participant(
            name=name, email=email, local=local, preferred_language=preferred_language
        )
        return enrol(session_id, participant.pk, **options)


def _already_message(enrollment):
    if enrollment is not None and enrollment.status == EnrollmentStatus.WAITLISTED:
        return _("You are already on the waitlist for this session.")
    return _("You are already enrolled in this session.")


def cancel(enrollment_id, *, by_staff=False, notify=True, now=None):
    """Cancel an enrolment; a freed seat goes to the first person on the waitlist.

    Members may cancel until the session starts; staff (``by_staff``) at any time. Returns the
    enrolments promoted from the waitlist (each is emailed). Cancelling twice is harmless.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session_id = Enrollment.objects.values_list("session_id", flat=True).get(pk=enrollment_id)
        session = _locked_session(session_id)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        if enrollment.status == EnrollmentStatus.CANCELLED:
            return []
        enrollment.session = session
        if not by_staff and not enrollment.member_can_cancel(now):
            raise CancellationClosed(
                _("This session has started, so the enrolment can no longer be cancelled.")
            )
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.cancelled_at = now
        enrollment.save(update_fields=["status", "cancelled_at"])
        if notify:
            _queue_email("cancelled", enrollment.pk)
        return promote_from_waitlist(session, now=now)


def promote_from_waitlist(session, *, now=None):
    """Fill free seats from the waitlist, first come first served. Call with the session locked."""
    now = now or timezone.now()
    if session.status != SessionStatus.SCHEDULED:
        return []
    free = session.capacity - _confirmed_count(session)
    if free <= 0:
        return []
    promoted = list(
        Enrollment.objects.filter(session=session, status=EnrollmentStatus.WAITLISTED).order_by(
            "created_at", "pk"
        )[:free]
    )
    for enrollment in promoted:
        enrollment.status = EnrollmentStatus.CONFIRMED
        enrollment.confirmed_at = now
        enrollment.save(update_fields=["status", "confirmed_at"])
        _queue_email("promoted", enrollment.pk)
    return promoted


def cancel_session(session_id, *, now=None):
    """Cancel a whole session: every active enrolment is cancelled and told why."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id)
        session.status = SessionStatus.CANCELLED
        session.save(update_fields=["status", "updated_at"])
        active = list(session.enrollments.exclude(status=EnrollmentStatus.CANCELLED))
        for enrollment in active:
            enrollment.status = EnrollmentStatus.CANCELLED
            enrollment.cancelled_at = now
            enrollment.save(update_fields=["status", "cancelled_at"])
            _queue_email("session_cancelled", enrollment.pk)
        return active
