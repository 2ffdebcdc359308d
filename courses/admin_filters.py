"""Filters for the admin's listings and reports that answer any address with the listing.

A filter's value comes from the address bar, so it can be anything (see ``courses.validators``):
a number far larger than the database stores, a negative number, a word, a date at the very
end of the calendar. These filters refuse a value the database cannot be asked about before
any query, with the message at the filter: the listing is shown unfiltered.
"""

from django.core.exceptions import ValidationError

import django_filters
from django_filters import fields as filter_fields

from .validators import EARLIEST_DAY, LATEST_DAY, KeyCheckedChoicesMixin, calendar_error, fits_key


class ModelChoiceField(filter_fields.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not fits_key(
            self.queryset.model, value, self.to_field_name
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class ModelMultipleChoiceField(KeyCheckedChoicesMixin, filter_fields.ModelMultipleChoiceField):
    pass


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """``django_filters.ModelChoiceFilter``, safe with any value in the address."""

    field_class = ModelChoiceField


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """``django_filters.ModelMultipleChoiceFilter``, safe with any value in the address."""

    field_class = ModelMultipleChoiceField


class DateRangeField(filter_fields.DateRangeField):
    def compress(self, data_list):
        for day in data_list or ():
            if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
                raise calendar_error()
        return super().compress(data_list)


class DateFromToRangeFilter(django_filters.DateFromToRangeFilter):
    """``django_filters.DateFromToRangeFilter``, safe with any date in the address."""

    field_class = DateRangeField
