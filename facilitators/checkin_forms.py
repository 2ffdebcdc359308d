"""The form of the check-in page for people who are not signed in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.sessions.forms import HoneypotMixin, MemberEmailField


class CheckInEmailForm(HoneypotMixin, forms.Form):
    """The email address to send a check-in link to."""

    email = MemberEmailField(
        label=_("Email"),
        help_text=_("The address you enrolled with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
