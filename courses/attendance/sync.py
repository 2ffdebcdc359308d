"""Attendance taken without a signal: the marks and walk-ins a phone kept while offline, sent
once it is online again.

A facilitator in a basement marks people on their phone, which keeps each mark (and each
walk-in) with a ``key`` of its own (a UUID) and the time the phone's clock said, and sends
them all when it can: :func:`decode_payload` reads what it sent, :func:`sync_offline` records
it. A phone sends again whatever it was never answered, so everything here may arrive twice,
or twice at once:

- **Once per key.** Every item received is stored as an :class:`~courses.models.OfflineMark`,
  whose key is unique in the database. An item whose key is stored already is answered
  ``duplicate`` with what the first sending was answered, and nothing is written again.
  Sendings for one session wait for each other on its row lock, as every attendance rule does;
  a key stored meanwhile by a sending for another session makes the insert fail, and the
  sending is answered again from what is stored.
- **The later mark wins.** A mark is recorded with the time it was made on the phone (no later
  than now, no earlier than attendance opened), so that two phones marking the same person
  agree whatever order they sync in: a mark older than the one recorded for that person (and
  part) is answered ``superseded``; it is not applied, but is written to the enrolment's
  history beside the mark that stands.
- **Refused, item by item.** A mark for someone who is not on the session's roster, or sent
  after the session was closed or cancelled, or before attendance opens, or that is not a
  valid mark, is answered ``refused`` with the reason; the other items still go through.
  Refused items are stored too: the education staff see them in the admin.
- **A malformed sending stores nothing.** The whole sending is checked before anything is
  written; :class:`InvalidPayload` says what is wrong with it.

Marks follow the rules of :mod:`courses.attendance.rules` (present counts the workshop's hours,
or the part's share for a session of several parts, whose marks are summed up); walk-ins are
added by :func:`~courses.attendance.rules.add_walk_in`. A walk-in's local is the one whose id
it names (``local``), or the one named by the text typed in the walk-in form (``local_text``:
a number or a name, read as the form reads it), which the phone cannot look up with no signal.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from ..actions import SUPERSEDED_ACTION
from ..choices import (
    AttendanceStatus,
    EnrollmentStatus,
    OfflineMarkKind,
    OfflineOutcome,
    SessionStatus,
)
from ..exceptions import Refusal
from ..models import Attendance, AttendanceDay, Enrollment, Local, OfflineMark, Participant
from ..sessions.forms import find_local
from ..validators import fits_key, normalise_email
from .rules import (
    CENTS,
    AttendanceError,
    InvalidWalkIn,
    NotConfirmed,
    _locked_session,
    _marked_part,
    _plain,
    _record,
    _record_day,
    _refuse_before_attendance_opens,
    _refuse_unless_open,
    _same_mark,
    _sum_up,
    add_walk_in,
    attendance_opens_at,
    by_day,
    clean_mark,
    current_part,
    local_moment,
    part_hours,
    session_parts,
)

#: The most marks and walk-ins one sending may carry, together.
MAX_ITEMS = 500
#: The most walk-ins one sending may carry: a room's late arrivals, not a list of addresses
#: to try (each walk-in answers whether its address is a member's under another name).
MAX_WALK_INS = 50

#: The outcome answered for an item received before (never stored: the item's first outcome
#: is).
DUPLICATE = "duplicate"

NAME_LENGTH = Participant._meta.get_field("name").max_length
EMAIL_LENGTH = Participant._meta.get_field("email").max_length
#: The most text a local typed in the walk-in form may have (a number, or a name).
LOCAL_TEXT_LENGTH = 210


#: What the sync address answers those it does not record anything for (see
#: ``facilitators.sync_views``).
NOT_SIGNED_IN = _("Sign in to send attendance.")
NO_SUCH_SESSION = _("This session does not exist.")
NOT_ALLOWED = _("You do not take this session’s attendance.")
NOT_JSON = _("Send the attendance as JSON (Content-Type: application/json).")
TOO_LARGE = _("Too much at once: send the attendance in smaller parts.")


class InvalidPayload(Refusal):
    """What was sent is not a sending of marks: nothing was stored. ``message`` says why."""

    code = "invalid_payload"


# Reading what was sent


@dataclass
class Item:
    """One mark or walk-in as sent, checked for its shape (not yet against the rules)."""

    kind: str
    #: Where it was in the sending, as the messages name it: ``marks[3]``.
    place: str
    key: uuid.UUID
    #: When it was made, by the phone's clock (UTC).
    marked_at: datetime
    part_id: int | None
    #: What is stored of it: its fields as sent (nothing else the phone added).
    payload: dict
    # A mark
    enrollment_id: int | None = None
    status: str = ""
    hours: str | None = None
    # A walk-in
    name: str = ""
    email: str = ""
    local_id: int | None = None
    #: The local as typed in the walk-in form, when the phone sent no id.
    local_text: str = ""


def _reject_constant(name):
    raise ValueError(name)


def decode_payload(body):
    """``(marks, walk_ins)``: the two lists of a sending's JSON body (bytes), each item as
    sent. Raises :class:`InvalidPayload` when the body is not a JSON object with such lists;
    the items themselves are checked by :func:`sync_offline`."""
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidPayload(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise InvalidPayload(
            _("The body must be a JSON object with the lists “marks” and “walk_ins”.")
        )
    lists = []
    for name in ("marks", "walk_ins"):
        items = data.get(name, [])
        if not isinstance(items, list):
            raise InvalidPayload(_("“%(field)s” must be a list.") % {"field": name})
        lists.append(items)
    return tuple(lists)


def _text(item, place, name, *, required=True):
    """The text of field ``name`` of ``item``: refused unless it is text that can be stored
    (no NUL character, no half of a surrogate pair)."""
    if name not in item or item[name] is None:
        if required:
            raise InvalidPayload(
                _("%(item)s: “%(field)s” is missing.") % {"item": place, "field": name}
            )
        return None
    value = item[name]
    if not isinstance(value, str):
        raise InvalidPayload(
            _("%(item)s: “%(field)s” must be text.") % {"item": place, "field": name}
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = "\x00"
    if "\x00" in value:
        raise InvalidPayload(
            _("%(item)s: “%(field)s” has a character that cannot be stored.")
            % {"item": place, "field": name}
        )
    return value


def _number(item, place, name, *, required):
    """The whole number in field ``name`` of ``item`` (``null`` or absent when not
    ``required``: None)."""
    value = item.get(name)
    if value is None:
        if required:
            raise InvalidPayload(
                _("%(item)s: “%(field)s” is missing.") % {"item": place, "field": name}
            )
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPayload(
            _("%(item)s: “%(field)s” must be a whole number.") % {"item": place, "field": name}
        )
    return value


def _moment(item, place):
    """The time the item was made, by the phone's clock, in UTC."""
    text = _text(item, place, "marked_at")
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError(text)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidPayload(
            _(
                "%(item)s: “marked_at” must be a date and time with its time zone, such as "
                "2026-12-06T14:03:00Z."
            )
            % {"item": place}
        ) from None


