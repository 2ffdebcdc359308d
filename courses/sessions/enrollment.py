"""Enrolment rules: who may take a seat in a session, the waitlist, and cancelling.

Every function here takes primary keys, runs in one transaction and raises an
:class:`EnrollmentError` that says in the member's words why something was refused. Seats are
allocated with the session row locked, so that parallel requests never overbook a session on
PostgreSQL (SQLite serialises writers with its immediate transactions). Emails are queued only
once the transaction has committed.

The waitlist is first come, first served: whenever a seat frees up (someone cancels, staff
remove someone, the capacity goes up, an offer lapses), the first people waiting get it under
the session's lock, before anyone new can enrol; and a newcomer is only seated once nobody
waits. A session with ``offer_hours`` keeps a freed seat for the first person waiting
(``OFFERED``) until they accept it or the time is up, when it goes to the next. A seat offered
counts as taken everywhere seats are counted.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from ..choices import EnrollmentSource, EnrollmentStatus, SessionStatus
from ..exceptions import Refusal
from ..models import Enrollment, Participant, Session
from .prerequisites import missing_prerequisites
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


class OfferClosed(EnrollmentError):
    code = "offer_closed"


class CancellationReasonMissing(EnrollmentError):
    code = "reason_missing"


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


def find_or_create_participant(
    *, name, email, local=None, preferred_language=None, confirm_local=False
):
    """The participant with this email (any case), created if new.

    An existing participant keeps their name, local and language: only they (signed in), staff
    editing their record, or their own confirmation change those. A missing local is filled in.
    ``confirm_local`` says the local comes from the union (staff typed it), which confirms the
    membership; a local from anyone else is recorded unconfirmed.
    """
    email = email.strip()
    participant = Participant.objects.with_email(email).first()
    if participant is None:
        try:
            with transaction.atomic():
                return Participant.objects.create(
                    name=name.strip(),
                    email=email,
                    local=local,
                    local_confirmed=bool(local and confirm_local),
                    preferred_language=preferred_language or "en",
                )
        except IntegrityError:  # created by a parallel request a moment ago
            participant = Participant.objects.with_email(email).get()
    changed = []
    if local is not None and participant.local_id is None:
        participant.local = local
        participant.local_confirmed = confirm_local
        changed += ["local", "local_confirmed"]
    elif (
        confirm_local
        and local is not None
        and participant.local_id == local.pk
        and not participant.local_confirmed
    ):
        participant.local_confirmed = True
        changed.append("local_confirmed")
    if changed:
        participant.save(update_fields=changed)
    return participant


def update_own_details(participant, *, name, local, preferred_language):
    """Change a participant's name, local and language as they themselves asked (signed in, or
    confirming an enrolment from their own address). Returns the names of the fields changed.

    A new local is recorded unconfirmed: membership of a local is confirmed by the union, so
    that nobody opens a session restricted to a local by saying they belong to it.
    """
    changed = []
    if name and name != participant.name:
        participant.name = name
        changed.append("name")
    if preferred_language and preferred_language != participant.preferred_language:
        participant.preferred_language = preferred_language
        changed.append("preferred_language")
    if local is not None and local.pk != participant.local_id:
        participant.local = local
        participant.local_confirmed = False
        changed += ["local", "local_confirmed"]
    if changed:
        participant.save(update_fields=changed)
        log(
            instance=participant,
            action="wagtail.edit",
            user=participant.user,
            data={"fields": changed, "by": "participant"},
        )
    return changed


def check_registration_open(session, *, now=None, ignore_deadline=False):
    """Raise :class:`RegistrationClosed` when the session takes no enrolment (cancelled, over,
    or past its deadline unless ``ignore_deadline``)."""
    now = now or timezone.now()
    if session.status == SessionStatus.CANCELLED:
        raise RegistrationClosed(_("This session has been cancelled."))
    if session.status == SessionStatus.DELIVERED:
        raise RegistrationClosed(_("This session has already taken place."))
    if not ignore_deadline and now >= session.closes_at:
        raise RegistrationClosed(_("Registration for this session is closed."))


def restriction_refusal(session, participant, *, source=EnrollmentSource.SELF):
    """A :class:`NotEligible` refusal when the session is restricted to a local the
    participant (None: someone we do not know) is not a member of, else None.

    A member enrolling themselves needs the union to have confirmed their membership of that
    local (``Participant.local_confirmed``, set by staff): saying so on a form is not enough.
    Staff, walk-ins and enrolments from a local's request go by the local on file.
    """
    if not session.restricted_to_local_id:
        return None
    member = participant is not None and participant.local_id == session.restricted_to_local_id
    if member and source == EnrollmentSource.SELF and not participant.local_confirmed:
        member = False
    if member:
        return None
    return NotEligible(
        _("This session is only for members of %(local)s.") % {"local": session.restricted_to_local}
    )


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


#: The statuses that hold a seat: a place confirmed, or offered and not yet accepted.
SEATED = (EnrollmentStatus.CONFIRMED, EnrollmentStatus.OFFERED)


def _seats_taken(session):
    return Enrollment.objects.filter(session=session, status__in=SEATED).count()


def _queue_email(kind, enrollment_id, **details):
    transaction.on_commit(
        partial(send_enrollment_email.enqueue, enrollment_id=enrollment_id, kind=kind, **details)
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

        check_registration_open(session, now=now, ignore_deadline=ignore_deadline)
        refusal = restriction_refusal(session, participant, source=source)
        if refusal is not None:
            raise refusal
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

        # A seat freed by any path is the first waiting person's, never a newcomer's: once
        # they have it, a seat still free means that nobody waits.
        _promoted, taken = _promote(session, now)
        if taken is None:
            taken = _seats_taken(session)
        has_seat = taken < session.capacity
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
    """Enrol someone known by name and email, for staff (``source`` staff or request):
    :func:`find_or_create_participant`, then :func:`enrol` with ``options``, in one
    transaction, so that a refused enrolment leaves no new participant behind.

    Members enrolling themselves go through ``courses.sessions.confirmation`` instead, which proves
    that the address is theirs first.
    """
    source = options.get("source", EnrollmentSource.SELF)
    with transaction.atomic():
        participant = find_or_create_participant(
            name=name,
            email=email,
            local=local,
            preferred_language=preferred_language,
            confirm_local=source in (EnrollmentSource.STAFF, EnrollmentSource.REQUEST),
        )
        return enrol(session_id, participant.pk, **options)


def _already_message(enrollment):
    if enrollment is not None and enrollment.status == EnrollmentStatus.WAITLISTED:
        return _("You are already on the waitlist for this session.")
    if enrollment is not None and enrollment.status == EnrollmentStatus.OFFERED:
        return _(
            "A place in this session is being kept for you: accept it from the email we sent, "
            "or from My learning."
        )
    return _("You are already enrolled in this session.")


def cancel(enrollment_id, *, by_staff=False, notify=True, now=None):
    """Cancel an enrolment (or decline a place offered); a freed seat goes to the first person
    on the waitlist.

    Members may cancel until the session starts; staff (``by_staff``) at any time. Returns the
    enrolments promoted from the waitlist (each is emailed). Cancelling twice is harmless.
    The person is told by email, with a calendar file that removes the session from their
    calendar if they had it there.
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


