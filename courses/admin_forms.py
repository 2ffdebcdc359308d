"""Forms of the education staff's admin screens for sessions and enrolments, the choice of a
workshop by its page in the site's default language, and the check that keeps one person's
edit from silently replacing another's."""

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, time_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import registry as log_registry
from wagtail.models import Locale

from .choices import Language, TimeZone
from .models import WorkshopPage
from .timezones import (
    ZonedDateTimeField,
    default_zone_name,
    format_in_zone,
)
from .validators import KeyCheckedChoicesMixin, fits_key, readable_keys


def person_name(user):
    return user.get_full_name() or user.get_username()


class KeyCheckedModelChoiceField(forms.ModelChoiceField):
    """``forms.ModelChoiceField`` that refuses, at its field, a number the database cannot be
    asked about as a key (see ``courses.validators``)."""

    def to_python(self, value):
        if value not in self.empty_values and not fits_key(
            self.queryset.model, value, self.to_field_name
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class KeyCheckedModelMultipleChoiceField(KeyCheckedChoicesMixin, forms.ModelMultipleChoiceField):
    """``forms.ModelMultipleChoiceField`` that refuses, at its field, a number the database
    cannot be asked about as a key: the choices are looked up all at once."""


class OfferedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices a field shows: ``queryset``, which may be narrower than what it accepts."""

    def __init__(self, field, queryset):
        super().__init__(field)
        self.queryset = queryset


class OfferedChoicesMixin:
    """A model choice field that shows fewer choices than it accepts: the form then explains,
    at the field, why a choice it does not show is refused (rather than "not one of the
    available choices")."""

    def offer(self, queryset, notes=None):
        """Show only ``queryset``; ``notes`` (``{key: text}``) are added to those choices'
        labels."""
        self.notes = notes or {}
        self.widget.choices = OfferedChoiceIterator(self, queryset)

    def label_from_instance(self, obj):
        label = person_name(obj)
        note = getattr(self, "notes", {}).get(obj.pk)
        return f"{label} ({note})" if note else label


class FacilitatorChoiceField(OfferedChoicesMixin, KeyCheckedModelMultipleChoiceField):
    pass


# Workshops in the default language
#
# A workshop's page is translated, each language with a page of its own. Sessions, requests,
# program requirements and facilitators' certifications all name the page in the site's default
# language, and are matched to one another by its key: a session scheduled on the French page
# would find no facilitator certified for it, and count towards no program. So the admin's
# forms choose a workshop among the pages in the default language only.


def language_name(locale):
    """The name of ``locale``'s language, in the reader's language."""
    try:
        return Language(locale.language_code).label
    except ValueError:
        return locale.get_display_name()


class SourceWorkshopChoiceMixin:
    """A field choosing workshops that shows, and accepts, their pages in the default language.

    It still finds any workshop, so that the page of a translation is refused saying which page
    to choose instead (rather than "not one of the available choices"); one already chosen is
    shown, named with its language, until it is replaced.
    """

    @cached_property
    def default_locale(self):
        return Locale.get_default()

    def offer_source_workshops(self, kept=()):
        """Show the workshops in the default language, and those whose keys are ``kept``."""
        offered = self.queryset.filter(
            models.Q(locale=self.default_locale) | models.Q(pk__in=list(kept))
        ).order_by("title", "pk")
        self.widget.choices = OfferedChoiceIterator(self, offered.select_related("locale"))

    def label_from_instance(self, obj):
        if obj.locale_id == self.default_locale.pk:
            return obj.title
        return f"{obj.title} ({language_name(obj.locale)})"

    def refuse_translations(self, workshops):
        default = self.default_locale
        translations = [workshop for workshop in workshops if workshop.locale_id != default.pk]
        if not translations:
            return
        sources = {
            page.translation_key: page
            for page in WorkshopPage.objects.filter(
                locale=default,
                translation_key__in=[workshop.translation_key for workshop in translations],
            )
        }
        errors = []
        for workshop in translations:
            params = {
                "title": workshop.title,
                "language": language_name(workshop.locale),
                "default": language_name(default),
            }
            source = sources.get(workshop.translation_key)
            if source is None:
                message = _(
                    "“%(title)s” is a page in %(language)s: choose a workshop by its page in "
                    "%(default)s."
                )
            else:
                params["source"] = source.title
                message = _(
                    "“%(title)s” is the workshop’s page in %(language)s: choose its page in "
                    "%(default)s, “%(source)s”."
                )
            errors.append(ValidationError(message, code="translation", params=params))
        raise ValidationError(errors)


class SourceWorkshopChoiceField(SourceWorkshopChoiceMixin, KeyCheckedModelChoiceField):
    def validate(self, value):
        super().validate(value)
        if value is not None:
            self.refuse_translations([value])


class SourceWorkshopsChoiceField(SourceWorkshopChoiceMixin, KeyCheckedModelMultipleChoiceField):
    def clean(self, value):
        workshops = super().clean(value)
        self.refuse_translations(workshops.select_related("locale"))
        return workshops


def chooses_workshops(field):
    return isinstance(field, forms.ModelChoiceField) and issubclass(
        field.queryset.model, WorkshopPage
    )


def source_workshop_field(field):
    """A field like ``field`` (one choosing workshops) that chooses them in the default
    language: a list for one workshop, the same widget for several."""
    options = {
        "queryset": field.queryset,
        "required": field.required,
        "label": field.label,
        "initial": field.initial,
        "help_text": field.help_text,
        "error_messages": field.error_messages,
        "disabled": field.disabled,
        "to_field_name": field.to_field_name,
    }
    if isinstance(field, forms.ModelMultipleChoiceField):
        return SourceWorkshopsChoiceField(widget=type(field.widget)(), **options)
    return SourceWorkshopChoiceField(
        widget=forms.Select(), empty_label=field.empty_label, **options
    )


def as_list(value):
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, models.QuerySet)):
        return list(value)
    return [value]


