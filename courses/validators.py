"""Checks of what people type or put in an address, shared by models, forms, filters and views.

Whatever arrives can be anything: a number far larger than the database stores (SQLite stops
at 2**63 - 1, PostgreSQL's ``integer`` at 2**31 - 1), a negative number, a word, a date at the
very end of the calendar. Django looks most such values up safely, but not all of them: the
key of a page (a workshop's key is its link to the page it extends) and a list of keys looked
up at once make the database driver fail on a number that is too large, and the last day of
year 9999, in the site's time zone, ends past the last moment a date and time can hold in UTC.
These checks say so before any query or save, so that the person is told at the field.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

#: The first and last days a date (or a date and time) may be: a day short of the calendar's
#: ends, so that the day's start and end fit in a date and time whatever the time zone.
EARLIEST_DAY = datetime.date.min + datetime.timedelta(days=1)
LATEST_DAY = datetime.date.max - datetime.timedelta(days=1)

#: Internal types of the integer fields whose range the database sets.
INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def key_field(model, to_field_name=None):
    """The field whose column holds ``model``'s key (through a page's link to its parent)."""
    field = model._meta.get_field(to_field_name) if to_field_name else model._meta.pk
    while field.is_relation:
        field = field.target_field
    return field


def fits_key(model, value, to_field_name=None):
    """Whether the database can look ``value`` up as a key of ``model``.

    A number out of the key column's range cannot be (it names nothing anyway); anything else
    is left to the lookup, which says whether it names something.
    """
    field = key_field(model, to_field_name)
    internal_type = field.get_internal_type()
    if internal_type not in INTEGER_TYPES:
        return True
    try:
        number = int(str(value).strip())
    except ValueError:
        return True
    connection = connections[router.db_for_read(model)]
    low, high = connection.ops.integer_field_range(internal_type)
    return (low is None or number >= low) and (high is None or number <= high)


class KeyCheckedChoicesMixin:
    """For a field choosing several records by key (looked up all at once): refuse, at the
    field, a number the database cannot be asked about as a key."""

    def _check_values(self, value):
        for item in value or ():
            if not fits_key(self.queryset.model, item, self.to_field_name):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


def readable_keys(model, values):
    """The ``values`` that can name a record of ``model``: those its key field reads, within
    the database's range. The others name nothing."""
    pk_field = model._meta.pk
    keys = []
    for value in values:
        try:
            key = pk_field.to_python(value)
        except ValidationError:
            continue
        if key is not None and fits_key(model, key):
            keys.append(key)
    return keys


def calendar_error():
    return ValidationError(
        _("Enter a date between %(earliest)s and %(latest)s."),
        code="out_of_range",
        params={
            "earliest": date_format(EARLIEST_DAY, "DATE_FORMAT"),
            "latest": date_format(LATEST_DAY, "DATE_FORMAT"),
        },
    )


def check_within_calendar(value):
    """Refuse a date, or a date and time, on the first or last day of the calendar."""
    if value is None:
        return value
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise calendar_error()
    return value


#: What may stand before the "@" of an address typed on a public form: the plain ASCII form
#: every mail system reads the same way (no quotes, no spaces, no letters outside ASCII).
_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


def normalise_email(value):
    """An address typed on a form, in the one form the database compares safely.

    Addresses are matched to members without regard to case. Outside ASCII, databases fold case
    in ways of their own (PostgreSQL upper-cases the Turkish dotless "ı" to "I"), so that two
    addresses reaching different mailboxes could match the same member. So the part before the
    "@" must be plain ASCII (no quoted forms either, which let one mailbox be written many
    ways), and a domain with other letters is written in its ASCII form ("xn--..."), in lower
    case. Raises ``ValidationError`` for what cannot be written so.
    """
    value = (value or "").strip()
    local, _at, domain = value.rpartition("@")
    if not local or not domain or not _LOCAL_PART.match(local):
        raise ValidationError(
            _(
                "Enter the address with plain letters, digits and . _ + - before the @, "
                "such as name@example.org."
            ),
            code="invalid",
        )
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValidationError(
            _("Enter a valid email address, such as name@example.org."), code="invalid"
        ) from None
    return f"{local}@{domain}"
