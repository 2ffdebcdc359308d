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

import datetime
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log

from .choices import EnrollmentStatus, SessionStatus
from .enrollment import _locked_session, promote_from_waitlist
from .models import Enrollment, SessionPart
from .tasks import send_enrollment_email

#: What people see of a session, besides its dates and times.
PLACE_FIELDS = ("venue", "address", "city", "online_url")
#: Who hears of a change.
TOLD = (EnrollmentStatus.CONFIRMED, EnrollmentStatus.OFFERED, EnrollmentStatus.WAITLISTED)

CHANGE_ACTION = "courses.session.tell_changes"


def seen_state(session):
    """What people see of ``session`` as saved, as JSON holds it: its parts' ``[start, end]``
    (ISO, UTC) in order, and its place."""
    parts = SessionPart.objects.filter(session_id=session.pk).order_by("starts_at", "pk")
    return {
        "parts": [
            [start.astimezone(datetime.UTC).isoformat(), end.astimezone(datetime.UTC).isoformat()]
            for start, end in parts.values_list("starts_at", "ends_at")
        ],
        **{name: getattr(session, name) or "" for name in PLACE_FIELDS},
    }


def capture(session_id):
    """Lock the session and return what people see of it now (call before saving it)."""
    return seen_state(_locked_session(session_id))


def parts_of(state):
    """The ``(start, end)`` datetimes of a state's parts."""
    return [
        (datetime.datetime.fromisoformat(start), datetime.datetime.fromisoformat(end))
        for start, end in state.get("parts", [])
    ]


def place_seen(state, *, with_link):
    """The place of a state as one person sees it: the meeting link only with ``with_link``."""
    if state.get("online_url"):
        return {"online": True, "link": state["online_url"] if with_link else ""}
    return {
        "online": False,
        "link": "",
        **{name: state.get(name, "") for name in ("venue", "address", "city")},
    }


def changes_seen(before, after, *, with_link):
    """Which of ``"when"`` and ``"where"`` changed for someone who sees the meeting link
    (``with_link``) or not."""
    changed = []
    if before.get("parts") != after.get("parts"):
        changed.append("when")
    if place_seen(before, with_link=with_link) != place_seen(after, with_link=with_link):
        changed.append("where")
    return changed


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
