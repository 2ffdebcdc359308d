"""Forms of the facilitation pages: the attendance roster, walk-ins and closing a session."""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.attendance.rules import InvalidMark, SeenMark, clean_mark, seen_mark
from courses.choices import AttendanceStatus
from courses.models import Participant
from courses.sessions.forms import MemberEmailField, find_local, suggest_locals_in

#: Posted with each row: the row's mark as the page showed it when it was loaded.
SEEN_PREFIX = "seen-"
#: What follows ``seen-``: an enrolment id, or for a mark of one part ``<enrolment>-<part>``.
SEEN_KEY = re.compile(r"\d+(-\d+)?")
#: Posted by the close form when it carries the whole roster as seen (every ``seen-<id>``).
ROSTER_SEEN = "roster_seen"
_NOT_MARKED = "none"
#: What a row's hidden field says when it cannot be read: it matches no recorded mark, so a
#: mark saved from it never overwrites someone else's without a word.
UNREADABLE = SeenMark(status="", hours=None, marked_at=None)
#: The row carried nothing about what was seen (a form from elsewhere): nothing to compare.
_NOT_POSTED = object()


def seen_token(seen):
    """A :class:`~courses.attendance.SeenMark` (or None) as the text of a hidden field."""
    if seen is None:
        return _NOT_MARKED
    if seen.marked_at is None:
        return ""
    return f"{seen.status}|{seen.hours}|{seen.marked_at.isoformat()}"


def parse_seen_token(text):
    """The :class:`~courses.attendance.SeenMark` (or None) a hidden field carries; what cannot
    be read is :data:`UNREADABLE`."""
    if text == _NOT_MARKED:
        return None
    parts = text.split("|")
    if len(parts) != 3:
        return UNREADABLE
    status, hours, marked_at = parts
    try:
        hours = Decimal(hours)
        marked_at = datetime.fromisoformat(marked_at)
    except (InvalidOperation, ValueError):
        return UNREADABLE
    if not hours.is_finite() or marked_at.tzinfo is None:
        return UNREADABLE
    return SeenMark(status, hours, marked_at)


def roster_seen(data):
    """``{enrolment id: SeenMark or None}`` posted by a form that carries the whole roster as
    seen, or None when it does not."""
    if data.get(ROSTER_SEEN) != "1":
        return None
    return {
        name.removeprefix(SEEN_PREFIX): parse_seen_token(value)
        for name, value in data.items()
        if name.startswith(SEEN_PREFIX) and SEEN_KEY.fullmatch(name.removeprefix(SEEN_PREFIX))
    }


def _shown(seen, duration_hours):
    """``(status, hours text)`` as a row shows a recorded mark: the full workshop for present,
    and no hours for absent and excused, need nothing typed."""
    if seen is None or seen.hours is None:
        return "", ""
    full = seen.status == AttendanceStatus.PRESENT and seen.hours == Decimal(duration_hours)
    none = seen.status in (AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED) and not seen.hours
    return seen.status, "" if full or none else _plain_number(seen.hours)


#: The marks as a phone's roster shows them: one or two characters each, so that a row holds
#: the name and the four choices on one line. A key above the rows spells them out.
SHORT = {
    AttendanceStatus.PRESENT: pgettext_lazy("present, in one letter", "P"),
    AttendanceStatus.PARTIAL: pgettext_lazy("partly present, in one or two characters", "½"),
    AttendanceStatus.ABSENT: pgettext_lazy("absent, in one letter", "A"),
    AttendanceStatus.EXCUSED: pgettext_lazy("excused, in one letter", "E"),
}


