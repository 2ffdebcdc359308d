"""Requests from locals for tailored sessions: how they come in, move through triage, and become
a session restricted to the local that asked.

A request's status moves only through the functions here:

    new → in review → scheduled → delivered
    new, in review → declined (with a reason) → in review again
    scheduled → in review (when the dates must change)

"Scheduled" needs a session made from the request (:func:`create_session_from_request`) and
"delivered" needs that session closed, which :mod:`courses.signal_handlers` acts on. Like
``courses.sessions.enrollment``, the functions that change a request take its primary key, lock
its row in one transaction and raise a :class:`RequestError` whose ``message`` is fit to show
to staff. Every change is written to the request's history (Wagtail log entries), and the
person who asked is emailed once the transaction has committed.
"""

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from ..choices import EnrollmentSource, Language, RequestStatus, SessionStatus
from ..exceptions import Refusal
from ..models import Session, SessionPart, SessionRequest
from ..sessions.enrollment import EnrollmentError, enrol_person
from ..sessions.scheduling import facilitator_clashes, qualification_refusals
from ..timezones import suggested_zone_name
from .tasks import send_request_email, send_request_staff_email

SUBMIT_ACTION = "courses.request.submit"
STATUS_ACTION = "courses.request.status"
ASSIGN_ACTION = "courses.request.assign"
CREATE_SESSION_ACTION = "courses.request.create_session"

#: The statuses each status may move to, before the checks of :func:`status_refusal`.
TRANSITIONS = {
    RequestStatus.NEW: (RequestStatus.IN_REVIEW, RequestStatus.SCHEDULED, RequestStatus.DECLINED),
    # A request taken back into review keeps its session; if that session is then closed,
    # the request is delivered all the same.
    RequestStatus.IN_REVIEW: (
        RequestStatus.SCHEDULED,
        RequestStatus.DELIVERED,
        RequestStatus.DECLINED,
    ),
    RequestStatus.SCHEDULED: (RequestStatus.IN_REVIEW, RequestStatus.DELIVERED),
    RequestStatus.DECLINED: (RequestStatus.IN_REVIEW,),
    RequestStatus.DELIVERED: (),
}

#: The fields a request is made of, as the public form and the admin give them.
REQUEST_FIELDS = (
    "local",
    "local_name_other",
    "contact_name",
    "contact_role",
    "email",
    "phone",
    "workshop",
    "goals",
    "participants",
    "date_1",
    "date_2",
    "date_3",
    "delivery_format",
    "location",
    "language",
    "accessibility_needs",
)


class RequestError(Refusal):
    """A rule refused the change. ``message`` is fit to show to staff."""


class TransitionNotAllowed(RequestError):
    code = "transition"


class ReasonRequired(RequestError):
    code = "reason_required"


class NeedsSession(RequestError):
    """Scheduled needs a session made from the request; delivered needs it closed."""

    code = "needs_session"


class NoLocal(RequestError):
    """A session is only made for a local on record."""

    code = "no_local"


class NotCertified(RequestError):
    code = "not_certified"


class InvalidSession(RequestError):
    code = "invalid_session"


class FacilitatorBusy(RequestError):
    code = "facilitator_busy"


@dataclass(frozen=True)
class CreatedSession:
    session: Session
    #: The contact person's enrolment, when they were enrolled.
    contact_enrollment: object = None
    #: Why the contact person could not be enrolled, when they were to be.
    contact_refusal: str = ""


@dataclass(frozen=True)
class StatusStep:
    status: str
    at: object
    reason: str = ""

    @property
    def label(self):
        return RequestStatus(self.status).label


def _locked_request(request_id):
    return (
        SessionRequest.objects.select_related("session", "workshop", "local")
        .select_for_update(of=("self",))
        .get(pk=request_id)
    )


def _queue_email(session_request, kind):
    transaction.on_commit(
        partial(send_request_email.enqueue, request_id=session_request.pk, kind=str(kind))
    )


# Coming in


