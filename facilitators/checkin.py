"""Self check-in: participants tell the facilitator they have arrived by scanning a code.

**Codes.** Two kinds of code lead to ``/<lang>/check-in/<code>/``:

- a *rotating* code, shown on the facilitator's screen, that changes every time step
  (``FACILITATORS_CHECK_IN_CODE_STEP`` seconds, five minutes by default); the code of the
  current step and of the one before are accepted, so that a code scanned just before it
  changes still works;
- a *day* code, printed on the sign-in sheet, valid on one date in the session's time zone
  (each day of a session of several days has its own).

A code reads ``<r|d><session id>-<period>-<signature>``: the period is the time step or the
day (base 36), and the signature the first 60 bits of an HMAC-SHA256 of the kind, the session
and the period, keyed with the site's secret key and a salt of its own. Only the site makes
codes; a code names its session and its period openly and proves them, so that a refusal can
say why (expired, another day) rather than only "not valid".

**When.** Both kinds are accepted only while check-in is open: from when attendance opens
(:func:`courses.attendance.rules.attendance_opens_at`, shortly before the session or each of
its parts starts) to the end of the session, or of the part under way for a session of several
parts. Never on a session cancelled or closed.

**What it records.** A check-in is a participant's word, not a mark: it writes one
:class:`~facilitators.models.CheckIn` per enrolment and part (logged on the enrolment's
history), and never an ``Attendance``. The roster shows it (:func:`checked_in_by_enrollment`)
for the facilitator to confirm by marking the person; closing the session counts marks only.
Checking in again changes nothing.

**Who.** A member signed in with a confirmed enrolment checks in in one tap. Anyone else gives
an email address and is emailed a one-time link (:func:`link_token`), valid until the end of
the part under way, whose page has the button that checks in; the answer to the form is the
same whether or not the address is on the list.
"""

import base64
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wagtail.log_actions import log

import segno

from courses.attendance.rules import (
    attendance_opens_at,
    by_day,
    local_moment,
    part_label,
    session_parts,
)
from courses.choices import EnrollmentStatus, SessionStatus
from courses.exceptions import Refusal
from courses.mail import absolute_url
from courses.models import Enrollment, Participant, Session

from .choices import CodeKind
from .models import CheckIn

#: The action written to an enrolment's history when its participant checks in.
CHECK_IN_ACTION = "facilitators.check_in"

CODE_SALT = "facilitators.check_in.code"
LINK_SALT = "facilitators.check_in.link"

#: Characters of the signature in a code: base 32, five bits each (60 bits).
SIGNATURE_LENGTH = 12

_PREFIXES = {CodeKind.ROTATING: "r", CodeKind.DAY: "d"}
_KINDS = {prefix: kind for kind, prefix in _PREFIXES.items()}
_CODE = re.compile(
    rf"([rd])([1-9][0-9]{{0,17}})-([0-9a-z]{{1,10}})-([a-z2-7]{{{SIGNATURE_LENGTH}}})"
)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def code_step():
    """How long a rotating code lasts, in seconds: ``FACILITATORS_CHECK_IN_CODE_STEP``, five
    minutes by default. The code of the step before is accepted too."""
    return int(getattr(settings, "FACILITATORS_CHECK_IN_CODE_STEP", 300))


# Refusals


class CheckInRefused(Refusal):
    """Check-in was refused; ``message`` is fit to show to the participant. ``status`` is the
    HTTP status of a page that says so, and ``session`` the session it is about, when the
    code proved which one."""

    code = "check_in_refused"
    status = 400

    def __init__(self, message, session=None):
        super().__init__(message)
        self.session = session


class UnknownCode(CheckInRefused):
    """Not a code the site made: mistyped, cut short, forged, or for a session that is gone."""

    code = "unknown_code"
    status = 404


class CodeExpired(CheckInRefused):
    """A rotating code older than the step before the current one."""

    code = "code_expired"
    status = 410


class OtherDay(CheckInRefused):
    """A day code scanned on another day than its own."""

    code = "other_day"
    status = 410


class NotOpenYet(CheckInRefused):
    """Check-in opens at ``opens_at``, which the message says."""

    code = "not_open_yet"
    status = 403

    def __init__(self, message, opens_at, session=None):
        super().__init__(message, session)
        self.opens_at = opens_at


class CheckInOver(CheckInRefused):
    """The session is over, closed or cancelled: nobody checks in any more."""

    code = "check_in_over"
    status = 410


class NotOnList(CheckInRefused):
    """The person has no confirmed place in the session."""

    code = "not_on_list"
    status = 403


class LinkInvalid(CheckInRefused):
    """An emailed check-in link that is forged, cut short or out of date."""

    code = "link_invalid"
    status = 400


# Codes