class AttendanceRow:
    """One confirmed person on the roster: the mark shown (recorded, or as typed), its error,
    and what the row looked like when the page was loaded.

    The roster is one form for the whole room: each row posts ``status-<enrolment id>`` (a
    radio group), ``hours-<enrolment id>`` and ``seen-<enrolment id>``, the mark the page
    showed when it was loaded (see :func:`seen_token`), so that a mark someone else saved in
    the meantime is never overwritten without a word.

    For a session of several parts a row is one person on one ``part``: ``duration_hours``
    is then the part's share of the workshop, the mark is the person's ``AttendanceDay``
    (``day``), and the fields end in ``<enrolment id>-<part id>``, so that marks posted from
    the page of one day never land on another.
    """

    #: The participant's own check-in by the session's code, if any (set by the roster).
    check_in = None

    def __init__(self, enrollment, duration_hours, data=None, *, part=None, day=None):
        self.enrollment = enrollment
        self.duration_hours = duration_hours
        self.part = part
        #: The mark recorded now.
        self.attendance = getattr(enrollment, "attendance", None) if part is None else day
        self.error = None
        #: Someone else changed this row after the page was loaded, and the mark typed here
        #: was not saved: the page shows both.
        self.conflict = False
        #: Someone else changed this row after the page was loaded; the page shows their mark.
        self.updated = False
        self.status, self.hours = _shown(self.current, duration_hours)
        self.seen = self.current
        self.typed = None
        self.loaded = _NOT_POSTED
        names = (self.status_name, self.hours_name, self.seen_name)
        if data is not None and any(name in data for name in names):
            self.status = data.get(self.status_name, "")
            self.hours = data.get(self.hours_name, "").strip()
            self.typed = (self.status, self.hours)
            if self.seen_name in data:
                self.loaded = self.seen = parse_seen_token(data[self.seen_name])

    @property
    def pk(self):
        return self.enrollment.pk

    @property
    def key(self):
        """What the row's fields end with."""
        return str(self.pk) if self.part is None else f"{self.pk}-{self.part.pk}"

    @property
    def status_name(self):
        return f"status-{self.key}"

    @property
    def hours_name(self):
        return f"hours-{self.key}"

    @property
    def seen_name(self):
        return f"{SEEN_PREFIX}{self.key}"

    @property
    def current(self):
        """The recorded mark, as a :class:`~courses.attendance.SeenMark` (or None)."""
        return seen_mark(self.attendance)

    @property
    def seen_token(self):
        """What the row's hidden field carries: the mark this page is based on."""
        return seen_token(self.seen)

    @property
    def current_token(self):
        return seen_token(self.current)

    @property
    def expected(self):
        """The mark the page showed when loaded, for ``mark_attendance(expected=...)``; the
        module's ``_NOT_POSTED`` marker when the form did not say."""
        return self.loaded

    @property
    def changed_elsewhere(self):
        """The recorded mark is no longer the one this page was loaded with."""
        return self.loaded is not _NOT_POSTED and self.loaded != self.current

    @property
    def is_edited(self):
        """The person changed this row on the page (or the form did not say what it showed)."""
        if self.typed is None:
            return False
        if self.loaded is _NOT_POSTED:
            return True
        return self.typed != _shown(self.loaded, self.duration_hours)

    def show_recorded(self):
        """Show the recorded mark, and base the row on it from now on."""
        self.status, self.hours = _shown(self.current, self.duration_hours)
        self.seen = self.current

    def settle_refused(self):
        """Nothing was saved. Rows the person changed keep what they typed and stay based on
        what was loaded, so saving again is still checked against marks saved meanwhile;
        when someone else has already recorded another mark for such a row, the row shows
        both, as a conflict: saving again from this page records what was typed. Rows the
        person left alone show the recorded mark."""
        if self.typed is None:
            return
        current = _shown(self.current, self.duration_hours)
        if self.is_edited and self.changed_elsewhere and self.typed != current:
            self.conflict = True
            self.seen = self.current
            return
        self.updated = self.changed_elsewhere
        if not (self.error or self.is_edited):
            self.show_recorded()

    def settle_merged(self, *, conflict, saved):
        """Some marks were saved, others were not (``conflict``): see ``mark_attendance``."""
        if conflict:
            # What was typed stays; saving it again now overwrites the mark shown beside it.
            self.conflict = True
            self.seen = self.current
            return
        self.updated = self.changed_elsewhere and not saved
        self.show_recorded()

    def compare_with_posted(self, seen):
        """Say whether the row changed since it was ``seen``, from a form without marks."""
        self.loaded = seen
        self.updated = self.changed_elsewhere

    @property
    def shows_change(self):
        """The row says who changed it, and what they recorded."""
        return self.conflict or (self.updated and self.attendance is not None)

    @property
    def described_by(self):
        """The ids of the row's error and change notes, for ``aria-describedby``."""
        ids = []
        if self.error:
            ids.append(f"row-{self.pk}-error")
        if self.shows_change:
            ids.append(f"row-{self.pk}-changed")
        return " ".join(ids)

    @property
    def typed_summary(self):
        """The mark typed, in words, such as "Partly present, 4 h"."""
        return _summary(self.status, self.hours)

    @property
    def recorded_summary(self):
        """The recorded mark, in words."""
        if self.attendance is None:
            return _("Not marked")
        return _summary(self.attendance.status, _plain_number(self.attendance.hours_attended))

    @property
    def recorded_by(self):
        """Who recorded the mark, by name."""
        user = self.attendance.marked_by if self.attendance else None
        if user is None:
            return _("someone else")
        return user.get_full_name() or user.get_username()

    @property
    def hours_attended(self):
        """The saved hours, written plainly: "4.5", "6"."""
        return _plain_number(self.attendance.hours_attended) if self.attendance else ""

    @property
    def is_marked(self):
        return self.attendance is not None

    def choices(self):
        """``(value, label, checked, element id, short label)`` for each radio button of the
        row; the short label is what a narrow screen shows (the full one is still read)."""
        return [
            (value, label, value == self.status, f"status-{self.key}-{value}", SHORT[value])
            for value, label in AttendanceStatus.choices
        ]


