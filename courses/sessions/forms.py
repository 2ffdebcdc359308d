"""Public forms of the courses app: enrolling in a session, confirming it, a member's own
details and asking for a sign-in link."""

from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..choices import Language
from ..models import Local
from ..models.union import local_number
from ..validators import normalise_email


def find_local(text):
    """The local a member typed: its number ("3247", "Local 3247", "3247 — Name") or exact name."""
    text = " ".join(text.split())
    if not text:
        return None
    local = Local.objects.filter(number__iexact=local_number(text)).first()
    if local is None:
        local = Local.objects.filter(name__iexact=text).first()
    return local


def local_choice_label(local):
    """How a local is offered in the list of suggestions, and how it reads back in the field."""
    return f"{local.number} — {local.name}"


def suggest_locals_in(field):
    """Have the page's script suggest locals as someone types in ``field`` (a text field that
    takes a local's number or name): its input says where to ask for them. Without the script,
    or without the address, it is a plain text field."""
    try:
        url = reverse("courses:local_suggestions")
    except NoReverseMatch:
        return
    field.widget.attrs["data-suggest-url"] = url


class HoneypotField(forms.CharField):
    """Whatever a program puts in the honeypot gives it away: it is never refused (a program
    would learn from the refusal), and :meth:`HoneypotMixin.is_bot` tells."""

    def run_validators(self, value):
        pass


class MemberEmailField(forms.EmailField):
    """An email address typed on a public form, normalised so that it can only ever match
    the member whose mailbox it reaches (see ``courses.validators.normalise_email``)."""

    def clean(self, value):
        value = super().clean(value)
        return normalise_email(value) if value else value


class HoneypotMixin(forms.Form):
    """A field people never see or fill in, on public forms that send email.

    Programs that fill in every field give themselves away: :meth:`is_bot` is then true, and
    the view answers as if all went well but does nothing.
    """

    website = HoneypotField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        template_name="courses/includes/honeypot_field.html",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))


class MemberDetailsFields(forms.Form):
    """Name, local and language: the details a member keeps on their record."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    local = forms.CharField(
        label=_("Your local"),
        max_length=210,
        help_text=_("Type your local's number, for example 3247, or its name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language for emails"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        suggest_locals_in(self.fields["local"])
        language = (get_language() or "").split("-")[0]
        if language in Language.values and not self.initial.get("preferred_language"):
            self.fields["preferred_language"].initial = language

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter your name."), code="required")
        return name

    def clean_local(self):
        local = find_local(self.cleaned_data["local"])
        if local is None:
            raise forms.ValidationError(
                _(
                    "We could not find local “%(value)s”. Check its number, or pick it from "
                    "the suggestions."
                ),
                code="unknown",
                params={"value": self.cleaned_data["local"].strip()},
            )
        return local


class NeedsFields(forms.Form):
    """What would help a member take part in one session."""

    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        help_text=_("Anything that would help you take part fully. Only organisers see it."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    childcare_needs = forms.CharField(
        label=_("Child-care needs (optional)"),
        help_text=_("For example, how many children need care during the session, and their ages."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignedInEnrolForm(NeedsFields):
    """Enrolling in one click, for a member who is signed in: only what is about the session."""


class ConfirmEnrolmentForm(MemberDetailsFields, NeedsFields):
    """The page behind a confirmation link: the member checks their details and confirms."""

    field_order = ["name", "local", "preferred_language", "accessibility_needs", "childcare_needs"]


class MyDetailsForm(MemberDetailsFields):
    """A signed-in member's own details, in My learning."""


class EnrolForm(HoneypotMixin, MemberDetailsFields, NeedsFields):
    """A visitor's details for enrolling in a session. Nothing comes of it until the owner of
    the email address confirms from the link sent there (``courses.sessions.confirmation``)."""

    email = MemberEmailField(
        label=_("Email"),
        help_text=_("We email you a link to confirm your place, and any changes, at this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = [
        "name",
        "email",
        "local",
        "preferred_language",
        "accessibility_needs",
        "childcare_needs",
        "website",
    ]


class SignInForm(HoneypotMixin, forms.Form):
    """The email address to send a sign-in link to."""

    email = MemberEmailField(
        label=_("Email"),
        help_text=_("The address you used to enrol."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