def _base36(number):
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
        if not number:
            return text


def _secrets():
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _signature(kind, session_id, period, secret):
    digest = salted_hmac(
        CODE_SALT, f"{kind}:{session_id}:{period}", secret=secret, algorithm="sha256"
    ).digest()
    return base64.b32encode(digest).decode("ascii")[:SIGNATURE_LENGTH].lower()


@dataclass(frozen=True)
class Code:
    """A check-in code: its kind, its session and its period (the time step of a rotating
    code, the day's ordinal of a day code). ``str()`` gives it as written in its URL."""

    kind: str
    session_id: int
    period: int

    def __str__(self):
        signature = _signature(self.kind, self.session_id, self.period, settings.SECRET_KEY)
        return f"{_PREFIXES[self.kind]}{self.session_id}-{_base36(self.period)}-{signature}"

    @property
    def day(self):
        """The date a day code is valid on."""
        return date.fromordinal(self.period)


def step_at(moment):
    """The time step of rotating codes that ``moment`` falls in."""
    return int(moment.timestamp()) // code_step()


def step_starts_at(step):
    return datetime.fromtimestamp(step * code_step(), tz=UTC)


def rotating_code(session, now=None):
    """The code the facilitator's screen shows now."""
    return Code(CodeKind.ROTATING, session.pk, step_at(now or timezone.now()))


def day_code(session, day):
    """The code printed on the sign-in sheet for ``day`` (a date in the session's zone)."""
    return Code(CodeKind.DAY, session.pk, day.toordinal())


def check_in_url(code, language):
    """The absolute URL of ``code``'s check-in page, in ``language``: what its QR code holds."""
    with translation.override(language):
        return absolute_url(reverse("facilitators:check_in", args=[str(code)]))


def looks_like_code(text):
    """Whether ``text`` is written as a code is (whether or not the site made it)."""
    return _CODE.fullmatch((text or "").strip().lower()) is not None


def qr_svg(url):
    """The QR code of a check-in URL as inline SVG, with its quiet zone, sized by the page's
    stylesheet."""
    return segno.make(url, error="m").svg_inline(
        scale=1, border=4, omitsize=True, dark="#000", light="#fff", svgclass=None, lineclass=None
    )


def read_code(text):
    """The :class:`Code` written in ``text``; :class:`UnknownCode` unless the site made it."""
    found = _CODE.fullmatch((text or "").strip().lower())
    if found is None:
        raise UnknownCode(_("This is not a check-in code. Scan the code again."))
    prefix, session_id, period, signature = found.groups()
    code = Code(_KINDS[prefix], int(session_id), int(period, 36))
    if not any(
        constant_time_compare(signature, _signature(code.kind, code.session_id, code.period, key))
        for key in _secrets()
    ):
        raise UnknownCode(_("This is not a check-in code. Scan the code again."))
    if code.kind == CodeKind.DAY and not 0 < code.period <= date.max.toordinal():
        raise UnknownCode(_("This is not a check-in code. Scan the code again."))
    return code


# When check-in is open


@dataclass(frozen=True)
class Window:
    """When check-in is open for the whole session (``part`` None: a session of one part) or
    for one part of a session of several."""

    part: object
    opens_at: datetime
    closes_at: datetime

    def contains(self, moment):
        return self.opens_at <= moment < self.closes_at


def windows(session, parts=None):
    """The session's check-in windows, first to last: one for a session of one part, one per
    part otherwise. Each opens when attendance opens and closes when the part ends."""
    parts = parts if parts is not None else session_parts(session)
    if not by_day(parts):
        return [Window(None, attendance_opens_at(session), session.ends_at)]
    return [Window(part, attendance_opens_at(session, part), part.ends_at) for part in parts]


def open_window(session, now=None, parts=None):
    """The window check-in is open in now (the last one opened, when two overlap); refuses
    when the session is cancelled or closed, before check-in opens and once it is over."""
    now = now or timezone.now()
    if session.status == SessionStatus.CANCELLED:
        raise CheckInOver(_("This session has been cancelled."), session)
    if session.status == SessionStatus.DELIVERED:
        raise CheckInOver(_("This session is closed: check-in is over."), session)
    parts = parts if parts is not None else session_parts(session)
    all_windows = windows(session, parts)
    current = [window for window in all_windows if window.contains(now)]
    if current:
        return current[-1]
    later = [window for window in all_windows if now < window.opens_at]
    if later:
        window = min(later, key=lambda window: window.opens_at)
        when = local_moment(session, window.opens_at)
        if window.part is not None:
            message = _("Check-in for %(day)s opens on %(when)s.") % {
                "day": part_label(session, window.part, parts),
                "when": when,
            }
        else:
            message = _("Check-in for this session opens on %(when)s.") % {"when": when}
        raise NotOpenYet(message, window.opens_at, session)
    raise CheckInOver(_("Check-in for this session is over."), session)