def _key(item, place):
    text = _text(item, place, "key")
    try:
        return uuid.UUID(text)
    except ValueError:
        raise InvalidPayload(_("%(item)s: “key” must be a UUID.") % {"item": place}) from None


def _read_mark(item, place):
    status = _text(item, place, "status")
    if status not in AttendanceStatus.values:
        raise InvalidPayload(
            _("%(item)s: “status” must be one of %(choices)s.")
            % {"item": place, "choices": ", ".join(AttendanceStatus.values)}
        )
    hours = _text(item, place, "hours", required=False)
    enrollment_id = _number(item, place, "enrollment", required=True)
    part_id = _number(item, place, "part", required=False)
    marked_at = _moment(item, place)
    return Item(
        kind=OfflineMarkKind.MARK,
        place=place,
        key=_key(item, place),
        marked_at=marked_at,
        part_id=part_id,
        enrollment_id=enrollment_id,
        status=status,
        hours=hours,
        payload={
            "enrollment": enrollment_id,
            "part": part_id,
            "status": status,
            "hours": hours,
            "marked_at": item["marked_at"],
        },
    )


def _read_walk_in(item, place):
    name = _text(item, place, "name")
    email = _text(item, place, "email")
    local_id = _number(item, place, "local", required=False)
    local_text = _text(item, place, "local_text", required=False)
    part_id = _number(item, place, "part", required=False)
    marked_at = _moment(item, place)
    payload = {
        "name": name,
        "email": email,
        "local": local_id,
        "part": part_id,
        "marked_at": item["marked_at"],
    }
    if local_text is not None:
        payload["local_text"] = local_text
    return Item(
        kind=OfflineMarkKind.WALK_IN,
        place=place,
        key=_key(item, place),
        marked_at=marked_at,
        part_id=part_id,
        name=name,
        email=email,
        local_id=local_id,
        local_text=local_text or "",
        payload=payload,
    )


