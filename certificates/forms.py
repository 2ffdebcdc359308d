from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CODE_LENGTH, Certificate


class CodeLookupForm(forms.Form):
    """The verification code printed on a certificate, typed in any reasonable way."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_(
            "The code printed under the QR code, such as ABCD-EFGH-JKMN-PQRS. Spaces, dashes "
            "and small letters are fine."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = Certificate.normalise_code(self.cleaned_data["code"])
        if not Certificate.is_code(code):
            raise forms.ValidationError(
                _(
                    "A verification code has %(length)s letters and digits, such as "
                    "ABCD-EFGH-JKMN-PQRS. Check the code on the certificate."
                ),
                params={"length": CODE_LENGTH},
                code="invalid",
            )
        return code