def day_text(day):
    """A date as people read it: "Tuesday, March 4, 2031"."""
    return _("%(weekday)s, %(date)s") % {
        "weekday": date_format(day, "l"),
        "date": date_format(day, "DATE_FORMAT"),
    }


def check_code(code, session, now=None):
    """The window check-in by ``code`` is open in now, for ``session`` (the code's); refuses
    a rotating code of an older step, a day code of another day, and outside the windows."""
    now = now or timezone.now()
    if code.kind == CodeKind.ROTATING:
        if code.period not in (step_at(now), step_at(now) - 1):
            raise CodeExpired(
                _(
                    "This check-in code has expired: it changes every few minutes. Scan the "
                    "code on the facilitator’s screen again."
                ),
                session,
            )
    elif code.period != session.local(now).date().toordinal():
        raise OtherDay(
            _(
                "This check-in code is for %(day)s only. Scan the code on today’s sign-in "
                "sheet or on the facilitator’s screen."
            )
            % {"day": day_text(code.day)},
            session,
        )
    return open_window(session, now)


def sessions_for_check_in():
    """Sessions with what check-in pages show of them: their workshop and parts."""
    return Session.objects.select_related("workshop__locale").prefetch_related("parts")


@dataclass
class Scan:
    """A code scanned now: the code, its session and the window open now."""

    code: Code
    session: Session
    window: Window


def scan(text, now=None):
    """Read and check the code in ``text`` (from its URL): a :class:`Scan`, or a refusal."""
    code = read_code(text)
    session = sessions_for_check_in().filter(pk=code.session_id).first()
    if session is None:
        raise UnknownCode(_("This is not a check-in code. Scan the code again."))
    return Scan(code, session, check_code(code, session, now))


# What the facilitator's screen and the sign-in sheet show


@dataclass
class CodeScreen:
    """What the facilitator's check-in screen shows now: the code and until when it is
    valid, or (``refusal``) why there is none; and when to look again."""

    session: Session
    now: datetime
    window: Window | None = None
    code: Code | None = None
    url: str = ""
    #: When the code shown stops being accepted.
    valid_until: datetime | None = None
    #: When the next code replaces it (or the screen changes: check-in opens or ends).
    changes_at: datetime | None = None
    refusal: CheckInRefused | None = None

    @property
    def refresh_seconds(self):
        """Seconds until the screen should load again (at least a few)."""
        if self.changes_at is None:
            return None
        return max(5, int((self.changes_at - self.now).total_seconds()) + 1)


#: How often a screen waiting for check-in to open looks again, at most (seconds).
WAITING_REFRESH = 15 * 60


def code_screen(session, now=None):
    """The facilitator's check-in screen for ``session`` now (see :class:`CodeScreen`)."""
    now = now or timezone.now()
    screen = CodeScreen(session, now)
    try:
        window = open_window(session, now)
    except NotOpenYet as refusal:
        screen.refusal = refusal
        screen.changes_at = min(refusal.opens_at, now + timedelta(seconds=WAITING_REFRESH))
        return screen
    except CheckInRefused as refusal:
        screen.refusal = refusal
        return screen
    step = step_at(now)
    screen.window = window
    screen.code = Code(CodeKind.ROTATING, session.pk, step)
    screen.url = check_in_url(screen.code, session.language)
    screen.valid_until = min(step_starts_at(step + 2), window.closes_at)
    screen.changes_at = min(step_starts_at(step + 1), window.closes_at)
    return screen


def session_days(session, parts=None):
    """The dates, in the session's zone, on which its parts take place (a part past midnight
    counts on both days)."""
    parts = parts if parts is not None else session_parts(session)
    days = set()
    for part in parts:
        days.add(session.local(part.starts_at).date())
        days.add(session.local(part.ends_at - timedelta(microseconds=1)).date())
    return sorted(days) or [session.first_day()]


def sheet_day(session, now=None, parts=None):
    """The day whose code a sign-in sheet printed now carries: today when the session meets
    today (in its zone), else its next day, else its last."""
    today = session.local(now or timezone.now()).date()
    days = session_days(session, parts)
    if today in days:
        return today
    return next((day for day in days if day > today), days[-1])


# Who checks in


