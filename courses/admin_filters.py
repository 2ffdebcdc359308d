"""Filters for the admin's listings and reports that answer any address with the listing.

A filter's value comes from the address bar, so it can be anything (see ``courses.validators``):
a number far larger than the database stores, a negative number, a word, a date at the very
end of the calendar. These filters refuse a value the database cannot be asked about before
any query, with the message at the filter: the listing is shown unfiltered.

Filters on records that grow with the union's history (sessions, locals, workshops) are chosen
with Wagtail's choosers (:class:`ChooserFilter`): the filter renders the chosen record alone,
never a list of every record, so a listing costs the same queries and the same page size
however many there are. The chooser's modal searches the records; the filter's queryset says
which of them the filter accepts, and the chosen record's label is looked up only there.
"""

from django.core.exceptions import ValidationError

import django_filters
from django_filters import fields as filter_fields

from .admin_widgets import KeyCheckedChooserMixin, PageChooser, SnippetChooser
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


class ChooserField(ModelChoiceField):
    """A model choice field shown by a chooser widget, which it hands its queryset: the widget
    shows a chosen record only if the field would accept it."""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self._queryset

    queryset = property(ModelChoiceField._get_queryset, _set_queryset)


class FilterChooserMixin(KeyCheckedChooserMixin):
    """A chooser in a listing's filters: it looks the chosen record up within ``queryset`` (set
    by :class:`ChooserField`: the records the user may see), and shows nothing chosen for any
    other value, so that an address cannot reveal the label of a record the user may not see.
    """

    queryset = None
    show_edit_link = False

    def get_instance(self, value):
        if self.queryset is None or value is None or isinstance(value, self.model_class):
            return super().get_instance(value)
        if not fits_key(self.model_class, value):
            return None
        try:
            return self.queryset.filter(pk=value).first()
        except (ValueError, TypeError, ValidationError):
            return None


class SnippetFilterChooser(FilterChooserMixin, SnippetChooser):
    pass


class PageFilterChooser(FilterChooserMixin, PageChooser):
    pass


class ChooserFilter(ModelChoiceFilter):
    """A filter on one record, chosen with a Wagtail chooser rather than a list of them all.

    Give it the ``queryset`` of the records it accepts (or a function of the request returning
    it) and a chooser ``widget``: :class:`SnippetFilterChooser` for a snippet,
    :class:`PageFilterChooser` for pages, or use :func:`snippet_chooser_filter` and
    :func:`page_chooser_filter`.
    """

    field_class = ChooserField


def snippet_chooser_filter(model, queryset, **kwargs):
    """A :class:`ChooserFilter` on the snippet ``model``, among ``queryset``."""
    return ChooserFilter(queryset=queryset, widget=SnippetFilterChooser(model), **kwargs)


def page_chooser_filter(model, queryset, **kwargs):
    """A :class:`ChooserFilter` on pages of type ``model``, among ``queryset``."""
    return ChooserFilter(
        queryset=queryset, widget=PageFilterChooser(target_models=[model]), **kwargs
    )
