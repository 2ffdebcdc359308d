"""Each session happens in its own time zone: its times are entered, shown, emailed and printed
there, whatever the site's own zone (``TIME_ZONE``) or the reader's.

Times are stored as instants (UTC in the database). This module turns them into the session's
local time, names the zone the way people in Canada write it ("PT", "ET" ...), and reads times
typed in a form as local times of the session's zone:

- :func:`in_zone` gives a datetime that templates show as it is, never converted again to the
  site's zone (templates convert every aware datetime to the current zone otherwise);
- :func:`zone_abbreviation` names the zone at a given moment, translated;
- :func:`format_in_zone` writes a date and time with its zone, for lists and admin pages;
- :class:`ZonedDateTimeField` is a form field whose typed times are local times of a zone that
  the form sets, refusing at the field a time that happens twice or not at all that day.
"""

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import TimeZone
from .validators import check_within_calendar

#: How each zone a session may be in is written after a time: the same all year (Pacific time
#: is "PT" in summer and winter), as the union writes it in English and French. Zones that keep
#: standard time all year say so.
ABBREVIATIONS = {
    TimeZone.NEWFOUNDLAND: pgettext_lazy("time zone", "NT"),
    TimeZone.ATLANTIC: pgettext_lazy("time zone", "AT"),
    TimeZone.EASTERN: pgettext_lazy("time zone", "ET"),
    TimeZone.CENTRAL: pgettext_lazy("time zone", "CT"),
    TimeZone.SASKATCHEWAN: pgettext_lazy("time zone", "CST"),
    TimeZone.MOUNTAIN: pgettext_lazy("time zone", "MT"),
    TimeZone.PACIFIC: pgettext_lazy("time zone", "PT"),
    TimeZone.YUKON: pgettext_lazy("time zone", "MST"),
}


def default_zone_name():
    """The zone of a session nobody chose one for: the site's ``TIME_ZONE`` when a session
    may be in it, else Eastern time."""
    name = getattr(settings, "TIME_ZONE", "")
    return name if name in TimeZone.values else TimeZone.EASTERN.value


def zone_named(name):
    """The ``ZoneInfo`` of an IANA name; the default zone's for an empty or unknown name."""
    for candidate in (name, default_zone_name()):
        if not candidate:
            continue
        try:
            return zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return timezone.get_default_timezone()


def suggested_zone_name(local=None):
    """The zone suggested for a session: that of the division of the ``local`` it is for, else
    the default zone."""
    division = getattr(local, "division", None) if local is not None else None
    name = getattr(division, "time_zone", "")
    return name if name in TimeZone.values else default_zone_name()


class ZonedDateTime(datetime.datetime):
    """A datetime already in the zone it is to be shown in.

    Django's templates show every aware datetime in the current time zone; this one they show
    as it is (the same flag as the ``timezone`` template filter sets).
    """

    convert_to_local_time = False


def in_zone(value, zone):
    """``value`` (an aware datetime) as the local time of ``zone``, for templates and text.

    A naive value is taken to be in the site's zone, as Django does. None stays None.
    """
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    local = value.astimezone(zone)
    return ZonedDateTime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
        tzinfo=local.tzinfo,
        fold=local.fold,
    )


def zone_abbreviation(value, zone=None):
    """How the zone of ``value`` is written after a time of day ("PT", "ET" ...).

    ``value`` is a datetime in that zone (or in any zone, with ``zone`` given). A zone without
    a usual abbreviation is written as the zone itself says (such as "UTC").
    """
    if zone is not None:
        value = in_zone(value, zone)
    key = getattr(value.tzinfo, "key", "")
    if key in ABBREVIATIONS:
        return str(ABBREVIATIONS[key])
    return value.tzname() or key


def format_in_zone(value, zone, format_name="DATETIME_FORMAT"):
    """``value`` in ``zone``, in the active language's ``format_name``, followed by the zone:
    "Nov. 2, 2026, 9 a.m. PT". Empty for None."""
    if value is None:
        return ""
    local = in_zone(value, zone)
    return f"{date_format(local, format_name)} {zone_abbreviation(local)}"


def is_ambiguous_or_imaginary(naive, zone):
    """Whether the wall-clock time ``naive`` happens twice in ``zone`` (clocks go back) or not
    at all (clocks go forward)."""
    return zone.utcoffset(naive.replace(fold=0)) != zone.utcoffset(naive.replace(fold=1))


def clock_change_error(naive, zone):
    return ValidationError(
        _(
            "Clocks change at %(time)s on %(date)s in this time zone, so that time happens "
            "twice or not at all: choose another time."
        ),
        code="ambiguous_timezone",
        params={
            "time": naive.strftime("%H:%M"),
            "date": date_format(naive.date(), "DATE_FORMAT"),
        },
    )


def make_aware_in(naive, zone):
    """``naive`` (a date and time read on a clock in ``zone``) as an aware datetime.

    Raises ``ValidationError`` for a time that happens twice or not at all that day, and for a
    day at either end of the calendar (its moments do not all fit in UTC).
    """
    check_within_calendar(naive)
    if is_ambiguous_or_imaginary(naive, zone):
        raise clock_change_error(naive, zone)
    return naive.replace(tzinfo=zone)


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed as the local time of ``zone``, which the form sets.

    It shows an aware value in that zone, and reads what is typed there. A time that happens
    twice or not at all (when clocks change) is refused at the field, as is a day at either end
    of the calendar.
    """

    def __init__(self, *, zone=None, **kwargs):
        super().__init__(**kwargs)
        self.zone = zone or zone_named("")

    @classmethod
    def replacing(cls, field, zone):
        """This kind of field in place of ``field`` (a ``DateTimeField``), reading ``zone``."""
        return cls(
            zone=zone,
            required=field.required,
            widget=field.widget,
            label=field.label,
            initial=field.initial,
            help_text=field.help_text,
            error_messages=field.error_messages,
            show_hidden_initial=field.show_hidden_initial,
            validators=field.validators,
            localize=field.localize,
            disabled=field.disabled,
            label_suffix=field.label_suffix,
        )

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = value.astimezone(self.zone).replace(tzinfo=None)
        return super().prepare_value(value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            result = value
        elif isinstance(value, datetime.date):
            result = datetime.datetime(value.year, value.month, value.day)
        else:
            try:
                result = parse_datetime(value.strip())
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if not result:
                # The field's input formats, read as a clock shows them (no zone).
                result = super(forms.DateTimeField, self).to_python(value)
        if timezone.is_aware(result):
            return check_within_calendar(result)
        return make_aware_in(result, self.zone)
