"""Forms of the facilitation pages: the attendance roster, walk-ins and closing a session."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.choices import AttendanceStatus
from courses.forms import find_local


class AttendanceRow:
    """One confirmed person on the roster, with the mark shown (saved, or as typed) and its error.

    The roster is one form for the whole room: each row posts ``status-<enrolment id>`` (a
    radio group) and ``hours-<enrolment id>``.
    """

    def __init__(self, enrollment, duration_hours, data=None):
        self.enrollment = enrollment
        self.attendance = getattr(enrollment, "attendance", None)
        self.error = None
        if data is not None:
            self.status = data.get(self.status_name, "")
            self.hours = data.get(self.hours_name, "").strip()
        elif self.attendance is not None:
            self.status = self.attendance.status
            hours = self.attendance.hours_attended
            # Present for the whole workshop, absent and excused need no hours typed.
            full = self.status == AttendanceStatus.PRESENT and hours == Decimal(duration_hours)
            none = self.status in (AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED) and not hours
            self.hours = "" if full or none else _plain_number(hours)
        else:
            self.status = ""
            self.hours = ""

    @property
    def pk(self):
        return self.enrollment.pk

    @property
    def status_name(self):
        return f"status-{self.pk}"

    @property
    def hours_name(self):
        return f"hours-{self.pk}"

    @property
    def hours_attended(self):
        """The saved hours, written plainly: "4.5", "6"."""
        return _plain_number(self.attendance.hours_attended) if self.attendance else ""

    @property
    def is_marked(self):
        return self.attendance is not None

    def choices(self):
        """``(value, label, checked, element id)`` for each radio button of the row."""
        return [
            (value, label, value == self.status, f"status-{self.pk}-{value}")
            for value, label in AttendanceStatus.choices
        ]


def _plain_number(value):
    """4.50 → "4.5", 6.00 → "6"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def roster_marks(rows):
    """The marks the roster form asks for, as ``{enrolment id: (status, hours or None)}``.

    Rows left without a status are not part of it, unless hours were typed for them: that row
    gets an error. Returns the marks and whether every row was fine.
    """
    marks, valid = {}, True
    for row in rows:
        if not row.status:
            if row.hours:
                row.error = _("Choose how %(name)s attended.") % {
                    "name": row.enrollment.participant.name
                }
                valid = False
            continue
        marks[row.pk] = (row.status, row.hours or None)
    return marks, valid


class WalkInForm(forms.Form):
    """Someone who came without a confirmed place."""

    prefix = "walk_in"

    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("Their outcome and certificate are sent to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    local = forms.CharField(
        label=_("Local (optional)"),
        max_length=210,
        required=False,
        help_text=_("The local's number, for example 3247, or its name."),
        widget=forms.TextInput(attrs={"list": "locals-list", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_local(self):
        text = self.cleaned_data["local"].strip()
        if not text:
            return None
        local = find_local(text)
        if local is None:
            raise forms.ValidationError(
                _("No local matches “%(text)s”. Check the number, or leave the field empty."),
                params={"text": text},
                code="unknown_local",
            )
        return local


class CloseSessionForm(forms.Form):
    """Close the session; those nobody marked may be marked absent on the way."""

    prefix = "close"

    mark_unmarked_absent = forms.BooleanField(
        label=_("Mark everyone not yet marked as absent"), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
