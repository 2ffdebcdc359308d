"""What people see of a session, as a state JSON can hold: its dates and times and its place.

Two states of a session, before and after staff save it, say what changed for each person
(``courses.sessions.changes`` tells them; ``courses.sessions.emails`` writes what changed).
"""

import datetime

from ..models import SessionPart

#: What people see of a session, besides its dates and times.
PLACE_FIELDS = ("venue", "address", "city", "online_url")


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
