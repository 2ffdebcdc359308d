"""The admin forms of sessions: the session itself, enrolling one person or many, and calling a
session off."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from ..actions import CLOSE_ACTION, REOPEN_ACTION
from ..admin_forms import FacilitatorChoiceField, VersionCheckedModelFormMixin, zone_choice_field
from ..choices import SessionStatus, TimeZone
from ..models import Local
from ..timezones import ZonedDateTimeField, suggested_zone_name, zone_named
from ..validators import readable_keys
from .bulk import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, normalise_local_number
from .scheduling import (
    facilitation_pool,
    facilitator_clashes,
    qualification_refusals,
    qualified_users,
)

#: Largest list file accepted for bulk enrolment (a few thousand rows fit comfortably).
BULK_FILE_MAX_BYTES = 1024 * 1024


class SessionAdminForm(VersionCheckedModelFormMixin, WagtailAdminModelForm):
    """The session form: facilitators are those who may be assigned sessions (see
    ``courses.sessions.scheduling``), and must be certified.

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
        ``courses.sessions.scheduling``)."""
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
