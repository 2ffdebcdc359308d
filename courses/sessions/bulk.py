"""Enrolling a list of members at once, as education staff do for a local's delegation.

A list is pasted or uploaded as rows of ``name, email, local number`` (comma, tab or semicolon
separated, with or without a header row). It is checked as a whole first: if any row is
malformed nothing is enrolled, so staff can fix the list and send it again. A clean list is
enrolled in one transaction, row by row, through the same rules as any other enrolment; a row
that a rule refuses (already enrolled, not eligible ...) does not undo the others.
"""

import csv
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..choices import EnrollmentSource, EnrollmentStatus
from ..models import Local, Participant
from ..models.union import local_number
from .enrollment import AlreadyEnrolled, EnrollmentError, enrol_person

DELIMITERS = ("\t", ";", ",")
#: The longest name and email address a participant's record holds.
NAME_MAX_LENGTH = Participant._meta.get_field("name").max_length
EMAIL_MAX_LENGTH = Participant._meta.get_field("email").max_length
#: Words that mark the first row as a header rather than a member (compared in lower case).
HEADER_EMAIL_LABELS = {"email", "e-mail", "email address", "courriel", "adresse courriel"}


@dataclass(frozen=True)
class BulkRow:
    """One member to enrol, read from line ``line`` of the list."""

    line: int
    name: str
    email: str
    local: Local


@dataclass(frozen=True)
class RowProblem:
    """Why line ``line`` (whose text was ``text``) cannot be enrolled as written."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one row: ``status`` is confirmed, waitlisted or refused."""

    row: BulkRow
    status: str
    position: int | None = None
    message: str = ""

    @property
    def refused(self):
        return self.status == "refused"

    def get_status_display(self):
        if self.refused:
            return _("Refused")
        return EnrollmentStatus(self.status).label


def detect_delimiter(text):
    """The delimiter of the list: tab, then semicolon, then comma, whichever the first row uses."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in DELIMITERS:
        if delimiter in first_line:
            return delimiter
    return ","


def normalise_local_number(value):
    """``"Local 3247"``, ``"#3247"`` and ``"3247"`` all name local 3247."""
    return local_number(value)


def is_header(cells):
    return len(cells) >= 2 and cells[1].strip().lower() in HEADER_EMAIL_LABELS


def parse_rows(text):
    """Read and check every row of ``text``.

    Returns ``(rows, problems)``: the members to enrol as :class:`BulkRow`, and a
    :class:`RowProblem` for each malformed line (a value missing, invalid or too long to
    store, on any database). Blank lines are skipped. Callers enrol nothing unless ``problems``
    is empty.
    """
    delimiter = detect_delimiter(text)
    lines = text.splitlines()
    candidates = []
    problems = []
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            problems.append(
                RowProblem(
                    reader.line_num, lines[reader.line_num - 1], _("This line cannot be read.")
                )
            )
            continue
        line = reader.line_num
        raw = lines[line - 1]
        cells = [cell.strip() for cell in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if any("\x00" in cell for cell in cells):
            problems.append(
                RowProblem(line, raw, _("This line holds a character that cannot be stored."))
            )
            continue
        if not candidates and not problems and is_header(cells):
            continue
        if len(cells) != 3:
            problems.append(
                RowProblem(
                    line,
                    raw,
                    _("Expected 3 values (name, email, local number), found %(count)d.")
                    % {"count": len(cells)},
                )
            )
            continue
        candidates.append((line, raw, *cells))

    numbers = {normalise_local_number(number) for *_ignored, number in candidates}
    locals_by_number = {local.number: local for local in Local.objects.filter(number__in=numbers)}

    rows = []
    first_line_of_email = {}
    for line, raw, name, email, number in candidates:
        reason = None
        if not name:
            reason = _("The name is missing.")
        elif len(name) > NAME_MAX_LENGTH:
            reason = _("The name is longer than %(max)d characters.") % {"max": NAME_MAX_LENGTH}
        elif not email:
            reason = _("The email address is missing.")
        elif len(email) > EMAIL_MAX_LENGTH:
            reason = _("The email address is longer than %(max)d characters.") % {
                "max": EMAIL_MAX_LENGTH
            }
        else:
            try:
                validate_email(email)
            except ValidationError:
                reason = _("“%(email)s” is not a valid email address.") % {"email": email}
        if reason is None:
            local = locals_by_number.get(normalise_local_number(number))
            if not number:
                reason = _("The local number is missing.")
            elif local is None:
                reason = _("There is no local numbered “%(number)s”.") % {"number": number}
        if reason is None:
            earlier = first_line_of_email.setdefault(email.lower(), line)
            if earlier != line:
                reason = _("The same email address is already on line %(line)d.") % {
                    "line": earlier
                }
        if reason is None:
            rows.append(BulkRow(line, name, email, local))
        else:
            problems.append(RowProblem(line, raw, reason))

    problems.sort(key=lambda problem: problem.line)
    return rows, problems


def staff_message(error):
    """Why a rule refused an enrolment, worded for staff rather than for the member."""
    if isinstance(error, AlreadyEnrolled):
        if error.enrollment is not None and error.enrollment.status == EnrollmentStatus.WAITLISTED:
            return _("Already on the waitlist for this session.")
        return _("Already enrolled in this session.")
    return error.message


def enrol_rows(session_id, rows, *, override_prerequisites=False):
    """Enrol every row in the session, in one transaction; returns a :class:`RowOutcome` each.

    Each row is enrolled, waitlisted or refused by the enrolment rules. Staff enrol after the
    public deadline too, since they set it; prerequisites are checked unless overridden.
    """
    outcomes = []
    with transaction.atomic():
        for row in rows:
            try:
                result = enrol_person(
                    session_id,
                    name=row.name,
                    email=row.email,
                    local=row.local,
                    source=EnrollmentSource.STAFF,
                    override_prerequisites=override_prerequisites,
                    ignore_deadline=True,
                )
            except EnrollmentError as error:
                outcomes.append(RowOutcome(row, "refused", message=staff_message(error)))
                continue
            status = EnrollmentStatus.CONFIRMED if result.confirmed else EnrollmentStatus.WAITLISTED
            outcomes.append(RowOutcome(row, str(status), position=result.position))
    return outcomes