def choose_source_workshops(form):
    """Make each of ``form``'s fields that chooses workshops choose them in the default
    language (see :class:`SourceWorkshopChoiceMixin`). The workshops it holds, or was sent,
    stay shown."""
    for name, field in list(form.fields.items()):
        if isinstance(field, SourceWorkshopChoiceMixin) or not chooses_workshops(field):
            continue
        replacement = source_workshop_field(field)
        kept = as_list(form.get_initial_for_field(field, name))
        if form.is_bound:
            key = form.add_prefix(name)
            sent = form.data.getlist(key) if hasattr(form.data, "getlist") else form.data.get(key)
            kept += as_list(sent)
        keys = readable_keys(WorkshopPage, [key_of(workshop) for workshop in kept])
        replacement.offer_source_workshops(keys)
        form.fields[name] = replacement
        # A field already shown (to note what the form was opened on) is shown again anew.
        form._bound_fields_cache.pop(name, None)


class SourceWorkshopsFormMixin:
    """A form whose fields choosing workshops choose them in the default language (see
    :func:`choose_source_workshops`); its rows' fields need :class:`SourceWorkshopsFormSetMixin`
    on their formsets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choose_source_workshops(self)


class SourceWorkshopsFormSetMixin:
    """A formset whose rows choose workshops in the default language, the empty row that adds
    one too."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        choose_source_workshops(form)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        choose_source_workshops(form)
        return form


#: The hidden fields that carry the version of the record the form was opened on, and a signed
#: copy of what the form showed then.
OPENED_VERSION = "opened_version"


OPENED_VALUES = "opened_values"


OPENED_FIELDS = (OPENED_VERSION, OPENED_VALUES)


SNAPSHOT_SALT = "courses.admin_forms.opened_values"


#: Fields of a child formset that say nothing about its rows' values.
FORMSET_FORM_FIELDS = {"id", "DELETE", "ORDER"}