def submit_request(*, site=None, user=None, notify=True, now=None, **fields):
    """Record a local's request; the person who made it and the education staff are emailed.

    ``fields`` are those of :data:`REQUEST_FIELDS` (the form has checked them). ``site`` is the
    site the request came through: its settings say whom on staff to tell. ``user`` is who
    entered it (None for the public). ``notify=False`` sends no email (for loading records
    that are not news to anyone); ``now`` is when it came in.
    """
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown request fields: {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    with transaction.atomic():
        session_request = SessionRequest(
            **fields, status=RequestStatus.NEW, created_at=now, status_changed_at=now
        )
        if session_request.local_id:
            session_request.local_name_other = ""
        session_request.save()
        log(
            instance=session_request,
            action=SUBMIT_ACTION,
            user=user if user is not None and user.is_authenticated else None,
            data={"reference": session_request.reference},
            timestamp=now,
        )
        if notify:
            _queue_email(session_request, "received")
            transaction.on_commit(
                partial(
                    send_request_staff_email.enqueue,
                    request_id=session_request.pk,
                    site_id=site.pk if site is not None else None,
                )
            )
    return session_request


# Status


def status_refusal(session_request, status, reason=""):
    """The :class:`RequestError` that moving the request to ``status`` would meet, or None.

    Declining needs a ``reason``; pass ``reason=None`` to leave the reason out of the check
    (to list the statuses to offer before anyone has typed one).
    """
    current = RequestStatus(session_request.status)
    if status == current:
        return TransitionNotAllowed(
            _("This request is already %(status)s.") % {"status": current.label.lower()}
        )
    if status not in TRANSITIONS[current]:
        return TransitionNotAllowed(
            _("A request that is %(current)s cannot become %(status)s.")
            % {"current": current.label.lower(), "status": RequestStatus(status).label.lower()}
        )
    session = session_request.session
    if status == RequestStatus.SCHEDULED and (
        session is None or session.status != SessionStatus.SCHEDULED
    ):
        return NeedsSession(_("Create the session from the request: that schedules it."))
    if status == RequestStatus.DELIVERED and (
        session is None or session.status != SessionStatus.DELIVERED
    ):
        return NeedsSession(_("The request is delivered once its session has been closed."))
    if status == RequestStatus.DECLINED:
        if session is not None and session.status == SessionStatus.SCHEDULED:
            return TransitionNotAllowed(
                _("Its session is still scheduled: cancel the session before declining.")
            )
        if reason is not None and not reason.strip():
            return ReasonRequired(_("Say why the request is declined: the local is told."))
    return None


def next_statuses(session_request):
    """The statuses staff may move the request to now, in the order of the workflow."""
    return [
        status
        for status in RequestStatus
        if status_refusal(session_request, status, reason=None) is None
    ]


def _set_status(session_request, status, *, user, reason="", now, notify=True):
    previous = session_request.status
    session_request.status = status
    session_request.status_changed_at = now
    if status == RequestStatus.DECLINED:
        session_request.decline_reason = reason.strip()
    elif previous == RequestStatus.DECLINED:
        session_request.decline_reason = ""
    session_request.save(
        update_fields=["status", "status_changed_at", "decline_reason", "updated_at"]
    )
    log(
        instance=session_request,
        action=STATUS_ACTION,
        user=user,
        data={
            "from": str(previous),
            "to": str(status),
            "reason": session_request.decline_reason,
        },
        timestamp=now,
    )
    if notify:
        _queue_email(session_request, status)


def change_status(request_id, status, *, user, reason="", notify=True, now=None):
    """Move the request to ``status``; the person who asked is emailed about it (unless
    ``notify=False``).

    Raises :class:`RequestError` when the workflow does not allow it (see the module's
    docstring); declining needs a ``reason``, which the local is told.
    """
    try:
        status = RequestStatus(status)
    except ValueError:
        raise TransitionNotAllowed(_("Choose one of the statuses offered.")) from None
    with transaction.atomic():
        session_request = _locked_request(request_id)
        now = now or timezone.now()
        refusal = status_refusal(session_request, status, reason or "")
        if refusal is not None:
            raise refusal
        _set_status(session_request, status, user=user, reason=reason or "", now=now, notify=notify)
        return session_request


def status_history(session_request):
    """The request's steps, oldest first: when it came in, then each change of status."""
    steps = [StatusStep(RequestStatus.NEW, session_request.created_at)]
    entries = (
        log_registry.get_logs_for_instance(session_request)
        .filter(action=STATUS_ACTION)
        .order_by("timestamp", "pk")
    )
    for entry in entries:
        data = entry.data or {}
        if data.get("to") in RequestStatus.values:
            steps.append(StatusStep(data["to"], entry.timestamp, data.get("reason", "")))
    return steps


# Facilitators


def person_name(user):
    return user.get_full_name() or user.get_username()


def assign_facilitator(request_id, facilitator, *, user, now=None):
    """Give the request a facilitator certified for its workshop (``None`` to take them off)."""
    with transaction.atomic():
        session_request = _locked_request(request_id)
        if facilitator is not None:
            refusals = qualification_refusals(
                [facilitator], session_request.workshop, session_request.language
            )
            if refusals or not facilitator.is_active:
                raise NotCertified(
                    refusals.get(facilitator)
                    or _("%(person)s is not certified to deliver %(workshop)s.")
                    % {
                        "person": person_name(facilitator),
                        "workshop": session_request.workshop.title,
                    }
                )
        if session_request.assigned_facilitator_id == getattr(facilitator, "pk", None):
            return session_request
        session_request.assigned_facilitator = facilitator
        session_request.save(update_fields=["assigned_facilitator", "updated_at"])
        log(
            instance=session_request,
            action=ASSIGN_ACTION,
            user=user,
            data={"name": person_name(facilitator) if facilitator else ""},
            timestamp=now or timezone.now(),
        )
        return session_request


# The session


def create_session_from_request(
    request_id,
    *,
    starts_at,
    ends_at,
    user,
    time_zone=None,
    language=None,
    venue="",
    address="",
    city="",
    online_url="",
    capacity=None,
    facilitators=(),
    enrol_contact=False,
    notify=True,
    now=None,
):
    """Make the session the request asked for, restricted to its local, and schedule the request.

    The session is of the request's workshop, from ``starts_at`` to ``ends_at`` in one sitting;
    its time zone defaults to that of the local's division, language and capacity to the
    request's. Facilitators must be certified for the workshop. With ``enrol_contact``, the
    person who asked is enrolled too (source "request");
    if a rule refuses that, the session is still made and the result says why.
    ``notify=False`` emails nobody; ``now`` is when the session is made.
    """
    with transaction.atomic():
        session_request = _locked_request(request_id)
        now = now or timezone.now()
        if not session_request.is_open:
            raise TransitionNotAllowed(
                _("A session is only created for a new request or one in review.")
            )
        existing = session_request.session
        if existing is not None and existing.status == SessionStatus.SCHEDULED:
            raise TransitionNotAllowed(
                _("This request already has a scheduled session: %(session)s.")
                % {"session": existing}
            )
        if session_request.local_id is None:
            raise NoLocal(
                _(
                    "The request names no local on record (“%(name)s”). Add the local, then "
                    "choose it on the request, so that the session is only for its members."
                )
                % {"name": session_request.local_name_other}
            )
        if starts_at is None or ends_at is None or ends_at <= starts_at:
            raise InvalidSession(_("The session must end after it starts."))
        if starts_at <= now:
            raise InvalidSession(_("Choose a start in the future."))
        capacity = capacity if capacity is not None else session_request.participants
        if capacity < 1:
            raise InvalidSession(_("The session needs at least one place."))
        workshop = session_request.workshop
        # Certified, in the session's language, and free then (see ``courses.sessions.scheduling``).
        session_language = language or session_request.language or Language.ENGLISH
        refusals = qualification_refusals(facilitators, workshop, session_language)
        if refusals:
            raise NotCertified(" ".join(refusals.values()))
        clashes = facilitator_clashes(facilitators, [(starts_at, ends_at)])
        if clashes:
            raise FacilitatorBusy(" ".join(clash.message for clash in clashes))

        session = Session(
            workshop=workshop,
            time_zone=time_zone or suggested_zone_name(session_request.local),
            language=language or session_request.language or Language.ENGLISH,
            venue=venue,
            address=address,
            city=city,
            online_url=online_url,
            capacity=capacity,
            restricted_to_local=session_request.local,
        )
        session.parts = [SessionPart(starts_at=starts_at, ends_at=ends_at)]
        session.save()
        session.facilitators.set(facilitators)
        log(instance=session, action="wagtail.create", user=user, timestamp=now)

        session_request.session = session
        session_request.save(update_fields=["session", "updated_at"])
        log(
            instance=session_request,
            action=CREATE_SESSION_ACTION,
            user=user,
            data={"session": session.pk, "title": str(session)},
            timestamp=now,
        )
        _set_status(session_request, RequestStatus.SCHEDULED, user=user, now=now, notify=notify)

        contact_enrollment, contact_refusal = None, ""
        if enrol_contact:
            try:
                with transaction.atomic():
                    result = enrol_person(
                        session.pk,
                        name=session_request.contact_name,
                        email=session_request.email,
                        local=session_request.local,
                        preferred_language=session_request.language,
                        source=EnrollmentSource.REQUEST,
                        override_prerequisites=True,
                        ignore_deadline=True,
                    )
                contact_enrollment = result.enrollment
            except EnrollmentError as refusal:
                contact_refusal = refusal.message
        return CreatedSession(session, contact_enrollment, contact_refusal)


def review_request_of_deleted_session(session, *, user=None, now=None):
    """The session made from a request is being deleted (scheduled by mistake, say): the
    request goes back to review, so that staff schedule it again, and the local is told. Call
    it in the deletion's transaction. Returns the request when it changed, else None."""
    session_request = (
        SessionRequest.objects.select_for_update()
        .filter(session_id=session.pk, status=RequestStatus.SCHEDULED)
        .first()
    )
    if session_request is None:
        return None
    _set_status(session_request, RequestStatus.IN_REVIEW, user=user, now=now or timezone.now())
    return session_request


def deliver_request_of_session(session, *, user=None):
    """Mark the request a closed session was made from as delivered. Safe to call again.

    Returns the request when it changed, else None.
    """
    session_request = SessionRequest.objects.filter(
        session_id=session.pk, status__in=(RequestStatus.SCHEDULED, RequestStatus.IN_REVIEW)
    ).first()
    if session_request is None:
        return None
    try:
        return change_status(session_request.pk, RequestStatus.DELIVERED, user=user)
    except RequestError:  # changed meanwhile, or the session was reopened
        return None
