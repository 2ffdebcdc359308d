"""Forms of the education staff's admin screens for certificates."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Participant, Session

from .models import CertificateTemplate

#: As long as the holder's name on a certificate may be.
HOLDER_NAME_MAX_LENGTH = 200
REASON_MAX_LENGTH = 1000


class RevokeForm(forms.Form):
    """Why a certificate is withdrawn: the reason is shown on its public verification page."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown to anyone who checks the certificate, on its verification page. For example: "
            "“Issued by mistake: the member did not attend.”"
        ),
        error_messages={"required": _("Say why the certificate is revoked.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the certificate is revoked."))
        return reason


class ReissueForm(forms.Form):
    """The corrected name for a new certificate that replaces the old one."""

    holder_name = forms.CharField(
        label=_("Holder's name"),
        max_length=HOLDER_NAME_MAX_LENGTH,
        help_text=_("As it should be printed on the new certificate."),
        error_messages={"required": _("Enter the name to print on the new certificate.")},
    )

    def __init__(self, *args, certificate, **kwargs):
        kwargs.setdefault("initial", {"holder_name": certificate.holder_name})
        super().__init__(*args, **kwargs)
        self.certificate = certificate

    def clean_holder_name(self):
        name = " ".join(self.cleaned_data["holder_name"].split())
        if not name:
            raise ValidationError(_("Enter the name to print on the new certificate."))
        if name == self.certificate.holder_name:
            raise ValidationError(
                _("This is the name already on the certificate: type the corrected name.")
            )
        return name


class IssueLanguageForm(forms.Form):
    """The language a certificate issued by hand is printed in: the session's, unless the holder
    asked for another."""

    language = forms.ChoiceField(
        label=_("Language of the certificate"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The session's language, unless the holder asked for the other one."),
        error_messages={"invalid_choice": _("Choose English or French.")},
    )

    def __init__(self, *args, session, **kwargs):
        kwargs.setdefault("initial", {"language": session.language})
        super().__init__(*args, **kwargs)
        self.session = session

    def clean_language(self):
        return self.cleaned_data["language"] or self.session.language


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class IssueForEnrollmentForm(forms.Form):
    """Find one person's enrolment in a closed session, to issue their certificate by hand."""

    session = SessionChoiceField(
        label=_("Session"),
        queryset=Session.objects.none(),
        empty_label=_("Choose a closed session"),
        help_text=_("Closed sessions of workshops that issue certificates, most recent first."),
        error_messages={
            "required": _("Choose the session."),
            "invalid_choice": _("Choose one of the closed sessions in the list."),
        },
    )
    person = forms.CharField(
        label=_("Participant"),
        max_length=254,
        help_text=_("Their email address, or their name as enrolled."),
        error_messages={"required": _("Enter the participant's email address or name.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = (
            Session.objects.filter(
                status=SessionStatus.DELIVERED, workshop__issues_certificate=True
            )
            .select_related("workshop")
            .order_by("-starts_at", "-pk")
        )
        self.enrollment = None

    def clean(self):
        cleaned_data = super().clean()
        session = cleaned_data.get("session")
        person = " ".join(cleaned_data.get("person", "").split())
        if session is None or not person:
            return cleaned_data
        enrollments = Enrollment.objects.filter(
            session=session, status=EnrollmentStatus.CONFIRMED
        ).select_related("participant")
        matches = list(
            enrollments.filter(participant__in=Participant.objects.with_email(person))
        ) or list(enrollments.filter(participant__name__iexact=person)[:2])
        if not matches:
            self.add_error(
                "person",
                _("Nobody with this email address or name took part in this session."),
            )
        elif len(matches) > 1:
            self.add_error(
                "person",
                _("More than one person of this name took part: enter their email address."),
            )
        else:
            self.enrollment = matches[0]
        return cleaned_data


class CertificateTemplateForm(WagtailAdminModelForm):
    """The template form: one template is the default, and the form says which one already is."""

    def clean_is_default(self):
        is_default = self.cleaned_data.get("is_default")
        if is_default:
            current = (
                CertificateTemplate.objects.filter(is_default=True)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if current is not None:
                raise ValidationError(
                    _(
                        "“%(name)s” is the default template. Untick “default template” there "
                        "first, then make this one the default."
                    ),
                    params={"name": current.name},
                )
        return is_default
