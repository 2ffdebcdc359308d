"""Forms of the education staff's admin screens for sessions and enrolments."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .bulk import normalise_local_number
from .choices import SessionStatus
from .models import Local
from .roles import FACILITATORS_GROUP

#: Largest list file accepted for bulk enrolment (a few thousand rows fit comfortably).
BULK_FILE_MAX_BYTES = 1024 * 1024


def person_name(user):
    return user.get_full_name() or user.get_username()


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class SessionAdminForm(WagtailAdminModelForm):
    """The session form: facilitators come from the Facilitators group and must be certified.

    A session is never cancelled from this form: cancelling tells everyone enrolled, so it has
    its own action that asks for confirmation first.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_facilitators_field()
        self.setup_status_field()

    def setup_facilitators_field(self):
        field = self.fields.get("facilitators")
        if field is None:
            return
        # Keep anyone already assigned, so that a facilitator who left the group can be removed
        # without the form refusing the rest of the change.
        assigned = Q(pk__in=self.instance.facilitators.all()) if self.instance.pk else Q()
        queryset = (
            get_user_model()
            .objects.filter(Q(groups__name=FACILITATORS_GROUP) | assigned, is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["facilitators"] = FacilitatorChoiceField(
            queryset=queryset,
            required=field.required,
            label=field.label,
            help_text=_("Members of the Facilitators group certified for this workshop."),
            widget=forms.CheckboxSelectMultiple,
        )

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
        workshop = cleaned_data.get("workshop")
        facilitators = cleaned_data.get("facilitators")
        if workshop is not None and facilitators:
            for user in facilitators:
                profile = getattr(user, "facilitator_profile", None)
                if profile is not None and not profile.is_certified_for(workshop):
                    self.add_error(
                        "facilitators",
                        _("%(person)s is not certified to deliver %(workshop)s.")
                        % {"person": person_name(user), "workshop": workshop.title},
                    )
        return cleaned_data


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

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    local = forms.CharField(
        label=_("Local number"), max_length=20, help_text=_("For example 3247.")
    )
    override_prerequisites = forms.BooleanField(
        label=_("Enrol even if prerequisites are missing"), required=False
    )

    def clean_local(self):
        return local_from_number(self.cleaned_data["local"])


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