def read_items(marks, walk_ins):
    """Every item of a sending, checked for its shape: raises :class:`InvalidPayload` at the
    first that is not a mark (or a walk-in) as the phone must send it, or when a key is sent
    twice."""
    if not isinstance(marks, list) or not isinstance(walk_ins, list):
        raise InvalidPayload(_("“marks” and “walk_ins” must be lists."))
    if len(marks) + len(walk_ins) > MAX_ITEMS:
        raise InvalidPayload(
            _("Send at most %(count)d marks and walk-ins at a time.") % {"count": MAX_ITEMS}
        )
    if len(walk_ins) > MAX_WALK_INS:
        raise InvalidPayload(
            _("Send at most %(count)d walk-ins at a time.") % {"count": MAX_WALK_INS}
        )
    items = []
    for name, sent, read in (("marks", marks, _read_mark), ("walk_ins", walk_ins, _read_walk_in)):
        for index, item in enumerate(sent):
            place = f"{name}[{index}]"
            if not isinstance(item, dict):
                raise InvalidPayload(_("%(item)s must be an object.") % {"item": place})
            items.append(read(item, place))
    seen = {}
    for item in items:
        if item.key in seen:
            raise InvalidPayload(
                _("%(item)s: its key is the key of %(other)s: each mark needs its own.")
                % {"item": item.place, "other": seen[item.key]}
            )
        seen[item.key] = item.place
    return items


# Recording it


