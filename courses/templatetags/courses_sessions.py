"""Template helpers for listing sessions."""

from django import template

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
