"""Forms of the education staff's admin screens for sessions and enrolments, and the check that
keeps one person's edit from silently replacing another's."""

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, time_format
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.log_actions import registry as log_registry

from .attendance import CLOSE_ACTION, REOPEN_ACTION
from .bulk import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, normalise_local_number
from .choices import SessionStatus, TimeZone
from .models import Local
from .scheduling import (
    facilitation_pool,
    facilitator_clashes,
    qualification_refusals,
    qualified_users,
)
from .timezones import (
    ZonedDateTimeField,
    default_zone_name,
    format_in_zone,
    suggested_zone_name,
    zone_named,
)
from .validators import KeyCheckedChoicesMixin, fits_key, readable_keys

#: Largest list file accepted for bulk enrolment (a few thousand rows fit comfortably).
BULK_FILE_MAX_BYTES = 1024 * 1024


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


# Edits that cross


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


class SessionAdminForm(VersionCheckedModelFormMixin, WagtailAdminModelForm):
    """The session form: facilitators are those who may be assigned sessions (see
    ``courses.scheduling``), and must be certified.

    A session is never cancelled from this form: cancelling tells everyone enrolled, so it has
    its own action that asks for confirmation first. It is saved only over the version it was
    opened on (see :class:`VersionCheckedFormMixin`).
    """

    saving_log_actions = ("wagtail.edit", "courses.session.cancel", CLOSE_ACTION, REOPEN_ACTION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_facilitators_field()
        self.setup_status_field()
        self.setup_time_zone()

    def setup_facilitators_field(self):
        field = self.fields.get("facilitators")
        if field is None:
            return
        # Keep anyone already assigned, so that a facilitator who no longer may be assigned
        # sessions (who left the Facilitators group) can be removed without the form refusing
        # the rest of the change.
        assigned = Q(pk__in=self.instance.facilitators.all()) if self.instance.pk else Q()
        queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=facilitation_pool().values("pk")) | assigned, is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["facilitators"] = FacilitatorChoiceField(
            queryset=queryset,
            required=field.required,
            label=field.label,
            help_text=_("Facilitators certified to deliver this workshop."),
            widget=forms.CheckboxSelectMultiple,
        )
        self.offer_qualified_facilitators(queryset)

    def offer_qualified_facilitators(self, queryset):
        """Show the facilitators certified for the session's workshop who facilitate in its
        language, with those already assigned or ticked; the form accepts anyone who may be
        assigned sessions and says at the field why one does not qualify (see
        ``courses.scheduling``)."""
        field = self.fields["facilitators"]
        workshop = self.instance.workshop if self.instance.workshop_id else None
        if workshop is None or self.instance.pk is None:
            field.help_text = _(
                "The workshop and language are not saved yet, so every facilitator is listed. "
                "Only those certified for the workshop who facilitate in the session’s language "
                "can be saved: you are told when you save. Once saved, the list shows only them."
            )
            return
        language = self.instance.language
        qualified = qualified_users(queryset, workshop, language).order_by().values("pk")
        keep = Q(pk__in=qualified)
        if self.instance.pk:
            keep |= Q(pk__in=self.instance.facilitators.values("pk"))
        if self.is_bound and hasattr(self.data, "getlist"):
            ticked = self.data.getlist(self.add_prefix("facilitators"))
            keep |= Q(pk__in=readable_keys(queryset.model, ticked))
        unqualified = set(queryset.exclude(pk__in=qualified).values_list("pk", flat=True))
        field.offer(
            queryset.filter(keep),
            notes=dict.fromkeys(unqualified, gettext("not qualified for this session")),
        )
        field.help_text = _(
            "Facilitators certified to deliver %(workshop)s who facilitate in %(language)s. If "
            "you change the workshop or the language, your choice is checked again when you "
            "save."
        ) % {"workshop": workshop.title, "language": self.instance.get_language_display()}

    def setup_time_zone(self):
        """Dates and times are typed, and shown, in the session's time zone.

        The zone field may be left on "Suggested": the zone of the division of the local the
        session is restricted to, else the site's. The times typed are read in the zone the
        form was sent with (or suggested), and an existing session's are shown in its own.
        """
        field = self.fields.get("time_zone")
        if field is not None:
            self.fields["time_zone"] = zone_choice_field(field.label)
            if self.instance.pk is None and not self.is_bound:
                self.initial.setdefault("time_zone", "")
        zone = zone_named(self.typed_zone_name())
        if "registration_deadline" in self.fields:
            self.fields["registration_deadline"] = ZonedDateTimeField.replacing(
                self.fields["registration_deadline"], zone
            )
        parts = getattr(self, "formsets", {}).get("parts")
        for form in parts.forms if parts is not None else ():
            for name in ("starts_at", "ends_at"):
                if name in form.fields:
                    form.fields[name] = ZonedDateTimeField.replacing(form.fields[name], zone)

    def typed_zone_name(self):
        """The zone the form's times are in: the one chosen (or sent), else the suggested one;
        for a form not sent, the session's own."""
        if not self.is_bound:
            return self.initial.get("time_zone") or self.instance.time_zone or ""
        name = self.data.get(self.add_prefix("time_zone")) or ""
        if name in TimeZone.values:
            return name
        if name:  # Not a zone: the field says so; the times are read in the session's.
            return self.instance.time_zone if self.instance.pk else suggested_zone_name()
        keys = readable_keys(Local, [self.data.get(self.add_prefix("restricted_to_local"))])
        local = Local.objects.select_related("division").filter(pk__in=keys).first()
        return suggested_zone_name(local)

    def clean_time_zone(self):
        """An online session chooses its zone; any other may take the suggested one."""
        name = self.cleaned_data.get("time_zone") or ""
        if not name and (self.data.get(self.add_prefix("online_url")) or "").strip():
            raise ValidationError(
                _(
                    "Choose the time zone of this online session: where most of the people "
                    "taking part are."
                ),
                code="required",
            )
        return name

    def setup_status_field(self):
        """The status only changes through actions that tell people: cancelling the session
        (from the actions menu) and closing it (from the facilitators' roster)."""
        field = self.fields.get("status")
        if field is None:
            return
        field.disabled = True
        if self.instance.pk and self.instance.status == SessionStatus.CANCELLED:
            field.help_text = _("This session has been cancelled.")
        elif self.instance.pk and self.instance.status == SessionStatus.DELIVERED:
            field.help_text = _(
                "This session is closed. Education staff can reopen it from its roster."
            )
        else:
            field.help_text = _(
                "To cancel the session, use “Cancel session” in the actions menu: it tells "
                "everyone enrolled. Facilitators close it from its roster once attendance is "
                "taken."
            )

    def clean(self):
        cleaned_data = super().clean()
        if (
            "time_zone" in self.fields
            and not self.has_error("time_zone")
            and not cleaned_data.get("time_zone")
        ):
            cleaned_data["time_zone"] = suggested_zone_name(cleaned_data.get("restricted_to_local"))
        workshop = cleaned_data.get("workshop")
        facilitators = cleaned_data.get("facilitators")
        if workshop is not None and facilitators:
            language = None if self.has_error("language") else cleaned_data.get("language")
            for message in qualification_refusals(facilitators, workshop, language).values():
                self.add_error("facilitators", message)
        return cleaned_data

    def is_valid(self):
        valid = super().is_valid()
        return self.check_facilitators_free() and valid

    def check_facilitators_free(self):
        """Refuse, at the field, a facilitator who facilitates another session (not cancelled)
        at the same time as one of this session's dates; the message names that session. It
        runs once the dates and times are read (in the session's time zone)."""
        if getattr(self, "facilitators_checked", None) is not None:
            return self.facilitators_checked
        self.facilitators_checked = True
        facilitators = getattr(self, "cleaned_data", {}).get("facilitators")
        parts = self.formsets.get("parts")
        if (
            not facilitators
            or parts is None
            or self.has_error("facilitators")
            or self.instance.status == SessionStatus.CANCELLED
        ):
            return True
        spans = []
        for form in parts.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE"):
                spans.append((data.get("starts_at"), data.get("ends_at")))
        for clash in facilitator_clashes(facilitators, spans, exclude=self.instance):
            self.add_error("facilitators", clash.message)
            self.facilitators_checked = False
        return self.facilitators_checked


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


