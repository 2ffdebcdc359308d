"""Telling people when a session they take part in, or wait for, changes.

Staff save a session in the admin; what people see of it (its dates and times, its venue,
address, city and online link) is compared before and after the save, in the same
transaction, with the session's row locked:

- everyone confirmed, offered a place or waiting is emailed what changed (old and new, in
  their own language), after the transaction commits; people with a seat get an updated
  calendar file (same UIDs, higher SEQUENCE). Nothing is sent when nothing they see changed:
  people without a seat never see the meeting link, so a new link is news only to those with
  one;
- seats the change freed (a higher capacity) go to the first people waiting at once, before
  any newcomer can take one;
- a session moved to another day is reminded again before its new day.

Use it as ``before = capture(session_id)``, save the session, then
``after_save(session_id, before)``, all in one transaction.
"""

from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log

from ..choices import EnrollmentStatus, SessionStatus
from ..models import Enrollment
from .enrollment import _locked_session, promote_from_waitlist
from .states import changes_seen, parts_of, seen_state
from .tasks import send_enrollment_email

#: Who hears of a change.
TOLD = (EnrollmentStatus.CONFIRMED, EnrollmentStatus.OFFERED, EnrollmentStatus.WAITLISTED)

CHANGE_ACTION = "courses.session.tell_changes"


def capture(session_id):
    """Lock the session and return what people see of it now (call before saving it)."""
    return seen_state(_locked_session(session_id))


@dataclass
class SessionUpdate:
    """What saving a session did: the changes people see, who was told, who got a seat."""

    changed: list = field(default_factory=list)
    told: int = 0
    promoted: list = field(default_factory=list)


def after_save(session_id, before, *, user=None, now=None):
    """Tell people what changed since ``before`` (from :func:`capture`) and give any seat now
    free to the first people waiting. Call in the transaction that saved the session."""
    now = now or timezone.now()
    session = _locked_session(session_id)
    after = seen_state(session)
    update = SessionUpdate(changed=changes_seen(before, after, with_link=True))
    if update.changed and session.status == SessionStatus.SCHEDULED:
        ends = [end for _start, end in parts_of(before) + parts_of(after)]
        if not ends or max(ends) > now:
            update.told = _tell(session, before, after)
    if update.told:
        log(
            instance=session,
            action=CHANGE_ACTION,
            user=user,
            data={"told": update.told, "changed": update.changed},
        )
    if _moved_to_another_day(before, after, session.zone):
        # A reminder sent for the old day says nothing of the new one: remind again before it.
        Enrollment.objects.filter(session=session, reminder_sent_at__isnull=False).update(
            reminder_sent_at=None
        )
    update.promoted = promote_from_waitlist(session, now=now)
    return update


def _moved_to_another_day(before, after, zone):
    """Whether the session's first day, in its own zone, is not what it was."""
    old, new = parts_of(before), parts_of(after)
    if not old or not new:
        return False
    return old[0][0].astimezone(zone).date() != new[0][0].astimezone(zone).date()


def _tell(session, before, after):
    told = 0
    people = Enrollment.objects.filter(session=session, status__in=TOLD).order_by("pk")
    for enrollment_id, status in people.values_list("pk", "status"):
        if not changes_seen(before, after, with_link=status == EnrollmentStatus.CONFIRMED):
            continue
        transaction.on_commit(
            partial(
                send_enrollment_email.enqueue,
                enrollment_id=enrollment_id,
                kind="changed",
                before=before,
                after=after,
            )
        )
        told += 1
    return told
