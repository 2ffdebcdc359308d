"""Widgets and panels of the admin's forms that show a form again whatever was sent in it.

When a form is refused, it is shown again with what was typed. Two parts of Wagtail fail on
a value no record could have (see ``courses.validators``):

- a chooser looks up the record its value names, to show it, and fails on a word or on a
  number the database cannot be asked about: these choosers show nothing chosen instead, and
  the field says that the choice is not valid;
- an inline panel reads the hidden id of each of its rows, and fails on one that is not a
  number or is missing: its rows are then taken as new ones, and the id's field refuses them.
"""

from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet

from modelcluster.forms import BaseChildFormSet
from wagtail.admin import panels
from wagtail.admin.widgets import AdminPageChooser
from wagtail.images.widgets import AdminImageChooser
from wagtail.snippets.widgets import AdminSnippetChooser

from .validators import fits_key


class KeyCheckedChooserMixin:
    """A chooser that shows nothing chosen for a value that names no record."""

    def get_instance(self, value):
        if value is None or isinstance(value, self.model_class):
            return super().get_instance(value)
        if not fits_key(self.model_class, value):
            return None
        try:
            return super().get_instance(value)
        except (ValueError, TypeError, ValidationError):
            return None


class PageChooser(KeyCheckedChooserMixin, AdminPageChooser):
    pass


class SnippetChooser(KeyCheckedChooserMixin, AdminSnippetChooser):
    pass


class ImageChooser(KeyCheckedChooserMixin, AdminImageChooser):
    pass


class ChildFormSet(BaseChildFormSet):
    """The rows of an inline panel, each row read whatever its hidden id says."""

    def _construct_form(self, i, **kwargs):
        if self.is_bound and i < self.initial_form_count() and not self._has_readable_id(i):
            # A row whose id is missing or no number: a new row, which its id field refuses.
            kwargs["instance"] = self.model()
            return BaseFormSet._construct_form(self, i, **kwargs)
        return super()._construct_form(i, **kwargs)

    def _has_readable_id(self, i):
        key = f"{self.add_prefix(i)}-{self.model._meta.pk.name}"
        if key not in self.data:
            return False
        value = self.data[key]
        if value == "":
            return True
        try:
            self._get_to_python(self.model._meta.pk)(value)
        except ValidationError:
            return False
        return True


class InlinePanel(panels.InlinePanel):
    """Wagtail's ``InlinePanel``, whose rows are read whatever their hidden ids say."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = ChildFormSet
        return options