def local_from_number(value):
    """The local numbered ``value`` ("3247", "Local 3247"), or a ValidationError saying so."""
    number = normalise_local_number(value)
    local = Local.objects.filter(number=number).first()
    if local is None:
        raise ValidationError(
            _("There is no local numbered “%(number)s”."), params={"number": value.strip()}
        )
    return local


class StaffEnrolForm(forms.Form):
    """Staff enrol one member in a session (a new participant is created if needed)."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    email = forms.EmailField(label=_("Email"), max_length=EMAIL_MAX_LENGTH)
    local = forms.CharField(
        label=_("Local number"), max_length=20, help_text=_("For example 3247.")
    )
    override_prerequisites = forms.BooleanField(
        label=_("Enrol even if prerequisites are missing"), required=False
    )

    def clean_local(self):
        return local_from_number(self.cleaned_data["local"])


class CancelSessionForm(forms.Form):
    """Why a session is cancelled: kept on the session and told to everyone in the email."""

    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Everyone enrolled or waiting reads it in the email that tells them, so write it "
            "for them."
        ),
        error_messages={"required": _("Say why the session is cancelled.")},
    )


class BulkEnrolForm(forms.Form):
    """A list of members to enrol, pasted or uploaded as a CSV file."""

    rows = forms.CharField(
        label=_("Members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_(
            "One member per line: name, email, local number. Separate the values with commas, "
            "tabs or semicolons; a header row is optional."
        ),
    )
    csv_file = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,text/csv,text/plain"}),
    )
    override_prerequisites = forms.BooleanField(
        label=_("Enrol even if prerequisites are missing"), required=False
    )

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if not upload:
            return ""
        if upload.size > BULK_FILE_MAX_BYTES:
            raise ValidationError(_("The file is too large: keep it under 1 MB."))
        data = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError(_("The file cannot be read: save it as CSV (UTF-8) and try again."))

    def clean(self):
        cleaned_data = super().clean()
        if "csv_file" in self.errors:
            return cleaned_data
        text = cleaned_data.get("csv_file") or cleaned_data.get("rows", "")
        if not text.strip():
            self.add_error("rows", _("Paste the members to enrol, or upload a file."))
        cleaned_data["text"] = text
        return cleaned_data
