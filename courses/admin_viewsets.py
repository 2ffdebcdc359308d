"""What the snippet viewsets of the education apps are built on: views that answer any id or
value put in their address with a page or a "not found", never an error page.

Wagtail's own views fail on some of them (see ``courses.validators``):

- a chooser's answer for the record chosen looks its id up, and fails on a word; its answer
  for several records looks them all up at once, and fails on a number too large for SQLite;
  and a chooser that has no creation form fails when one is sent to it;
- the history's date filter fails on the last day of the calendar, and its filter of people
  on a number too large;
- deleting in bulk looks the records up all at once;
- the delete view deletes on an HTTP DELETE, without asking and past the view's own checks
  (a session people enrolled in is never deleted): it answers 405, the confirmation's POST is
  the one way to delete.
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.forms import CheckboxSelectMultiple
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from modelcluster.forms import BaseChildFormSet
from wagtail.admin.filters import DateRangePickerWidget, MultipleUserFilter
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import get_form_for_model
from wagtail.admin.views.generic import history
from wagtail.coreutils import get_content_languages
from wagtail.models import Locale
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views import snippets
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    SnippetCreateView,
)

from .admin_filters import DateFromToRangeFilter
from .admin_forms import SourceWorkshopsFormMixin, SourceWorkshopsFormSetMixin
from .admin_widgets import SnippetChooser
from .validators import fits_key, readable_keys

# Choosers


class KeyCheckedChosenMixin:
    """The answer for the record chosen: "not found" for an id no record can have."""

    def get_object(self, pk):
        if not readable_keys(self.model_class, [pk]):
            raise Http404
        return super().get_object(pk)


class KeyCheckedChosenMultipleMixin:
    """The answer for the records chosen: the ids no record can have name nothing."""

    def get_objects(self, pks):
        return super().get_objects(readable_keys(self.model_class, pks))


class ChosenView(KeyCheckedChosenMixin, SnippetChosenView):
    pass


class ChosenMultipleView(KeyCheckedChosenMultipleMixin, SnippetChosenMultipleView):
    pass


class CreateView(SnippetCreateView):
    """Creating a record from the chooser: "not found" when the chooser offers no form."""

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ChooserViewSet(SnippetChooserViewSet):
    """A snippet's chooser, whose widget and answers take any value."""

    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView
    base_widget_class = SnippetChooser


# History


class KnownLocaleMixin:
    """Wagtail looks up the ``locale`` an address asks for as it is typed: a code of no content
    language (with a NUL byte, which PostgreSQL refuses) would fail in the database rather than
    be not found."""

    def get_locale(self):
        code = self.request.GET.get("locale")
        if code and code not in get_content_languages():
            raise Http404
        return super().get_locale()


class IndexView(KnownLocaleMixin, snippets.IndexView):
    pass


class SnippetCreateView(KnownLocaleMixin, snippets.CreateView):
    pass


class DefaultLanguageMixin:
    """A chooser of the objects in the site's default language, not their translations."""

    i18n_enabled = False  # no filter by language: there is one

    def get_object_list(self):
        # By the locale itself, which the chooser's search may filter on.
        return self.model.objects.filter(locale=Locale.get_default())


class DefaultLanguageChooseView(DefaultLanguageMixin, ChooseView):
    pass


class DefaultLanguageChooseResultsView(DefaultLanguageMixin, ChooseResultsView):
    pass


class DefaultLanguageChooserViewSet(ChooserViewSet):
    """The chooser of a translatable snippet that rules read in the default language only
    (a workshop's program)."""

    choose_view_class = DefaultLanguageChooseView
    choose_results_view_class = DefaultLanguageChooseResultsView


class UserChoiceField(MultipleUserFilter.field_class):
    def _check_values(self, value):
        for item in value or ():
            if not fits_key(self.queryset.model, item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


class UserFilter(MultipleUserFilter):
    field_class = UserChoiceField


class HistoryFilterSet(history.HistoryFilterSet):
    user = UserFilter(label=_("User"), widget=CheckboxSelectMultiple)
    timestamp = DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)


class KeyCheckedHistoryMixin:
    """A history whose filters take any value."""

    filterset_class = HistoryFilterSet


class HistoryView(KeyCheckedHistoryMixin, snippets.HistoryView):
    pass


# Deleting


class RefuseHttpDeleteMixin:
    """Answer an HTTP DELETE with 405: records are deleted from the confirmation page."""

    http_method_names = [method for method in View.http_method_names if method != "delete"]


class DeleteView(RefuseHttpDeleteMixin, snippets.DeleteView):
    pass


class KeyCheckedDeleteBulkAction(DeleteBulkAction):
    """Deleting snippets in bulk; the ids in the address that name no record are left out."""

    @classmethod
    def get_queryset(cls, model, object_ids):
        return super().get_queryset(model, readable_keys(model, object_ids))


# Forms


@cache
def with_mixin(mixin, base):
    """``base`` (a form or formset class) with ``mixin`` first."""
    return type(base.__name__, (mixin, base), {"__module__": base.__module__})


def source_workshops_form_class(panel):
    """The form of ``panel`` (a viewset's edit handler, bound to its model), its fields and
    rows choosing workshops by their pages in the default language (see
    ``courses.admin_forms``)."""
    options = panel.get_form_options()
    for formset_options in (options.get("formsets") or {}).values():
        formset = formset_options.get("formset", BaseChildFormSet)
        formset_options["formset"] = with_mixin(SourceWorkshopsFormSetMixin, formset)
    base = panel.base_form_class or getattr(panel.model, "base_form_class", WagtailAdminModelForm)
    return get_form_for_model(
        panel.model, form_class=with_mixin(SourceWorkshopsFormMixin, base), **options
    )


class SnippetViewSet(snippets.SnippetViewSet):
    """Wagtail's ``SnippetViewSet`` with views that take any value: the base of every snippet
    viewset of the education apps.

    Its forms choose a workshop by its page in the site's default language: sessions, requests,
    program requirements and certifications all name that page (see ``courses.admin_forms``).
    """

    chooser_viewset_class = ChooserViewSet
    index_view_class = IndexView
    add_view_class = SnippetCreateView
    history_view_class = HistoryView
    delete_view_class = DeleteView

    def get_form_class(self, for_update=False):
        if self._edit_handler is None:
            return super().get_form_class(for_update)
        return source_workshops_form_class(self._edit_handler)