class OpenedStateField(forms.CharField):
    """A hidden field about the form itself: it never counts as a change to the record."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def has_changed(self, initial, data):
        return False


@dataclass(frozen=True)
class Change:
    """One value someone else saved after the form was opened: ``theirs`` is saved now,
    ``opened`` is what the form showed. ``field_name`` names the form's field, if it has one."""

    label: str
    theirs: str
    opened: str
    field_name: str = ""


@dataclass(frozen=True)
class Entry:
    """One value a form shows: ``key`` as JSON can compare it, ``text`` as a person reads it."""

    key: object
    text: str
    label: str
    field_name: str = ""


class EditConflict(Exception):
    """The record was saved by someone else after the form was opened on it.

    ``current`` is the record as saved now; ``changes`` lists what differs from what the form
    showed when it was opened (None when that is not known); ``snapshot`` is what a form opened
    now would show; ``people`` are those who changed it meanwhile, when the history says.
    """

    def __init__(self, current, changes, snapshot, people=()):
        super().__init__(str(current))
        self.current = current
        self.changes = changes
        self.snapshot = snapshot
        self.people = list(people)


def comparable(value):
    """``value`` as JSON holds it, equal for equal values (a record by its key, times in UTC)."""
    if isinstance(value, models.Model):
        return comparable(value.pk)
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        return sorted((comparable(item) for item in value), key=str)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def person_label(obj):
    """A user by their name, anything else as it names itself."""
    if isinstance(obj, get_user_model()):
        return person_name(obj)
    return str(obj)


