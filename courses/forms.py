"""Public forms of the courses app: enrolling in a session and asking for a sign-in link."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import Language
from .models import Local
from .models.union import local_number


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


class EnrolForm(forms.Form):
    """A member's details for enrolling in a session."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send your confirmation and any changes to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    local = forms.CharField(
        label=_("Your local"),
        max_length=210,
        help_text=_("Type your local's number, for example 3247, or its name."),
        widget=forms.TextInput(attrs={"list": "locals-list", "autocomplete": "off"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language for emails"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )
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
        language = (get_language() or "").split("-")[0]
        if language in Language.values:
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


class SignInForm(forms.Form):
    """The email address to send a sign-in link to."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    email = forms.EmailField(
        label=_("Email"),
        help_text=_("The address you used to enrol."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
