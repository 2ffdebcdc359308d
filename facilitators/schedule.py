"""A facilitator's week: their sessions still to come, day by day this week, then later ones.

Each day lists the parts of sessions held that day, at their times in the session's own time
zone. The week runs from today to its last day as the active language counts weeks (Sunday to
Saturday in English, Monday to Sunday in French). A session with a part this week is listed on
its days; "later" holds the sessions with none.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import get_format

from courses.sessions.scheduling import session_zone
from courses.timezones import zone_abbreviation


@dataclass(frozen=True)
class WeekEntry:
    """One part of a session on a day of the week, at local times of the session's zone."""

    session: object
    part: object
    starts: datetime.datetime
    ends: datetime.datetime
    zone: str


@dataclass(frozen=True)
class WeekDay:
    day: datetime.date
    is_today: bool
    is_tomorrow: bool
    entries: list


def _starts_at(entry):
    return entry.part.starts_at


def last_day_of_week(today):
    """The last day of ``today``'s week, as the active language's calendar counts it."""
    first = int(get_format("FIRST_DAY_OF_WEEK")) % 7  # 0: Sunday, 1: Monday
    weekday = (today.weekday() + 1) % 7  # 0: Sunday
    days_into_week = (weekday - first) % 7
    return today + datetime.timedelta(days=6 - days_into_week)


def entry(session, part):
    zone = session_zone(session)
    starts = part.starts_at.astimezone(zone)
    ends = part.ends_at.astimezone(zone)
    return WeekEntry(
        session=session,
        part=part,
        # Shown as they are: local times of the session's zone.
        starts=starts.replace(tzinfo=None),
        ends=ends.replace(tzinfo=None),
        zone=zone_abbreviation(starts),
    )


def week_of(sessions, now=None):
    """``{"week_days": [WeekDay, ...], "week_ends": date, "later": [session, ...]}`` for
    ``sessions`` (scheduled, with their parts prefetched), from today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_ends = last_day_of_week(today)
    days = {}
    later = []
    for session in sessions:
        in_week = False
        for part in session.parts.all():
            item = entry(session, part)
            if today <= item.starts.date() <= week_ends:
                days.setdefault(item.starts.date(), []).append(item)
                in_week = True
        if not in_week and session.ends_at >= now:
            later.append(session)
    tomorrow = today + datetime.timedelta(days=1)
    return {
        "week_days": [
            WeekDay(day, day == today, day == tomorrow, sorted(items, key=_starts_at))
            for day, items in sorted(days.items())
        ],
        "week_ends": week_ends,
        "later": later,
    }