def readable(value):
    """A value as the admin writes it, in the site's time zone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, datetime.time):
        return time_format(value, "TIME_FORMAT")
    if isinstance(value, models.Model):
        return person_label(value)
    return str(value)


def flat_choices(choices):
    labels = {}
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            labels.update(flat_choices(label))
        else:
            labels[str(value)] = label
    return labels


def key_of(value):
    return value.pk if isinstance(value, models.Model) else value


def readable_field_value(field, value):
    """``value`` (a field's initial value) as the field shows it."""
    if value is None or value == "" or value == [] or value == ():
        return ""
    if isinstance(field, forms.ModelMultipleChoiceField):
        chosen = field.queryset.model._default_manager.filter(pk__in=[key_of(v) for v in value])
        return ", ".join(sorted(str(field.label_from_instance(obj)) for obj in chosen))
    if isinstance(field, forms.ModelChoiceField):
        chosen = value
        if not isinstance(chosen, models.Model):
            chosen = field.queryset.model._default_manager.filter(pk=value).first()
        return str(field.label_from_instance(chosen)) if chosen is not None else ""
    if isinstance(field, forms.BooleanField):
        return readable(bool(value))
    if isinstance(field, ZonedDateTimeField) and isinstance(value, datetime.datetime):
        return format_in_zone(value, field.zone)
    if isinstance(field, forms.ChoiceField):
        return str(flat_choices(field.choices).get(str(value), value))
    return readable(value)


def form_entries(form):
    """What ``form`` shows as its initial values, field by field, then its child formsets."""
    entries = {}
    for name, field in form.fields.items():
        if name in OPENED_FIELDS:
            continue
        initial = form[name].initial
        entries[f"field:{name}"] = Entry(
            comparable(initial),
            readable_field_value(field, initial),
            str(form[name].label or name),
            field_name=name,
        )
    for name, formset in getattr(form, "formsets", {}).items():
        keys, texts = [], []
        for child in formset.initial_forms:
            names = [
                child_name
                for child_name in child.fields
                if child_name not in FORMSET_FORM_FIELDS and not child[child_name].is_hidden
            ]
            keys.append([comparable(child[child_name].initial) for child_name in names])
            values = [
                readable_field_value(child.fields[child_name], child[child_name].initial)
                for child_name in names
            ]
            texts.append(" – ".join(value for value in values if value))
        entries[f"formset:{name}"] = Entry(
            keys, "; ".join(texts), str(capfirst(formset.model._meta.verbose_name_plural))
        )
    return entries


def model_entries(instance, names):
    """The values of ``instance``'s fields ``names``, as its admin pages show them."""
    entries = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.choices:
            text = str(getattr(instance, f"get_{name}_display")())
        else:
            text = readable(getattr(instance, name))
        entries[f"model:{name}"] = Entry(
            comparable(field.value_from_object(instance)), text, str(capfirst(field.verbose_name))
        )
    return entries


class VersionCheckedFormMixin:
    """Knows which version of its record a form was opened on, and what it showed then.

    The record's model has a ``version`` that goes up at every save. The form carries the
    version it was opened on, and a signed copy of what it showed, in hidden fields. When it is
    saved, the view locks the record and asks :meth:`conflict_with` whether someone else saved
    it meanwhile; if so, :meth:`report_conflict` marks what they changed, field by field, keeps
    what was typed, and moves the hidden fields on, so that saving again is a choice made
    knowing their changes.

    ``watched_model_fields`` are fields of the record that the form does not edit but that
    matter to it (such as a request's status on its own page).
    """

    watched_model_fields = ()
    #: The actions in the record's history that save it: whoever took one since the form was
    #: opened is named in the notice.
    saving_log_actions = ("wagtail.edit",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = self.versioned_record
        if record is None or record.pk is None:
            return
        self.fields[OPENED_VERSION] = OpenedStateField(initial=record.version)
        self.fields[OPENED_VALUES] = OpenedStateField()
        if not self.is_bound:
            # Worked out when the form is shown, once every field is set up.
            self.fields[OPENED_VALUES].initial = self.signed_snapshot

    @property
    def versioned_record(self):
        """The record this form changes."""
        return getattr(self, "instance", None)

    def form_on(self, record):
        """An unbound form like this one on ``record``, whose initial values are what a form
        opened now shows; None when the form's own fields say nothing about the record."""
        return None

    def snapshot(self, record=None):
        """What the form shows of ``record`` (of its own record, as opened, by default)."""
        if record is None:
            form, record = self, self.versioned_record
        else:
            form = self.form_on(record)
        entries = form_entries(form) if form is not None else {}
        entries.update(model_entries(record, self.watched_model_fields))
        return entries

    def sign(self, entries):
        record = self.versioned_record
        return signing.dumps(
            {
                "record": [record._meta.label_lower, str(record.pk)],
                "at": timezone.now().isoformat(),
                "values": {key: [entry.key, entry.text] for key, entry in entries.items()},
            },
            salt=SNAPSHOT_SALT,
            compress=True,
        )

    def signed_snapshot(self):
        return self.sign(self.snapshot())

    def opened_state(self):
        """``(version, values, opened_at)`` from the hidden fields; None for what they do not
        say (values that do not match the signature are not trusted)."""
        raw_version = (self.data.get(self.add_prefix(OPENED_VERSION)) or "").strip()
        version = None
        if raw_version:
            try:
                version = int(raw_version)
            except ValueError:
                version = -1  # matches no version: the form is treated as out of date
        values = opened_at = None
        try:
            opened = signing.loads(
                self.data.get(self.add_prefix(OPENED_VALUES)) or "", salt=SNAPSHOT_SALT
            )
        except signing.BadSignature:
            opened = None
        record = self.versioned_record
        if (
            isinstance(opened, dict)
            and opened.get("record") == [record._meta.label_lower, str(record.pk)]
            and isinstance(opened.get("values"), dict)
        ):
            values = opened["values"]
            opened_at = parse_datetime(opened.get("at") or "")
        return version, values, opened_at

    def conflict_with(self, current):
        """The :class:`EditConflict` of saving this form over ``current`` (the record as saved
        now, locked by the caller), or None when nobody saved it since the form was opened.

        A form that does not say which version it was opened on is not checked.
        """
        version, values, opened_at = self.opened_state()
        if version is None or version == current.version:
            return None
        snapshot = self.snapshot(current)
        changes = None
        if values is not None:
            changes = [
                Change(entry.label, entry.text, str(values[key][1]), entry.field_name)
                for key, entry in snapshot.items()
                if key in values and values[key][0] != entry.key
            ]
        people = []
        if opened_at is not None:
            entries = (
                log_registry.get_logs_for_instance(current)
                .filter(timestamp__gte=opened_at, action__in=self.saving_log_actions)
                .select_related("user")
                .order_by("timestamp")
            )
            for entry in entries:
                if entry.user_id and entry.user_display_name not in people:
                    people.append(entry.user_display_name)
        return EditConflict(current, changes, snapshot, people)

    def report_conflict(self, conflict):
        """Say what changed since the form was opened, at each field, keeping what was typed;
        the form now counts as opened on the record as saved now."""
        data = self.data.copy()
        data[self.add_prefix(OPENED_VERSION)] = str(conflict.current.version)
        data[self.add_prefix(OPENED_VALUES)] = self.sign(conflict.snapshot)
        self.data = data
        self.errors  # noqa: B018 - validate first: errors are added to the cleaned form
        self.add_error(None, conflict_message(conflict, self.versioned_record))
        for change in conflict.changes or ():
            message = _(
                "Changed to “%(theirs)s” since you opened this page (it was “%(opened)s”)."
            ) % {
                "theirs": change.theirs or gettext("empty"),
                "opened": change.opened or gettext("empty"),
            }
            if change.field_name in self.fields:
                self.add_error(change.field_name, message)
            else:
                labelled = gettext("%(label)s: %(change)s")
                self.add_error(None, labelled % {"label": change.label, "change": message})


def conflict_message(conflict, record):
    """What happened, who did it, and what to do now."""
    model = record._meta.verbose_name
    if conflict.people:
        message = gettext(
            "%(people)s saved this %(model)s after you opened this page, so your changes are "
            "not saved yet."
        ) % {"people": ", ".join(conflict.people), "model": model}
    else:
        message = gettext(
            "Someone else saved this %(model)s after you opened this page, so your changes are "
            "not saved yet."
        ) % {"model": model}
    if conflict.changes is None:
        advice = gettext(
            "What you typed is kept below: check it against the saved %(model)s, then save "
            "again to keep it."
        ) % {"model": model}
    elif conflict.changes:
        advice = ngettext(
            "What you typed is kept below, with the value they changed: save again to keep yours.",
            "What you typed is kept below, with the %(count)d values they changed: save again "
            "to keep yours.",
            len(conflict.changes),
        ) % {"count": len(conflict.changes)}
    else:
        advice = gettext(
            "Nothing this page shows was changed: what you typed is kept below, save again to "
            "keep it."
        )
    return f"{message} {advice}"


class VersionCheckedModelFormMixin(VersionCheckedFormMixin):
    """:class:`VersionCheckedFormMixin` for a Wagtail admin model form: what it shows is its
    fields' initial values and its child formsets' rows."""

    def form_on(self, record):
        return type(self)(instance=record, for_user=getattr(self, "for_user", None))

    def get_field_updates_for_resave(self):
        updates = list(super().get_field_updates_for_resave())
        if self.instance.pk is not None and OPENED_VERSION in self.fields:
            updates.append((self.add_prefix(OPENED_VERSION), str(self.instance.version)))
            updates.append(
                (self.add_prefix(OPENED_VALUES), self.sign(self.snapshot(self.instance)))
            )
        return updates


def zone_choices():
    """The time zones to choose from, after "Suggested" (left empty: the form suggests one)."""
    default_label = dict(TimeZone.choices).get(default_zone_name(), default_zone_name())
    suggested = _("Suggested: the zone of the restricted local’s division, else %(zone)s")
    return [("", suggested % {"zone": default_label}), *TimeZone.choices]


def zone_choice_field(label):
    """The field choosing a session's time zone, which may be left on "Suggested"."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=zone_choices,
        help_text=_(
            "The session's dates and times are typed in this zone, and shown and emailed in it. "
            "An online session: where most of the people taking part are."
        ),
    )