def moment_text(moment):
    """A moment as the answer gives it: ISO 8601 in UTC, "2026-12-06T14:03:00Z"."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _answer(enrollment_id, mark):
    """What an item is answered about the person: the mark recorded for them (on the part the
    item was about) now, if any."""
    return {
        "enrollment": enrollment_id,
        "status": str(mark.status) if mark is not None else None,
        "hours": _plain(mark.hours_attended) if mark is not None else None,
        "marked_at": moment_text(mark.marked_at) if mark is not None else None,
    }


@dataclass
class _Sending:
    """One sending being recorded, under the session's row lock: what it found, and what it
    keeps for the answer and for the store."""

    session: object
    user: object
    now: datetime
    parts: list
    #: {key: OfflineMark} of the keys of the sending already stored.
    stored: dict
    #: {enrolment id: enrolment}: the session's enrolments the marks name.
    enrollments: dict = field(default_factory=dict)
    #: {enrolment id: Attendance}
    totals: dict = field(default_factory=dict)
    #: {enrolment id: {part id: AttendanceDay}}
    days: dict = field(default_factory=dict)
    received: list = field(default_factory=list)
    results: list = field(default_factory=list)

    @property
    def by_day(self):
        return by_day(self.parts)

    def load(self, items):
        """The enrolments the marks name, and their marks, in a few queries."""
        ids = {
            item.enrollment_id
            for item in items
            if item.kind == OfflineMarkKind.MARK and fits_key(Enrollment, item.enrollment_id)
        }
        if not ids:
            return
        for enrollment in Enrollment.objects.filter(
            session=self.session, pk__in=ids
        ).select_related("participant"):
            enrollment.session = self.session
            self.enrollments[enrollment.pk] = enrollment
        self.totals = {
            attendance.enrollment_id: attendance
            for attendance in Attendance.objects.filter(enrollment__in=self.enrollments)
        }
        if self.by_day:
            for day in AttendanceDay.objects.filter(
                enrollment__in=self.enrollments, part__in=self.parts
            ):
                self.days.setdefault(day.enrollment_id, {})[day.part_id] = day

    def recorded(self, enrollment, part):
        """The mark recorded for ``enrollment`` (on ``part``), or None."""
        if part is None:
            return self.totals.get(enrollment.pk)
        return self.days.get(enrollment.pk, {}).get(part.pk)

    def clamped(self, moment, part):
        """The phone's time as it is recorded: no later than now, no earlier than attendance
        opened (for the part)."""
        return min(max(moment, attendance_opens_at(self.session, part)), self.now)

    def answer(self, item, outcome, *, message="", enrollment=None, answer=None):
        """Answer ``item``, and keep it to be stored."""
        message = str(message)
        answer = answer or _answer(item.enrollment_id, None)
        self.results.append(
            {"key": str(item.key), "outcome": str(outcome), "message": message, **answer}
        )
        self.received.append(
            OfflineMark(
                key=item.key,
                session=self.session,
                enrollment=enrollment,
                kind=item.kind,
                payload=item.payload,
                outcome=outcome,
                message=message,
                answer=answer,
                marked_at=item.marked_at,
                received_at=self.now,
                received_by=self.user if self.user and self.user.is_authenticated else None,
            )
        )

    def again(self, item):
        """An item received before: answered as it was then, nothing written. A key stored for
        another session is no retry of this one."""
        stored = self.stored[item.key]
        if stored.session_id != self.session.pk:
            self.results.append(
                {
                    "key": str(item.key),
                    "outcome": OfflineOutcome.REFUSED.value,
                    "message": str(_("This mark was already received for another session.")),
                    **_answer(None, None),
                }
            )
            return
        self.results.append(
            {"key": str(item.key), "outcome": DUPLICATE, "message": stored.message, **stored.answer}
        )

    def supersede(self, item, enrollment, part, status, hours, marked_at, recorded):
        """Keep a mark older than the one recorded in the enrolment's history, unapplied."""
        data = {
            "name": enrollment.participant.name,
            "status": str(status),
            "hours": str(hours),
            "marked_at": moment_text(marked_at),
            "recorded_status": recorded.status,
            "recorded_hours": str(recorded.hours_attended),
            "recorded_marked_at": moment_text(recorded.marked_at),
            "offline_key": str(item.key),
        }
        if part is not None:
            data["part"] = part.pk
            data["day"] = self.session.local(part.starts_at).date().isoformat()
        log(instance=enrollment, action=SUPERSEDED_ACTION, user=self.user, data=data)
        self.answer(
            item,
            OfflineOutcome.SUPERSEDED,
            message=_(
                "A later mark of %(name)s stands (%(status)s, %(when)s): this one is kept in "
                "their history, not applied."
            )
            % {
                "name": enrollment.participant.name,
                "status": AttendanceStatus(recorded.status).label,
                "when": local_moment(self.session, recorded.marked_at),
            },
            enrollment=enrollment,
            answer=_answer(enrollment.pk, recorded),
        )

    def mark(self, item):
        session = self.session
        enrollment = self.enrollments.get(item.enrollment_id)
        if enrollment is not None and enrollment.status != EnrollmentStatus.CONFIRMED:
            enrollment = None
        try:
            _refuse_unless_open(session)
            if enrollment is None:
                raise NotConfirmed(_("This person is not on this session’s roster."))
            part = _marked_part(session, self.parts, item.part_id)
            full_hours = part_hours(session, self.parts)[part.pk] if part is not None else None
            status, hours = clean_mark(
                item.status,
                item.hours,
                workshop=session.workshop,
                enrollment=enrollment,
                full_hours=full_hours,
            )
            _refuse_before_attendance_opens(session, self.now, part, self.parts)
        except AttendanceError as refusal:
            recorded = None
            if enrollment is not None:
                part = _part_or_none(session, self.parts, item.part_id)
                recorded = self.recorded(enrollment, part)
            self.answer(
                item,
                OfflineOutcome.REFUSED,
                message=refusal.message,
                enrollment=enrollment,
                answer=_answer(item.enrollment_id, recorded),
            )
            return
        marked_at = self.clamped(item.marked_at, part)
        recorded = self.recorded(enrollment, part)
        if recorded is not None and recorded.marked_at > marked_at:
            self.supersede(item, enrollment, part, status, hours, marked_at, recorded)
            return
        if _same_mark(recorded, status, hours):
            # The same mark, made again later: it counts from then on, so that a mark made
            # between the two on another phone does not win over it.
            if recorded.marked_at < marked_at:
                recorded.marked_at = marked_at
                recorded.save(update_fields=["marked_at"])
            mark = recorded
        else:
            log_data = {"offline_key": str(item.key), "offline_marked_at": moment_text(marked_at)}
            if part is None:
                mark = _record(
                    enrollment,
                    recorded,
                    status,
                    hours,
                    user=self.user,
                    now=marked_at,
                    log_data=log_data,
                )
                self.totals[enrollment.pk] = mark
            else:
                mark = _record_day(
                    enrollment,
                    part,
                    recorded,
                    status,
                    hours,
                    user=self.user,
                    now=marked_at,
                    log_data=log_data,
                )
                days = self.days.setdefault(enrollment.pk, {})
                days[part.pk] = mark
                self.totals[enrollment.pk] = _sum_up(
                    enrollment,
                    days,
                    self.parts,
                    self.totals.get(enrollment.pk),
                    user=self.user,
                    now=marked_at,
                )
        self.answer(
            item,
            OfflineOutcome.SAVED,
            enrollment=enrollment,
            answer=_answer(enrollment.pk, mark),
        )

    def walk_in(self, item, locals_by_id):
        session = self.session
        try:
            _refuse_unless_open(session)
            part = None
            if item.part_id is not None:
                part = _marked_part(session, self.parts, item.part_id)
            _refuse_before_attendance_opens(session, self.now, part, self.parts)
            name = " ".join(item.name.split())
            if len(name) > NAME_LENGTH:
                raise InvalidWalkIn(
                    _("Enter a name of at most %(count)d characters.") % {"count": NAME_LENGTH}
                )
            try:
                email = normalise_email(item.email)
            except ValidationError as error:
                raise InvalidWalkIn(error.messages[0]) from None
            if len(email) > EMAIL_LENGTH:
                raise InvalidWalkIn(
                    _("Enter an address of at most %(count)d characters.") % {"count": EMAIL_LENGTH}
                )
            local = None
            if item.local_id is not None:
                local = locals_by_id.get(item.local_id)
                if local is None:
                    raise InvalidWalkIn(_("This local is not in the list of locals."))
            elif typed := " ".join(item.local_text.split()):
                local = find_local(typed) if len(typed) <= LOCAL_TEXT_LENGTH else None
                if local is None:
                    raise InvalidWalkIn(
                        _(
                            "No local matches “%(text)s”. Check the number, or leave the field "
                            "empty."
                        )
                        % {"text": Truncator(typed).chars(LOCAL_TEXT_LENGTH)}
                    )
        except AttendanceError as refusal:
            self.answer(item, OfflineOutcome.REFUSED, message=refusal.message)
            return
        marked_at = self.clamped(item.marked_at, part)
        if part is None and self.by_day:
            part = current_part(session, marked_at, self.parts)
        # Someone on the roster already, marked since on another phone: that mark stands.
        enrollment = (
            Enrollment.objects.filter(
                session=session,
                status=EnrollmentStatus.CONFIRMED,
                participant__in=Participant.objects.with_email(email),
            )
            .select_related("participant")
            .first()
        )
        if enrollment is not None:
            enrollment.session = session
            recorded = _mark_of(enrollment, part)
            if recorded is not None and recorded.marked_at > marked_at:
                status, hours = AttendanceStatus.PRESENT, _present_hours(session, self.parts, part)
                self.supersede(item, enrollment, part, status, hours, marked_at, recorded)
                return
        try:
            walk_in = add_walk_in(
                session.pk,
                name=name,
                email=email,
                local=local,
                user=self.user,
                part_id=part.pk if part is not None else None,
                now=marked_at,
                log_data={
                    "offline_key": str(item.key),
                    "offline_marked_at": moment_text(marked_at),
                },
            )
        except AttendanceError as refusal:
            self.answer(item, OfflineOutcome.REFUSED, message=refusal.message)
            return
        enrollment = walk_in.enrollment
        self.answer(
            item,
            OfflineOutcome.SAVED,
            enrollment=enrollment,
            answer=_answer(enrollment.pk, _mark_of(enrollment, part)),
        )