def _waiting(session):
    return Enrollment.objects.filter(session=session, status=EnrollmentStatus.WAITLISTED)


def offer_deadline(session, now):
    """Until when a seat freed now is kept for the person offered it; None when the session
    gives freed seats at once (no ``offer_hours``, or it has started). Never after the start."""
    if not session.offer_hours:
        return None
    deadline = min(now + timedelta(hours=session.offer_hours), session.starts_at)
    return deadline if deadline > now else None


def _give_place(enrollment, session, now):
    """Seat a waiting person: offered until the deadline, or confirmed at once."""
    deadline = offer_deadline(session, now)
    if deadline is None:
        enrollment.status = EnrollmentStatus.CONFIRMED
        enrollment.confirmed_at = now
        enrollment.offered_until = None
        enrollment.save(update_fields=["status", "confirmed_at", "offered_until"])
        _queue_email("promoted", enrollment.pk)
    else:
        enrollment.status = EnrollmentStatus.OFFERED
        enrollment.offered_until = deadline
        enrollment.save(update_fields=["status", "offered_until"])
        _queue_email("offered", enrollment.pk)


def _lapse_offers(session, now):
    """Take back the seats offered in ``session`` whose time is up (session locked): the people
    offered them are told, and are no longer waiting."""
    lapsed = list(
        Enrollment.objects.select_for_update().filter(
            session=session, status=EnrollmentStatus.OFFERED, offered_until__lte=now
        )
    )
    for enrollment in lapsed:
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.cancelled_at = now
        enrollment.save(update_fields=["status", "cancelled_at"])
        _queue_email("offer_lapsed", enrollment.pk)
    return lapsed


def promote_from_waitlist(session, *, now=None):
    """Fill free seats from the waitlist, first come first served. Call with the session locked.

    Offers whose time is up are taken back first. Returns the enrolments given a seat (offered
    or confirmed, see :func:`offer_deadline`); each person is emailed.
    """
    return _promote(session, now or timezone.now())[0]


