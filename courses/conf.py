"""Settings of the courses app, each with a default so that another site can install it as is."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def base_template():
    """The template that public pages of the education apps extend."""
    return getattr(settings, "EDUCATION_BASE_TEMPLATE", "base.html")


def workshop_subpage_types():
    """Page types allowed under a workshop (``"app_label.ModelName"``):
    ``EDUCATION_WORKSHOP_SUBPAGE_TYPES``. None by default, meaning the page types of the
    installed apps made for a workshop, those that name ``courses.WorkshopPage`` among their
    ``parent_page_types`` (such as the facilitators app's guide; see
    ``WorkshopPage.clean_subpage_models``)."""
    return getattr(settings, "EDUCATION_WORKSHOP_SUBPAGE_TYPES", None)


def _duration(name, default):
    """A length of time from the setting ``name``: a ``timedelta``, or a number of minutes."""
    value = getattr(settings, name, default)
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(minutes=value)
    raise ImproperlyConfigured(f"{name} must be a timedelta or a number of minutes, not {value!r}.")


def attendance_opens_before():
    """How long before a session (or each part of a session of several parts) starts its
    attendance can be taken and walk-ins added: ``EDUCATION_ATTENDANCE_OPENS_BEFORE``, a
    ``timedelta`` or a number of minutes. One hour by default."""
    return _duration("EDUCATION_ATTENDANCE_OPENS_BEFORE", timedelta(hours=1))


def closing_opens_after_last_part_starts():
    """How long after its last part starts a session can be closed:
    ``EDUCATION_CLOSING_OPENS_AFTER_LAST_PART_STARTS``, a ``timedelta`` or a number of minutes.
    Zero by default: as soon as the last part has started. Education staff may close earlier,
    giving the reason."""
    return _duration("EDUCATION_CLOSING_OPENS_AFTER_LAST_PART_STARTS", timedelta(0))


def program_year_start():
    """The month and day the union's education program year starts, as ``(month, day)``:
    ``EDUCATION_PROGRAM_YEAR_START``, a ``"MM-DD"`` string or a ``(month, day)`` pair.
    September 1 (``"09-01"``) by default: a union's education program usually runs from
    September to August. The staff reports cover the current program year until someone
    chooses another period. ``None`` turns that off: the reports then cover every session on
    record until a period is chosen."""
    value = getattr(settings, "EDUCATION_PROGRAM_YEAR_START", "09-01")
    if value is None:
        return None
    try:
        if isinstance(value, str):
            month, day = (int(part) for part in value.split("-"))
        else:
            month, day = value
        date(2001, month, day)  # a year without February 29: the day exists every year
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(
            "EDUCATION_PROGRAM_YEAR_START must be a month and day such as '09-01', a "
            f"(month, day) pair or None, not {value!r}."
        ) from error
    return month, day


def public_page_cache_seconds():
    """How long a public page (home, catalogue, workshop page) rendered for a visitor who is
    not signed in may be served again from the cache: ``EDUCATION_PUBLIC_PAGE_CACHE_SECONDS``.
    60 by default; 0 turns the cache off. A page is rendered again at once when anything it
    shows changes (a page published, a seat taken or freed, a session changed) and when a
    session it lists starts or closes its registration, whichever comes first."""
    return getattr(settings, "EDUCATION_PUBLIC_PAGE_CACHE_SECONDS", 60)