def _part_or_none(session, parts, part_id):
    try:
        return _marked_part(session, parts, part_id)
    except AttendanceError:
        return None


def _present_hours(session, parts, part):
    """The hours present counts: the workshop's, or the part's share of them."""
    if part is None:
        return Decimal(session.workshop.duration_hours).quantize(CENTS)
    return part_hours(session, parts)[part.pk]


def _mark_of(enrollment, part):
    """The mark recorded for ``enrollment`` (on ``part``), read from the database."""
    if part is None:
        return Attendance.objects.filter(enrollment=enrollment).first()
    return AttendanceDay.objects.filter(enrollment=enrollment, part=part).first()


def _stored(keys):
    """{key: OfflineMark} of these keys already received (for any session)."""
    return {mark.key: mark for mark in OfflineMark.objects.filter(key__in=keys)}


def _sync(session_id, items, *, user, now):
    with transaction.atomic():
        session = _locked_session(session_id)
        sending = _Sending(
            session=session,
            user=user,
            now=now or timezone.now(),
            parts=session_parts(session),
            stored=_stored([item.key for item in items]),
        )
        new = [item for item in items if item.key not in sending.stored]
        sending.load(new)
        local_ids = {
            item.local_id
            for item in new
            if item.kind == OfflineMarkKind.WALK_IN
            and item.local_id is not None
            and fits_key(Local, item.local_id)
        }
        locals_by_id = Local.objects.in_bulk(local_ids) if local_ids else {}
        for item in items:
            if item.key in sending.stored:
                sending.again(item)
            elif item.kind == OfflineMarkKind.MARK:
                sending.mark(item)
            else:
                sending.walk_in(item, locals_by_id)
        OfflineMark.objects.bulk_create(sending.received)
        return {
            "results": sending.results,
            "closed": session.status != SessionStatus.SCHEDULED,
        }


def sync_offline(session_id, marks, walk_ins, *, user, now=None):
    """Record the marks and walk-ins a phone kept offline for the session, and answer each.

    ``marks`` and ``walk_ins`` are the lists the phone sent (see :func:`decode_payload`);
    every item is checked before anything is written (:class:`InvalidPayload` otherwise).
    Returns ``{"results": [...], "closed": bool}``: for each item, in the order sent (marks
    first), its ``key``, its ``outcome`` (``saved``, ``superseded``, ``duplicate`` or
    ``refused``), a ``message`` in the active language (empty when saved), and the
    ``enrollment`` with the mark recorded for that person (on the item's part) now:
    ``status``, ``hours`` and ``marked_at``, or None for each when there is none (or the
    person is not on the roster). ``closed`` says whether the session is closed or cancelled.
    ``now`` stands for the present moment (tests).
    """
    items = read_items(marks, walk_ins)
    try:
        return _sync(session_id, items, user=user, now=now)
    except IntegrityError:
        # Another sending stored one of these keys after this one looked for them: one for
        # another session (those for this session wait for its row lock). Answered again,
        # those keys are found stored.
        return _sync(session_id, items, user=user, now=now)
