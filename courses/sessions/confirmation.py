"""Enrolments asked for on the public form, taken only once the owner of the address confirms.

Anyone can type any email address into the enrolment form, so what they type proves nothing:
asking (:func:`ask_to_enrol`) takes no seat and changes no participant. It records a
:class:`~courses.models.PendingEnrollment` and emails the address a link to a page with a
"Confirm my place" button. Opening the page (what mail scanners do) changes nothing; pressing
the button (:func:`confirm`) allocates the seat under the session's lock, or a place on the
waitlist if the session filled up meanwhile.

Whether the address is already enrolled, lacks a prerequisite or may not enrol in a session
restricted to one local is said only in the email to that address, never to whoever filled in
the form: the form's answer is the same whatever the address's state. Names and locals typed
on the form never reach an existing participant's record, nor any email.
"""

import datetime
from functools import partial

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import EnrollmentSource, EnrollmentStatus
from ..exceptions import Refusal
from ..models import Enrollment, Participant, PendingEnrollment, Session
from ..validators import normalise_email
from .emails import CONFIRM_SALT, confirm_token, confirmation_max_age
from .enrollment import (
    RegistrationClosed,
    check_registration_open,
    enrol,
    restriction_refusal,
    update_own_details,
)
from .prerequisites import missing_prerequisites
from .tasks import send_enrollment_request_email


class LinkInvalid(Refusal):
    """The link is forged, already used, or too old."""

    code = "link_invalid"


def pending_from_token(token, now=None):
    """The pending enrolment a confirmation link is for; raises :class:`LinkInvalid` when the
    link is forged, was used, or expired (an expired request is deleted)."""
    refusal = LinkInvalid(
        _("This confirmation link no longer works. Each link works once, for a day.")
    )
    try:
        pending_id, created = signing.loads(token, salt=CONFIRM_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        raise refusal from None
    if not isinstance(pending_id, int) or not isinstance(created, int | float):
        raise refusal
    pending = (
        PendingEnrollment.objects.select_related("session__workshop", "local")
        .filter(pk=pending_id)
        .first()
    )
    if pending is None or abs(pending.created_at.timestamp() - created) > 0.001:
        raise refusal
    if pending.has_expired(now):
        pending.delete()
        raise refusal
    return pending


def purge_expired(now=None):
    """Delete the requests nobody confirmed in time; returns how many."""
    deleted, _ = PendingEnrollment.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def _queue(kind, pending_id=None, **details):
    transaction.on_commit(
        partial(send_enrollment_request_email.enqueue, kind=kind, pending_id=pending_id, **details)
    )


def obstacle(session, participant):
    """Why this person (``None`` for an address we do not know) cannot enrol in the session:
    ``"already"``, ``"not_eligible"``, ``"prerequisite"``, or None."""
    if participant is not None:
        existing = (
            Enrollment.objects.filter(session=session, participant=participant)
            .exclude(status=EnrollmentStatus.CANCELLED)
            .exists()
        )
        if existing:
            return "already"
    if restriction_refusal(session, participant, source=EnrollmentSource.SELF) is not None:
        return "not_eligible"
    if session.workshop.prerequisites.exists() and (
        participant is None or missing_prerequisites(participant, session.workshop)
    ):
        return "prerequisite"
    return None


def ask_to_enrol(
    session_id,
    *,
    email,
    name,
    local=None,
    preferred_language="en",
    accessibility_needs="",
    childcare_needs="",
    now=None,
):
    """Take a request to enrol ``email`` in a session and email that address about it.

    Raises :class:`RegistrationClosed` when the session takes no enrolment (that is public).
    Otherwise the address gets either a link to confirm the place (the request is kept until
    then, for :func:`confirmation_max_age`) or an email saying what stands in the way; the
    caller learns nothing of which, and must tell the person the same thing either way.
    """
    now = now or timezone.now()
    email = normalise_email(email)
    purge_expired(now)
    with transaction.atomic():
        session = Session.objects.select_related("workshop", "restricted_to_local").get(
            pk=session_id
        )
        check_registration_open(session, now=now)
        participant = Participant.objects.with_email(email).first()
        reason = obstacle(session, participant)
        if reason is not None:
            _queue(
                reason,
                session_id=session.pk,
                email=email,
                language=preferred_language,
            )
            return
        # One live request per address and session: asking again replaces the older link.
        PendingEnrollment.objects.filter(session=session, email__iexact=email).delete()
        pending = PendingEnrollment.objects.create(
            session=session,
            email=email,
            name=name,
            local=local,
            preferred_language=preferred_language,
            accessibility_needs=accessibility_needs,
            childcare_needs=childcare_needs,
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=confirmation_max_age()),
        )
        _queue("confirm", pending_id=pending.pk)


def details_for(pending):
    """The details the confirmation page offers: the record's, for an address we know (what a
    stranger typed never replaces them), else those typed on the form."""
    participant = Participant.objects.select_related("local").with_email(pending.email).first()
    if participant is not None:
        return participant, {
            "name": participant.name,
            "local": participant.local,
            "preferred_language": participant.preferred_language,
        }
    return None, {
        "name": pending.name,
        "local": pending.local,
        "preferred_language": pending.preferred_language,
    }


def confirm(pending_id, *, name, local, preferred_language, accessibility_needs, childcare_needs):
    """Enrol the owner of the address, who pressed "Confirm my place" on the link's page.

    The details are those the owner submitted on that page: a new participant is created with
    them, an existing one is updated (a change of local is not a confirmed membership). The
    seat is allocated by :func:`courses.sessions.enrollment.enrol` under the session's lock; a full
    session puts them on the waitlist. The request is used up either way. Raises
    :class:`LinkInvalid` when it was used meanwhile, or an :class:`EnrollmentError` when a rule
    refuses (the refusal leaves no new participant behind).
    """
    with transaction.atomic():
        pending = PendingEnrollment.objects.select_for_update().filter(pk=pending_id).first()
        if pending is None:
            raise LinkInvalid(_("This confirmation link has already been used."))
        session_id, email = pending.session_id, pending.email
        pending.delete()
    with transaction.atomic():
        participant = _participant_confirmed(
            email, name=name, local=local, preferred_language=preferred_language
        )
        return enrol(
            session_id,
            participant.pk,
            source=EnrollmentSource.SELF,
            accessibility_needs=accessibility_needs,
            childcare_needs=childcare_needs,
        )


def _participant_confirmed(email, *, name, local, preferred_language):
    participant = Participant.objects.select_for_update().with_email(email).first()
    if participant is None:
        try:
            with transaction.atomic():
                return Participant.objects.create(
                    name=name, email=email, local=local, preferred_language=preferred_language
                )
        except IntegrityError:  # the same address confirmed another session a moment ago
            participant = Participant.objects.select_for_update().with_email(email).get()
    update_own_details(participant, name=name, local=local, preferred_language=preferred_language)
    return participant


__all__ = [
    "LinkInvalid",
    "RegistrationClosed",
    "ask_to_enrol",
    "confirm",
    "confirm_token",
    "details_for",
    "pending_from_token",
    "purge_expired",
]
