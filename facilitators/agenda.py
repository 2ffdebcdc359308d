"""A guide's agenda: its workshop's curriculum on the clock, with the guide's notes per module.

The curriculum (``courses``' ``WorkshopPage.curriculum``) is the one source of each module's
title, minutes, activity and handout. A guide adds, per module, facilitation notes and
activity instructions, keyed by the id of the module's block in the curriculum: renaming or
retiming a module keeps its notes, a module removed from the curriculum drops out of the
agenda with its notes, and a new module shows with none until someone writes them.

Clock times run from the start of the day (``FACILITATORS_GUIDE_STARTS_AT``, "09:00" unless a
site says otherwise), or from a session's own start when the guide is printed for a session;
a session over several parts (two half-days, say) carries on into the next part when one ends.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from courses.choices import ActivityType
from courses.sessions.scheduling import session_zone

#: Where a guide's agenda starts when no session says otherwise.
DEFAULT_STARTS_AT = "09:00"


def day_starts_at():
    """``FACILITATORS_GUIDE_STARTS_AT`` ("09:00" by default) as a time; a value that is not a
    time falls back to the default."""
    value = getattr(settings, "FACILITATORS_GUIDE_STARTS_AT", DEFAULT_STARTS_AT)
    if isinstance(value, datetime.time):
        return value
    try:
        return datetime.time.fromisoformat(str(value))
    except ValueError:
        return datetime.time.fromisoformat(DEFAULT_STARTS_AT)


@dataclass
class AgendaItem:
    """One module of the agenda, as the guide shows it."""

    module_id: str
    title: str
    minutes: int
    activity_type: str
    activity_label: str
    description: str
    handout: object
    starts: datetime.datetime
    ends: datetime.datetime
    part: int  # which part of the session it starts in, from 0
    notes: str = ""
    purpose: str = ""
    steps: list = field(default_factory=list)
    debrief: str = ""

    @property
    def has_instructions(self):
        return bool(self.purpose or self.steps or self.debrief)

    @property
    def is_break(self):
        return self.activity_type == ActivityType.BREAK


@dataclass(frozen=True)
class Part:
    """One sitting the agenda fills, in the time its clock times are shown in."""

    starts: datetime.datetime
    ends: datetime.datetime | None  # None: open-ended (the agenda of a plain day)


def default_parts(day_start=None):
    """One open-ended day from ``day_start`` (a time; by default :func:`day_starts_at`)."""
    start = datetime.datetime.combine(datetime.date(2000, 1, 3), day_start or day_starts_at())
    return [Part(start, None)]


def session_parts(session, zone=None):
    """The parts of ``session``, in ``zone`` (the session's own time zone if it has one)."""
    zone = zone or session_zone(session)
    # Clock times are shown as the session's local times: the times carry no zone from here.
    return [
        Part(
            part.starts_at.astimezone(zone).replace(tzinfo=None),
            part.ends_at.astimezone(zone).replace(tzinfo=None),
        )
        for part in session.parts.all()
    ] or default_parts()


def modules_of(curriculum):
    """The curriculum's modules as ``(block id, value)``, in order."""
    return [(child.id or "", child.value) for child in curriculum if child.block_type == "module"]


def timeline(curriculum, parts=None, notes=None):
    """The :class:`AgendaItem` of each module of ``curriculum`` (a curriculum stream value),
    timed over ``parts`` (by default one day from :func:`day_starts_at`), with ``notes``
    (``{module id: the guide's entry}``) attached."""
    parts = parts or default_parts()
    notes = notes or {}
    labels = dict(ActivityType.choices)
    items = []
    index = 0
    clock = parts[0].starts
    for module_id, module in modules_of(curriculum):
        minutes = int(module.get("minutes") or 0)
        # A module starts in the next part when this one is used up.
        while (
            index + 1 < len(parts) and parts[index].ends is not None and clock >= parts[index].ends
        ):
            index += 1
            clock = parts[index].starts
        starts, starts_in = clock, index
        remaining = datetime.timedelta(minutes=minutes)
        while remaining:
            end_of_part = parts[index].ends
            if end_of_part is None or index + 1 >= len(parts) or clock + remaining <= end_of_part:
                clock += remaining
                remaining = datetime.timedelta(0)
            else:
                remaining -= end_of_part - clock
                index += 1
                clock = parts[index].starts
        entry = notes.get(module_id) or {}
        items.append(
            AgendaItem(
                module_id=module_id,
                title=module.get("title") or "",
                minutes=minutes,
                activity_type=module.get("activity_type") or "",
                activity_label=str(labels.get(module.get("activity_type"), "")),
                description=module.get("description") or "",
                handout=module.get("handout"),
                starts=starts,
                ends=clock,
                part=starts_in,
                notes=entry.get("notes") or "",
                purpose=entry.get("purpose") or "",
                steps=[step for step in (entry.get("steps") or []) if step],
                debrief=entry.get("debrief") or "",
            )
        )
    return items


def agenda_context(items, session=None):
    """What the guide's templates show of ``items``: the agenda, whether it runs over several
    days, the time zone of its clock times (a session's; none for a plain day), and the modules
    with activity instructions."""
    return {
        "agenda_items": items,
        "agenda_zone": session.zone_abbreviation if session is not None else "",
        "agenda_days": len({item.part for item in items}) > 1,
        "activity_items": [item for item in items if item.has_instructions],
    }
