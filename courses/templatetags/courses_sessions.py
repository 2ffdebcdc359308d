"""Template helpers for listing sessions and showing their times.

A session's times are shown in the session's own time zone, with the zone's abbreviation
("9 a.m. to 3 p.m. PT"), wherever they appear: pages, emails, PDFs, the admin. Every template
shows them through these helpers (``courses.timezones`` does the work), never through the
site's time zone.
"""

from typing import NamedTuple

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from ..timezones import in_zone, zone_abbreviation

register = template.Library()


@register.simple_tag
def session_availability(session):
    """Whether a listed session takes enrolments, and how many places are left.

    Returns ``{"state": "open" | "full" | "closed", "places_left": int}``. Uses the
    ``confirmed_count`` annotation of ``Session.objects.with_counts()`` when present, so that
    listings cost no query per session. Never reports fewer than zero places.
    """
    places_left = session.places_left
    if not session.is_registration_open():
        state = "closed"
    elif places_left:
        state = "open"
    else:
        state = "full"
    return {"state": state, "places_left": places_left}


class SessionTimes(NamedTuple):
    """A sitting's start and end as local times of its session's zone, and the zone's
    abbreviation as at its start."""

    start: object
    end: object
    zone: str


@register.simple_tag
def session_times(session, part=None):
    """``{% session_times session part as when %}``: ``when.start`` and ``when.end`` are
    local times of the session's zone, which ``date`` and ``time`` show as they are;
    ``when.zone`` is the zone's abbreviation ("PT"). Without ``part``, the whole session."""
    sitting = part if part is not None else session
    zone = session.zone
    start = in_zone(sitting.starts_at, zone)
    end = in_zone(sitting.ends_at, zone)
    return SessionTimes(start, end, zone_abbreviation(start) if start is not None else "")


@register.filter
def in_session_zone(value, session):
    """``{{ value|in_session_zone:session|date:"DATETIME_FORMAT" }}``: an aware datetime as a
    local time of the session's zone."""
    if value is None or session is None:
        return value
    return session.local(value)


@register.filter(name="zone_abbreviation")
def zone_abbreviation_filter(value):
    """The abbreviation of the zone a local time (``in_session_zone``) is in: "PT"."""
    if value is None:
        return ""
    return zone_abbreviation(value)


@register.simple_tag
def session_datetime(session, value=None, format_name="DATETIME_FORMAT"):
    """``{% session_datetime session value %}``: ``value`` (by default the session's start) in
    the session's zone and the active language, with the zone: "Nov. 2, 2026, 9 a.m. PT"."""
    if value is None:
        value = session.starts_at
    elif not value:
        return ""  # a missing variable in the template: nothing to show
    return session.format_local(value, format_name)


@register.simple_tag(takes_context=True)
def page_language(context, page):
    """The language code of ``page`` when it is not the active language (so that a title shown
    in a page of the other language is marked with ``lang``), else ``""``. A page fetched with
    its locale (``select_related``) says it itself; otherwise the locales are read once per
    request."""
    locale_id = getattr(page, "locale_id", None)
    if locale_id is None:
        return ""  # no page (a missing variable): nothing to mark
    if page._meta.get_field("locale").is_cached(page):
        code = page.locale.language_code
    else:
        code = _locale_codes(context).get(locale_id, "")
    return "" if not code or code == get_language() else code


def _locale_codes(context):
    """``{locale id: language code}``, read once per request."""
    request = context.get("request")
    codes = getattr(request, "_locale_codes", None)
    if codes is None:
        from wagtail.models import Locale

        codes = dict(Locale.objects.values_list("pk", "language_code"))
        if request is not None:
            request._locale_codes = codes
    return codes


@register.simple_tag(takes_context=True)
def page_title(context, page):
    """``{% page_title workshop as title %}``: the page's title to show in a sentence of the
    active language, marked with ``lang`` when the page is in another language (a workshop
    not translated yet): ``<span lang="en">Grievance handling</span>``."""
    if not page:
        return ""
    code = page_language(context, page)
    if code:
        return format_html('<span lang="{}">{}</span>', code, page.title)
    return page.title