def _summary(status, hours):
    try:
        label = AttendanceStatus(status).label
    except ValueError:
        return status
    if status in (AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED) or not hours:
        return label
    return _("%(status)s, %(hours)s h") % {"status": label, "hours": hours}


def _plain_number(value):
    """4.50 → "4.5", 6.00 → "6"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def roster_marks(rows, workshop, full_hours=None):
    """The marks the roster form asks for, as ``{enrolment id: (status, hours or None)}``, what
    the page showed for them when loaded (``{enrolment id: SeenMark or None}``), and whether
    every row was fine.

    Rows left without a status are not part of it, unless hours were typed for them: that row
    gets an error. Every row is checked by the attendance rules, so every mistake is shown at
    once, each at its row.
    """
    marks, expected, valid = {}, {}, True
    for row in rows:
        if row.typed is None:
            continue
        if not row.status:
            if row.hours:
                row.error = _("Choose how %(name)s attended.") % {
                    "name": row.enrollment.participant.name
                }
                valid = False
            continue
        try:
            clean_mark(
                row.status,
                row.hours or None,
                workshop=workshop,
                enrollment=row.enrollment,
                full_hours=full_hours,
            )
        except InvalidMark as refusal:
            row.error = refusal.message
            valid = False
            continue
        marks[row.pk] = (row.status, row.hours or None)
        if row.expected is not _NOT_POSTED:
            expected[row.pk] = row.expected
    return marks, expected, valid


class WalkInForm(forms.Form):
    """Someone who came without a confirmed place."""

    prefix = "walk_in"

    name = forms.CharField(
        label=_("Name"),
        max_length=Participant._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = MemberEmailField(
        label=_("Email"),
        max_length=Participant._meta.get_field("email").max_length,
        help_text=_("Their outcome and certificate are sent to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    local = forms.CharField(
        label=_("Local (optional)"),
        max_length=210,
        required=False,
        help_text=_("The local's number, for example 3247, or its name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        suggest_locals_in(self.fields["local"])

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
    """Close the session; those nobody marked may be marked absent on the way. Education
    staff closing before the last part has started give the reason (the rules decide when it
    is needed: see ``courses.attendance.close_session``)."""

    prefix = "close"

    mark_unmarked_absent = forms.BooleanField(
        label=_("Mark everyone not yet marked as absent"), required=False
    )
    early_reason = forms.CharField(
        label=_("Reason for closing before the last part starts"),
        help_text=_("Kept in the session’s history."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_mark_unmarked_absent(self):
        # The box posts "on"; anything else is not someone ticking it, and marking the room
        # absent is not done on a guess.
        posted = self.data.get(self.add_prefix("mark_unmarked_absent"))
        if posted not in (None, "", "on"):
            raise forms.ValidationError(
                _("Tick the box to mark them absent, or leave it empty."), code="invalid"
            )
        return self.cleaned_data["mark_unmarked_absent"]