def _promote(session, now):
    """:func:`promote_from_waitlist`, and the number of seats taken afterwards (None when the
    session is not scheduled)."""
    if session.status != SessionStatus.SCHEDULED:
        return [], None
    _lapse_offers(session, now)
    taken = _seats_taken(session)
    free = session.capacity - taken
    if free <= 0:
        return [], taken
    promoted = list(_waiting(session).order_by("created_at", "pk")[:free])
    for enrollment in promoted:
        _give_place(enrollment, session, now)
    return promoted, taken + len(promoted)


def refill_session(session_id, *, now=None):
    """Take back lapsed offers and give free seats to the people waiting, under the session's
    lock (after a change of capacity, for example). Returns the enrolments given a seat."""
    with transaction.atomic():
        session = _locked_session(session_id)
        return promote_from_waitlist(session, now=now)


def lapse_offers(*, session_ids=None, now=None):
    """Take back every offer whose time is up (only in ``session_ids`` if given) and offer the
    seats to the next people waiting, one transaction per session. Returns the number of
    offers taken back. Run hourly, and wherever people look at a session, so that nobody
    waits for the clock."""
    now = now or timezone.now()
    lapsed = Enrollment.objects.filter(status=EnrollmentStatus.OFFERED, offered_until__lte=now)
    if session_ids is not None:
        lapsed = lapsed.filter(session_id__in=session_ids)
    count = 0
    for session_id in sorted(set(lapsed.values_list("session_id", flat=True))):
        with transaction.atomic():
            session = _locked_session(session_id)
            count += len(_lapse_offers(session, now))
            promote_from_waitlist(session, now=now)
    return count


def accept_offer(enrollment_id, *, now=None):
    """Accept a place offered: the seat becomes the person's. Raises :class:`OfferClosed` when
    the offer is no longer open (its time is up: the seat then goes to the next person)."""
    now = now or timezone.now()
    with transaction.atomic():
        session_id = Enrollment.objects.values_list("session_id", flat=True).get(pk=enrollment_id)
        session = _locked_session(session_id)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        enrollment.session = session
        if enrollment.status == EnrollmentStatus.CONFIRMED:
            return enrollment  # accepted already: pressing twice is harmless
        open_offer = (
            enrollment.status == EnrollmentStatus.OFFERED
            and session.status == SessionStatus.SCHEDULED
            and enrollment.offered_until is not None
            and enrollment.offered_until > now
        )
        if open_offer:
            enrollment.status = EnrollmentStatus.CONFIRMED
            enrollment.confirmed_at = now
            enrollment.save(update_fields=["status", "confirmed_at"])
            _queue_email("confirmed", enrollment.pk)
            return enrollment
        promote_from_waitlist(session, now=now)  # a lapsed offer goes to the next person
    raise OfferClosed(
        _("This offer is no longer open: the time to accept it is up, or it was withdrawn.")
    )


def offer_place(enrollment_id, *, now=None):
    """Staff offer a place to someone waiting, whoever is first: it is kept for them for the
    session's ``offer_hours``, or theirs at once. The session may go over its capacity: staff
    decide that. Returns the enrolment."""
    now = now or timezone.now()
    with transaction.atomic():
        session_id = Enrollment.objects.values_list("session_id", flat=True).get(pk=enrollment_id)
        session = _locked_session(session_id)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        if session.status != SessionStatus.SCHEDULED:
            raise RegistrationClosed(_("Only a scheduled session takes people."))
        if enrollment.status != EnrollmentStatus.WAITLISTED:
            raise EnrollmentError(_("This person is no longer on the waitlist."))
        enrollment.session = session
        _give_place(enrollment, session, now)
        return enrollment


def cancel_session(session_id, *, reason, now=None):
    """Cancel a whole session: every active enrolment is cancelled and told why.

    ``reason`` (required) is kept on the session and put in the emails.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CancellationReasonMissing(_("Say why the session is cancelled."))
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id)
        session.status = SessionStatus.CANCELLED
        session.cancellation_reason = reason
        session.save(update_fields=["status", "cancellation_reason", "updated_at"])
        active = list(session.enrollments.exclude(status=EnrollmentStatus.CANCELLED))
        for enrollment in active:
            enrollment.status = EnrollmentStatus.CANCELLED
            enrollment.cancelled_at = now
            enrollment.save(update_fields=["status", "cancelled_at"])
            _queue_email("session_cancelled", enrollment.pk)
        return active