def enrollment_of(user, session):
    """The confirmed enrolment in ``session`` of the participant whose account ``user`` is,
    or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Enrollment.objects.filter(
            session=session, participant__user=user, status=EnrollmentStatus.CONFIRMED
        )
        .select_related("participant")
        .first()
    )


def enrollment_by_email(session, email):
    """The confirmed enrolment in ``session`` of the participant with address ``email`` (any
    case), or None."""
    return (
        Enrollment.objects.filter(
            session=session,
            participant__in=Participant.objects.with_email((email or "").strip()),
            status=EnrollmentStatus.CONFIRMED,
        )
        .select_related("participant")
        .first()
    )


def check_in_of(enrollment, window):
    """The enrolment's check-in for ``window`` (its part), or None."""
    return CheckIn.objects.filter(enrollment=enrollment, part=window.part).first()


def checked_in_by_enrollment(session, part=None):
    """``{enrolment id: CheckIn}`` for the session's check-ins, in one query: for ``part``
    (a part of a session of several parts), or for a session of one part when ``part`` is
    None. What the roster shows beside each person for the facilitator to confirm."""
    # ``part=None`` is ``part IS NULL``.
    check_ins = CheckIn.objects.filter(enrollment__session=session, part=part)
    return {check_in.enrollment_id: check_in for check_in in check_ins}


@dataclass
class CheckedIn:
    check_in: CheckIn
    #: False when the participant had checked in already: nothing was written.
    created: bool


def check_in(enrollment_id, *, method, code_kind, user=None, now=None):
    """Record that the participant of this enrolment has arrived, for the window open now.

    Refuses (:class:`NotOnList`) an enrolment that is not confirmed, and anything
    :func:`open_window` refuses. Checking in again for the same part changes nothing and logs
    nothing: the check-in recorded first is returned, with ``created`` false. Writes no
    attendance.
    """
    session_id = Enrollment.objects.values_list("session_id", flat=True).get(pk=enrollment_id)
    with transaction.atomic():
        # Under the session's lock, as marks, walk-ins and closing are: never a check-in on a
        # session closed a moment ago, nor two check-ins of one person at once.
        session = Session.objects.select_for_update(of=("self",)).get(pk=session_id)
        enrollment = Enrollment.objects.select_related("participant").get(pk=enrollment_id)
        enrollment.session = session
        if enrollment.status != EnrollmentStatus.CONFIRMED:
            raise NotOnList(not_on_list_message(), session)
        now = now or timezone.now()
        window = open_window(session, now)
        existing = check_in_of(enrollment, window)
        if existing is not None:
            return CheckedIn(existing, created=False)
        record = CheckIn.objects.create(
            enrollment=enrollment,
            part=window.part,
            checked_in_at=now,
            method=method,
            code_kind=code_kind,
        )
        data = {
            "name": enrollment.participant.name,
            "method": str(method),
            "code_kind": str(code_kind),
        }
        if window.part is not None:
            data["part"] = window.part.pk
            data["day"] = session.local(window.part.starts_at).date().isoformat()
        log(instance=enrollment, action=CHECK_IN_ACTION, user=user, data=data)
        return CheckedIn(record, created=True)


def not_on_list_message():
    return _(
        "You are not on the list for this session. Ask the facilitator to add you as a walk-in."
    )


# Emailed links


def link_token(enrollment, window, code_kind):
    """The secret part of an emailed check-in link: the enrolment, the code that led to it and
    the end of the window it was asked in, signed with the site's secret key."""
    return signing.dumps(
        {
            "e": enrollment.pk,
            "k": _PREFIXES[code_kind],
            "u": int(window.closes_at.timestamp()),
        },
        salt=LINK_SALT,
        compress=True,
    )


def link_url(token, language):
    with translation.override(language):
        return absolute_url(reverse("facilitators:check_in_link", args=[token]))


@dataclass
class Link:
    enrollment: Enrollment
    code_kind: str
    valid_until: datetime


def read_link(token, now=None):
    """The :class:`Link` an emailed check-in link is for; :class:`LinkInvalid` when it is
    forged, cut short, or its window has ended."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        data = None
    valid = (
        isinstance(data, dict)
        and isinstance(data.get("e"), int)
        and data.get("k") in _KINDS
        and isinstance(data.get("u"), int)
    )
    enrollment = None
    if valid:
        enrollment = (
            Enrollment.objects.select_related("participant", "session__workshop__locale")
            .prefetch_related("session__parts")
            .filter(pk=data["e"])
            .first()
        )
    if enrollment is None:
        raise LinkInvalid(
            _(
                "This check-in link does not work: it was not copied in full from the email. "
                "Scan the check-in code again to get a new one."
            )
        )
    valid_until = datetime.fromtimestamp(data["u"], tz=UTC)
    if (now or timezone.now()) >= valid_until:
        raise LinkInvalid(
            _(
                "This check-in link has expired: it works only on the day it was sent, while "
                "check-in is open. Scan the check-in code again to get a new one."
            ),
            enrollment.session,
        )
    return Link(enrollment, _KINDS[data["k"]], valid_until)
