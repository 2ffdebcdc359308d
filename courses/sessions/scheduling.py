"""Who may facilitate a session, and whether a facilitator is already booked at that time.

Two rules hold wherever facilitators are given a session (the session form in the admin, the
session made from a local's request, the facilitator assigned to a request):

- **Qualified**: a facilitator is an active user who may be assigned sessions (who holds
  ``courses.facilitate_sessions``, :data:`~courses.roles.FACILITATOR_PERMISSION`, as the
  Facilitators group does; superusers too) and who is certified to deliver the workshop and
  facilitates in the session's language. Certification and languages belong to the app that
  keeps facilitators' profiles (``facilitators``), which ``courses`` never imports: it answers
  through the ``filter_session_facilitators`` Wagtail hook. Each function registered there is
  called as ``fn(users, workshop=..., language=...)`` with a queryset of users and returns
  those among them (a queryset) who may deliver ``workshop`` (None: any) in ``language``
  (None: any). With no function registered (a site without ``facilitators``), nothing narrows
  the choice: everyone who may be assigned sessions qualifies for every workshop and language.
- **Free**: nobody facilitates two sessions at once. :func:`clashes` finds a facilitator's
  sessions (cancelled ones aside) with a date and time that overlaps a span; a session that
  ends at 12:00 and one that starts at 12:00 do not overlap.
"""

import zoneinfo
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from wagtail import hooks

from ..choices import Language, SessionStatus
from ..models import SessionPart
from ..roles import FACILITATOR_PERMISSION, users_with_permission
from ..timezones import zone_abbreviation

#: The hook through which the app that keeps facilitators' profiles narrows who qualifies.
FILTER_FACILITATORS_HOOK = "filter_session_facilitators"


def person_name(user):
    return user.get_full_name() or user.get_username()


# Who qualifies


def facilitation_pool():
    """Everyone who may ever facilitate: the active users who hold
    ``courses.facilitate_sessions``, themselves or through a group. Superusers hold every
    permission but are listed only when granted this one: they administer the site, they are
    not facilitators by being so."""
    return users_with_permission(FACILITATOR_PERMISSION, include_superusers=False)


def qualified_users(users, workshop=None, language=None):
    """Those of ``users`` (a queryset) who may deliver ``workshop`` in ``language``, as the
    ``filter_session_facilitators`` hook says. None for either means "not known yet": that
    condition narrows nothing."""
    for narrow in hooks.get_hooks(FILTER_FACILITATORS_HOOK):
        users = narrow(users, workshop=workshop, language=language)
    return users


def qualified_facilitators(workshop=None, language=None):
    """Those of the :func:`facilitation_pool` who may deliver ``workshop`` in ``language``, by
    name."""
    return (
        qualified_users(facilitation_pool(), workshop, language)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def language_name(language):
    try:
        return Language(language).label
    except ValueError:
        return language


def qualification_refusals(users, workshop, language=None):
    """``{user: message}`` for each of ``users`` who may not deliver ``workshop`` in
    ``language``: not certified for the workshop, or not facilitating in that language."""
    users = list(users)
    if not users or workshop is None:
        return {}
    candidates = get_user_model().objects.filter(pk__in=[user.pk for user in users])
    certified = set(qualified_users(candidates, workshop).values_list("pk", flat=True))
    speaking = certified
    if language:
        speaking = set(qualified_users(candidates, workshop, language).values_list("pk", flat=True))
    refusals = {}
    for user in users:
        if user.pk not in certified:
            refusals[user] = _("%(person)s is not certified to deliver %(workshop)s.") % {
                "person": person_name(user),
                "workshop": workshop.title,
            }
        elif user.pk not in speaking:
            refusals[user] = _("%(person)s does not facilitate in %(language)s.") % {
                "person": person_name(user),
                "language": language_name(language),
            }
    return refusals


# Who is free


def overlapping(spans):
    """A filter on session parts that overlap any of ``spans`` (``(starts_at, ends_at)``)."""
    condition = Q(pk__in=[])
    for starts_at, ends_at in spans:
        if starts_at is not None and ends_at is not None and starts_at < ends_at:
            condition |= Q(starts_at__lt=ends_at, ends_at__gt=starts_at)
    return condition


def clashing_parts(user, spans, exclude=None):
    """The parts of sessions ``user`` facilitates (not cancelled, not ``exclude``) that overlap
    any of ``spans``, soonest first, with their session and workshop."""
    parts = (
        SessionPart.objects.filter(overlapping(spans), session__facilitators=user)
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session__workshop")
        .order_by("starts_at", "pk")
    )
    if exclude is not None and exclude.pk is not None:
        parts = parts.exclude(session_id=exclude.pk)
    return parts


def clashes(user, starts_at, ends_at, exclude=None):
    """The sessions ``user`` facilitates whose dates and times overlap ``starts_at`` to
    ``ends_at``: cancelled sessions and ``exclude`` (the session being edited) aside."""
    sessions = []
    for part in clashing_parts(user, [(starts_at, ends_at)], exclude=exclude):
        if part.session not in sessions:
            sessions.append(part.session)
    return sessions


@dataclass(frozen=True)
class Clash:
    """``user`` already facilitates ``part`` of another session at the same time."""

    user: object
    part: SessionPart

    @property
    def session(self):
        return self.part.session

    @property
    def message(self):
        return clash_message(self.user, self.part)


def facilitator_clashes(users, spans, exclude=None):
    """The first :class:`Clash` of each of ``users`` over ``spans``; free users have none."""
    spans = [span for span in spans if span[0] is not None and span[1] is not None]
    if not spans:
        return []
    found = []
    for user in users:
        part = clashing_parts(user, spans, exclude=exclude).first()
        if part is not None:
            found.append(Clash(user, part))
    return found


def session_zone(session):
    try:
        return zoneinfo.ZoneInfo(getattr(session, "time_zone", "") or "")
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return timezone.get_current_timezone()


def when_text(part):
    """A part's date and times in its session's time zone, such as "Tuesday, March 4, 2031,
    9 a.m. to 3 p.m. ET"."""
    zone = session_zone(part.session)
    starts = part.starts_at.astimezone(zone)
    ends = part.ends_at.astimezone(zone)
    if starts.date() == ends.date():
        return _("%(weekday)s, %(date)s, %(start)s to %(end)s %(zone)s") % {
            "weekday": date_format(starts, "l"),
            "date": date_format(starts, "DATE_FORMAT"),
            "start": time_format(starts, "TIME_FORMAT"),
            "end": time_format(ends, "TIME_FORMAT"),
            "zone": zone_abbreviation(ends),
        }
    return _("%(start)s to %(end)s %(zone)s") % {
        "start": date_format(starts, "DATETIME_FORMAT"),
        "end": date_format(ends, "DATETIME_FORMAT"),
        "zone": zone_abbreviation(ends),
    }


def clash_message(user, part):
    session = part.session
    return _(
        "%(person)s already facilitates %(workshop)s on %(when)s (session %(session)s). Choose "
        "another facilitator, or change that session first."
    ) % {
        "person": person_name(user),
        "workshop": session.workshop.title,
        "when": when_text(part),
        "session": session.pk,
    }


def spans_of(parts):
    """``(starts_at, ends_at)`` of ``parts`` (session parts, saved or not)."""
    return [(part.starts_at, part.ends_at) for part in parts]
