"""Attendance taken offline: a phone without a signal keeps its marks and walk-ins and sends
them later to the roster's sync address, which records each once, lets the later mark win,
refuses what cannot be recorded item by item, and stores everything it received."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from courses.actions import MARK_ACTION, SUPERSEDED_ACTION, WALK_IN_ACTION
from courses.attendance import sync
from courses.attendance.rules import close_session, session_parts
from courses.attendance.sync import InvalidPayload, sync_offline
from courses.choices import EnrollmentSource, EnrollmentStatus, SessionStatus
from courses.models import Attendance, AttendanceDay, Enrollment, OfflineMark
from tests.concurrency import needs_postgresql, run_in_parallel
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    FacilitatorFactory,
    LocalFactory,
    SessionFactory,
    WorkshopPageFactory,
)

#: Queries a sending of 60 marks may cost: a few to find the session, the people and their
#: marks and to store what was received, then four per mark, as the roster's form costs: the
#: mark, and its log entry (which Wagtail checks first: two lookups).
SIXTY_MARKS_QUERIES = 20 + 4 * 60


def yesterday():
    return (timezone.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Grievance handling", duration_hours=6)


@pytest.fixture
def session(workshop, facilitator):
    """A six-hour session that took place yesterday from 9:00, its facilitator assigned."""
    return SessionFactory(workshop=workshop, start=yesterday(), facilitators=[facilitator])


@pytest.fixture
def people(session):
    return {
        name: EnrollmentFactory(session=session, participant__name=name)
        for name in ("Ana Silva", "Ben Okafor", "Chloé Roy")
    }


@pytest.fixture
def other_facilitator(db):
    return FacilitatorFactory(user__username="other-facilitator").user


def sync_url(session, language="en"):
    url = reverse("facilitators:roster_sync", args=[session.pk])
    return url if language == "en" else url.replace("/en/", f"/{language}/", 1)


def at(session, minutes):
    """A moment ``minutes`` after the session started, as a phone sends it."""
    return (session.starts_at + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def mark(enrollment, status, *, when, hours=None, part=None, key=None):
    return {
        "key": key or str(uuid.uuid4()),
        "enrollment": enrollment.pk if hasattr(enrollment, "pk") else enrollment,
        "part": part.pk if part is not None else None,
        "status": status,
        "hours": hours,
        "marked_at": when,
    }


def walk_in(name, email, *, when, local=None, part=None, key=None):
    return {
        "key": key or str(uuid.uuid4()),
        "name": name,
        "email": email,
        "local": local,
        "part": part,
        "marked_at": when,
    }


def send(client, session, marks=(), walk_ins=(), language="en"):
    return client.post(
        sync_url(session, language),
        json.dumps({"marks": list(marks), "walk_ins": list(walk_ins)}),
        content_type="application/json",
    )


@pytest.fixture
def phone(client, facilitator):
    """The facilitator's phone, signed in."""
    client.force_login(facilitator)
    return client


def outcomes(response):
    assert response.status_code == 200, response.content
    return [result["outcome"] for result in response.json()["results"]]


def marks_of():
    return {
        attendance.enrollment.participant.name: (attendance.status, attendance.hours_attended)
        for attendance in Attendance.objects.select_related("enrollment__participant")
    }


def log_entries(action=MARK_ACTION):
    return list(ModelLogEntry.objects.filter(action=action).order_by("pk"))


def counts():
    return {
        "attendance": Attendance.objects.count(),
        "days": AttendanceDay.objects.count(),
        "received": OfflineMark.objects.count(),
        "log entries": ModelLogEntry.objects.count(),
        "enrolments": Enrollment.objects.count(),
    }


# Saving


def test_marks_are_recorded_at_the_time_they_were_made_on_the_phone(phone, session, people):
    ana, ben = people["Ana Silva"], people["Ben Okafor"]

    response = send(
        phone,
        session,
        [
            mark(ana, "present", when=at(session, 5)),
            mark(ben, "partial", hours="4,5", when=at(session, 7)),
        ],
    )

    assert outcomes(response) == ["saved", "saved"]
    assert response.json()["closed"] is False
    first, second = response.json()["results"]
    assert first["message"] == ""
    assert (first["enrollment"], first["status"], first["hours"]) == (ana.pk, "present", "6")
    assert first["marked_at"] == at(session, 5)
    assert (second["status"], second["hours"]) == ("partial", "4.5")
    assert marks_of() == {
        "Ana Silva": ("present", Decimal("6.00")),
        "Ben Okafor": ("partial", Decimal("4.50")),
    }
    recorded = Attendance.objects.get(enrollment=ana)
    assert recorded.marked_at == session.starts_at + timedelta(minutes=5)
    assert recorded.marked_by == people["Ana Silva"].session.facilitators.get()
    entry = log_entries()[0]
    assert entry.data["status"] == "present"
    assert entry.data["offline_marked_at"] == at(session, 5)
    received = OfflineMark.objects.get(enrollment=ana)
    assert (received.kind, received.outcome, received.session) == ("mark", "saved", session)
    assert received.payload["status"] == "present"


def test_a_phone_clock_ahead_or_behind_is_kept_between_opening_and_now(phone, session, people):
    ana, ben = people["Ana Silva"], people["Ben Okafor"]
    ahead = (timezone.now() + timedelta(days=3)).isoformat()
    behind = (session.starts_at - timedelta(days=30)).isoformat()

    before = timezone.now()
    send(phone, session, [mark(ana, "present", when=ahead), mark(ben, "absent", when=behind)])

    assert before <= Attendance.objects.get(enrollment=ana).marked_at <= timezone.now()
    # Attendance opens an hour before the session starts.
    assert Attendance.objects.get(enrollment=ben).marked_at == session.starts_at - timedelta(
        hours=1
    )


# Retries


def test_a_retry_writes_nothing_again_and_is_answered_as_the_first_time(phone, session, people):
    items = [mark(people["Ana Silva"], "partial", hours="3", when=at(session, 10))]
    first = send(phone, session, items)
    after_first = counts()

    again = send(phone, session, items)

    assert outcomes(first) == ["saved"]
    assert outcomes(again) == ["duplicate"]
    assert counts() == after_first
    assert len(log_entries()) == 1
    assert OfflineMark.objects.count() == 1
    answered, re_answered = first.json()["results"][0], again.json()["results"][0]
    assert {**answered, "outcome": "duplicate"} == re_answered


def test_a_retry_of_a_refused_mark_is_answered_refused_again(phone, session, people):
    items = [mark(people["Ana Silva"], "partial", when=at(session, 10))]

    first = send(phone, session, items).json()["results"][0]
    again = send(phone, session, items).json()["results"][0]

    assert first["outcome"] == "refused"
    assert first["message"] == "Enter the hours Ana Silva attended."
    assert again == {**first, "outcome": "duplicate"}
    assert OfflineMark.objects.count() == 1


def test_a_key_received_for_another_session_is_not_taken_for_a_retry(
    phone, session, people, workshop, facilitator
):
    other = SessionFactory(workshop=workshop, start=yesterday(), facilitators=[facilitator])
    someone = EnrollmentFactory(session=other)
    key = str(uuid.uuid4())
    send(phone, other, [mark(someone, "present", when=at(other, 5), key=key)])

    response = send(
        phone, session, [mark(people["Ana Silva"], "absent", when=at(session, 5), key=key)]
    )

    (result,) = response.json()["results"]
    assert result["outcome"] == "refused"
    assert result["message"] == "This mark was already received for another session."
    assert result["status"] is None
    assert "Ana Silva" not in marks_of()
    assert OfflineMark.objects.get().session == other


def test_a_key_stored_meanwhile_by_another_sending_is_answered_as_a_retry(
    session, people, facilitator, monkeypatch
):
    """Another sending stored the key after this one looked for it: the insert fails on the
    key's unique constraint, what this sending wrote is undone, and it is answered again from
    what is stored."""
    items = [mark(people["Ana Silva"], "present", when=at(session, 5))]
    first = sync_offline(session.pk, items, [], user=facilitator)
    looked_up = sync._stored
    calls = []

    def missing_the_first_time(keys):
        calls.append(keys)
        return {} if len(calls) == 1 else looked_up(keys)

    monkeypatch.setattr(sync, "_stored", missing_the_first_time)

    again = sync_offline(session.pk, items, [], user=facilitator)

    assert len(calls) == 2
    assert again["results"] == [{**first["results"][0], "outcome": "duplicate"}]
    assert len(log_entries()) == 1
    assert OfflineMark.objects.count() == 1


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_retries_arriving_at_once_record_each_mark_once(catalogue):
    """The same sending, sent eight times at the same moment (a phone retrying on a flaky
    connection, a second tab): each mark and walk-in is recorded once."""
    facilitator = FacilitatorFactory().user
    workshop = WorkshopPageFactory(parent=catalogue)
    session = SessionFactory(workshop=workshop, start=yesterday(), facilitators=[facilitator])
    people = [EnrollmentFactory(session=session) for _ in range(5)]
    marks = [mark(person, "present", when=at(session, 5 + n)) for n, person in enumerate(people)]
    walk_ins = [walk_in("Dana Walker", "dana@example.org", when=at(session, 20))]

    run = run_in_parallel(
        lambda _state, _n: sync_offline(session.pk, marks, walk_ins, user=facilitator),
        range(8),
        workers=8,
    )

    assert [outcome.error for outcome in run.errors] == []
    answers = [
        [result["outcome"] for result in outcome.value["results"]] for outcome in run.outcomes
    ]
    assert answers.count(["saved"] * 6) == 1
    assert answers.count(["duplicate"] * 6) == 7
    assert Attendance.objects.filter(enrollment__session=session).count() == 6
    assert Enrollment.objects.filter(session=session).count() == 6
    assert ModelLogEntry.objects.filter(action=MARK_ACTION).count() == 6
    assert ModelLogEntry.objects.filter(action=WALK_IN_ACTION).count() == 1
    assert OfflineMark.objects.count() == 6


# Two phones


@pytest.mark.parametrize("first_arrives", ["earlier", "later"])
def test_the_later_mark_wins_whichever_phone_syncs_first(phone, session, people, first_arrives):
    ana = people["Ana Silva"]
    earlier = mark(ana, "present", when=at(session, 60))
    later = mark(ana, "absent", when=at(session, 65))
    order = [earlier, later] if first_arrives == "earlier" else [later, earlier]

    answers = [send(phone, session, [item]).json()["results"][0] for item in order]

    assert marks_of() == {"Ana Silva": ("absent", Decimal("0.00"))}
    assert Attendance.objects.get().marked_at == session.starts_at + timedelta(minutes=65)
    if first_arrives == "earlier":
        assert [answer["outcome"] for answer in answers] == ["saved", "saved"]
    else:
        assert [answer["outcome"] for answer in answers] == ["saved", "superseded"]
        superseded = answers[1]
        assert (superseded["status"], superseded["hours"]) == ("absent", "0")
        assert superseded["marked_at"] == at(session, 65)
        assert superseded["message"].startswith("A later mark of Ana Silva stands (Absent, ")
        assert superseded["message"].endswith("): this one is kept in their history, not applied.")
    # Both marks are in Ana's history.
    history = ModelLogEntry.objects.filter(object_id=str(ana.pk)).order_by("pk")
    assert sorted(entry.data["status"] for entry in history) == ["absent", "present"]
    if first_arrives == "later":
        assert [entry.action for entry in history] == [MARK_ACTION, SUPERSEDED_ACTION]
        assert history[1].data["recorded_status"] == "absent"
    assert OfflineMark.objects.count() == 2


def test_the_history_says_which_marks_were_made_offline_and_which_were_not_applied(
    client, phone, session, people, staff
):
    ana = people["Ana Silva"]
    send(phone, session, [mark(ana, "absent", when=at(session, 65))])
    send(phone, session, [mark(ana, "present", when=at(session, 60))])
    client.force_login(staff)

    response = client.get(reverse("wagtailsnippets_courses_enrollment:history", args=[ana.pk]))

    html = response.content.decode()
    assert "Marked Absent (0.00 h); marked offline at " in html
    assert "Marked Present (6.00 h) offline at " in html
    assert "; not applied, as Absent (0.00 h) was marked later, at " in html


def test_a_mark_made_again_later_counts_from_then(phone, session, people):
    """Phone A marks Ana absent at 10:00 and phone B present at 10:10; A marks her absent
    again at 10:20. Whatever the order they arrive in, absent stands."""
    ana = people["Ana Silva"]

    send(phone, session, [mark(ana, "absent", when=at(session, 60))])
    send(phone, session, [mark(ana, "absent", when=at(session, 80))])
    response = send(phone, session, [mark(ana, "present", when=at(session, 70))])

    assert outcomes(response) == ["superseded"]
    assert marks_of() == {"Ana Silva": ("absent", Decimal("0.00"))}


def test_the_form_on_the_roster_still_overwrites_whatever_the_phones_sent(phone, session, people):
    ana = people["Ana Silva"]
    send(phone, session, [mark(ana, "absent", when=at(session, 60))])

    response = phone.post(
        reverse("facilitators:roster", args=[session.pk]),
        {"action": "mark", f"status-{ana.pk}": "present", f"hours-{ana.pk}": ""},
    )

    assert response.status_code == 302
    assert marks_of()["Ana Silva"] == ("present", Decimal("6.00"))


# Refused, item by item


def test_a_mark_for_someone_not_on_the_roster_is_refused_and_the_rest_saved(
    phone, session, people, workshop
):
    elsewhere = EnrollmentFactory(
        session=SessionFactory(workshop=workshop, start=yesterday()), participant__name="Zoé"
    )
    waiting = EnrollmentFactory(
        session=session, participant__name="Wes", status=EnrollmentStatus.WAITLISTED
    )
    cancelled = EnrollmentFactory(
        session=session, participant__name="Cora", status=EnrollmentStatus.CANCELLED
    )
    items = [
        mark(elsewhere, "present", when=at(session, 5)),
        mark(waiting, "present", when=at(session, 5)),
        mark(cancelled, "present", when=at(session, 5)),
        mark(999_999_999, "present", when=at(session, 5)),
        mark(2**70, "present", when=at(session, 5)),
        mark(people["Ana Silva"], "present", when=at(session, 5)),
    ]

    response = send(phone, session, items)

    assert outcomes(response) == ["refused"] * 5 + ["saved"]
    for result in response.json()["results"][:5]:
        assert result["message"] == "This person is not on this session’s roster."
        assert (result["status"], result["hours"], result["marked_at"]) == (None, None, None)
    assert marks_of() == {"Ana Silva": ("present", Decimal("6.00"))}
    assert len(log_entries()) == 1
    refused = OfflineMark.objects.filter(outcome="refused")
    assert refused.count() == 5
    # Nobody of another session, nor anyone off the roster, is linked to this session's marks.
    assert not refused.exclude(enrollment=None).exists()


def test_invalid_marks_are_refused_with_the_reason(phone, session, people):
    ana, ben, chloe = people["Ana Silva"], people["Ben Okafor"], people["Chloé Roy"]

    response = send(
        phone,
        session,
        [
            mark(ana, "partial", when=at(session, 5)),
            mark(ben, "partial", hours="7", when=at(session, 5)),
            mark(chloe, "absent", hours="2", when=at(session, 5)),
            mark(chloe, "present", hours="many", when=at(session, 6)),
            mark(ana, "present", part=session_parts(session)[0], when=at(session, 7)),
        ],
    )

    assert [(r["outcome"], r["message"]) for r in response.json()["results"]] == [
        ("refused", "Enter the hours Ana Silva attended."),
        ("refused", "Hours for Ben Okafor must be between 0 and 6."),
        ("refused", "Chloé Roy is marked absent or excused: leave the hours empty."),
        ("refused", "Enter the hours Chloé Roy attended as a number, such as 4 or 4.5."),
        ("saved", ""),
    ]
    assert marks_of() == {"Ana Silva": ("present", Decimal("6.00"))}


def test_marks_are_refused_before_attendance_opens(phone, workshop, facilitator):
    tomorrow = SessionFactory(
        workshop=workshop, start=yesterday() + timedelta(days=2), facilitators=[facilitator]
    )
    ana = EnrollmentFactory(session=tomorrow, participant__name="Ana Silva")

    response = send(
        phone,
        tomorrow,
        [mark(ana, "present", when=at(tomorrow, 0))],
        [walk_in("Dana Walker", "dana@example.org", when=at(tomorrow, 0))],
    )

    assert outcomes(response) == ["refused", "refused"]
    for result in response.json()["results"]:
        assert result["message"].startswith("Attendance for this session opens on ")
    assert not Attendance.objects.exists()
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize("status", [SessionStatus.DELIVERED, SessionStatus.CANCELLED])
def test_marks_sent_after_the_session_was_closed_are_refused_and_kept(
    phone, session, people, status
):
    ana = people["Ana Silva"]
    AttendanceFactory(enrollment=ana, marked_at=session.starts_at)
    session.status = status
    session.save()
    before = counts()

    response = send(
        phone,
        session,
        [mark(ana, "absent", when=at(session, 30))],
        [walk_in("Dana Walker", "dana@example.org", when=at(session, 40))],
    )

    assert outcomes(response) == ["refused", "refused"]
    assert response.json()["closed"] is True
    message = response.json()["results"][0]["message"]
    if status == SessionStatus.DELIVERED:
        assert message == (
            "This session is closed. Ask the education staff to reopen it to make changes."
        )
    else:
        assert message == "This session has been cancelled."
    # What is recorded is answered, so that the phone shows it.
    assert response.json()["results"][0]["status"] == "present"
    assert marks_of() == {"Ana Silva": ("present", Decimal("6.00"))}
    assert counts() == {**before, "received": 2}
    kept = OfflineMark.objects.order_by("pk")
    assert [(m.kind, m.outcome, m.enrollment) for m in kept] == [
        ("mark", "refused", ana),
        ("walk_in", "refused", None),
    ]


# Seen by the education staff, and nobody else


@pytest.fixture
def closed_with_refused_marks(phone, session, people, facilitator):
    close_session(session.pk, user=facilitator, mark_unmarked_absent=True)
    send(
        phone,
        session,
        [mark(people["Ana Silva"], "partial", hours="2", when=at(session, 30))],
        [walk_in("Dana Walker", "dana@example.org", when=at(session, 40))],
    )
    return session


def offline_marks_url(session=None):
    url = reverse("offline_marks:index")
    return f"{url}?session={session.pk}&outcome=refused" if session is not None else url


def test_staff_see_the_refused_marks_of_a_session(client, staff, closed_with_refused_marks):
    session = closed_with_refused_marks
    client.force_login(staff)

    response = client.get(offline_marks_url(session))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana Silva" in html
    assert "Partly present, 2 h" in html
    assert "Dana Walker" in html
    assert "Walk-in: dana@example.org" in html
    assert "Ask the education staff to reopen it to make changes." in html
    results = client.get(reverse("offline_marks:index_results"), {"session": session.pk})
    assert results.status_code == 200
    assert "Ana Silva" in results.content.decode()


def refused_in_admin(response):
    return response.status_code == 403 or (
        response.status_code == 302
        and (response.url == "/admin/" or response.url.startswith("/admin/login/"))
    )


@pytest.mark.parametrize("role", ["anonymous", "participant", "other_facilitator", "facilitator"])
def test_nobody_else_sees_the_offline_marks(
    users, other_facilitator, closed_with_refused_marks, role
):
    user = other_facilitator if role == "other_facilitator" else users[role]
    client = Client()
    if user.is_authenticated:
        client.force_login(user)

    for url in (
        offline_marks_url(closed_with_refused_marks),
        reverse("offline_marks:index_results"),
    ):
        response = client.get(url)
        assert refused_in_admin(response), (url, response.status_code)
        assert "Ana Silva" not in response.content.decode()


def test_the_menu_shows_offline_marks_to_staff_only(client, staff, other_facilitator):
    client.force_login(staff)
    assert (
        reverse("offline_marks:index") in client.get(reverse("wagtailadmin_home")).content.decode()
    )
    client.force_login(other_facilitator)
    home = client.get(reverse("wagtailadmin_home"))
    assert reverse("offline_marks:index") not in home.content.decode()


def test_nobody_adds_changes_or_deletes_an_offline_mark(staff, superuser):
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(OfflineMark)
    for user in (staff, superuser):
        assert policy.user_has_permission(user, "view")
        for action in ("add", "change", "delete"):
            assert not policy.user_has_permission(user, action)


# Walk-ins


def test_a_walk_in_synced_twice_is_enrolled_once(phone, session, people):
    local = LocalFactory(number="3247")
    item = walk_in("Dana Walker", "Dana@Example.org", local=local.pk, when=at(session, 15))

    first = send(phone, session, walk_ins=[item])
    again = send(phone, session, walk_ins=[item])

    assert outcomes(first) == ["saved"]
    assert outcomes(again) == ["duplicate"]
    (enrollment,) = Enrollment.objects.filter(source=EnrollmentSource.WALK_IN)
    assert enrollment.participant.name == "Dana Walker"
    assert enrollment.participant.email.lower() == "dana@example.org"
    assert enrollment.participant.local == local
    assert enrollment.created_at == session.starts_at + timedelta(minutes=15)
    answered = first.json()["results"][0]
    assert (answered["enrollment"], answered["status"], answered["hours"]) == (
        enrollment.pk,
        "present",
        "6",
    )
    assert again.json()["results"][0] == {**answered, "outcome": "duplicate"}
    assert len(log_entries(WALK_IN_ACTION)) == 1
    # Sent again under another key (the phone lost its record): the same enrolment.
    other = send(phone, session, walk_ins=[{**item, "key": str(uuid.uuid4())}])
    assert outcomes(other) == ["saved"]
    assert other.json()["results"][0]["enrollment"] == enrollment.pk
    assert Enrollment.objects.filter(source=EnrollmentSource.WALK_IN).count() == 1


def test_walk_ins_that_cannot_be_added_are_refused(phone, session, people):
    response = send(
        phone,
        session,
        walk_ins=[
            walk_in("", "dana@example.org", when=at(session, 15)),
            walk_in("Dana Walker", "not an address", when=at(session, 15)),
            walk_in("D" * 201, "dana@example.org", when=at(session, 15)),
            walk_in("Dana Walker", "dana@example.org", local=2**40, when=at(session, 15)),
        ],
    )

    assert [(r["outcome"], r["message"]) for r in response.json()["results"]] == [
        ("refused", "Enter the person’s name."),
        (
            "refused",
            "Enter the address with plain letters, digits and . _ + - before the @, such as "
            "name@example.org.",
        ),
        ("refused", "Enter a name of at most 200 characters."),
        ("refused", "This local is not in the list of locals."),
    ]
    assert not Enrollment.objects.filter(source=EnrollmentSource.WALK_IN).exists()
    assert OfflineMark.objects.filter(outcome="refused").count() == 4


@pytest.mark.parametrize("typed", ["3247", "  Local 3247 ", "3247 — Social Services Workers"])
def test_a_walk_in_names_its_local_as_typed_offline(phone, session, people, typed):
    local = LocalFactory(number="3247", name="Social Services Workers")
    item = {**walk_in("Dana Walker", "dana@example.org", when=at(session, 15)), "local_text": typed}

    response = send(phone, session, walk_ins=[item])

    assert outcomes(response) == ["saved"]
    (enrollment,) = Enrollment.objects.filter(source=EnrollmentSource.WALK_IN)
    assert enrollment.participant.local == local
    assert OfflineMark.objects.get().payload["local_text"] == typed


def test_a_walk_in_typed_offline_with_no_such_local_is_refused(phone, session, people):
    LocalFactory(number="3247")
    items = [
        {**walk_in("Dana Walker", "dana@example.org", when=at(session, 15)), "local_text": text}
        for text in ("9999", "L" * 500)
    ]
    items.append(
        {**walk_in("Eve New", "eve@example.org", when=at(session, 15)), "local_text": "   "}
    )

    response = send(phone, session, walk_ins=items)

    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["refused", "refused", "saved"]
    assert results[0]["message"] == (
        "No local matches “9999”. Check the number, or leave the field empty."
    )
    assert len(results[1]["message"]) < 300
    (enrollment,) = Enrollment.objects.filter(source=EnrollmentSource.WALK_IN)
    assert enrollment.participant.local is None


def test_a_walk_ins_local_text_must_be_text(phone, session, people):
    item = {**walk_in("Dana Walker", "dana@example.org", when=at(session, 15)), "local_text": 3247}

    response = send(phone, session, walk_ins=[item])

    assert response.status_code == 400
    assert not OfflineMark.objects.exists()


def test_a_walk_in_already_marked_later_on_another_phone_keeps_that_mark(phone, session, people):
    ana = people["Ana Silva"]
    send(phone, session, [mark(ana, "partial", hours="2", when=at(session, 200))])

    response = send(
        phone,
        session,
        walk_ins=[walk_in("Ana Silva", ana.participant.email, when=at(session, 30))],
    )

    assert outcomes(response) == ["superseded"]
    assert response.json()["results"][0]["enrollment"] == ana.pk
    assert marks_of()["Ana Silva"] == ("partial", Decimal("2.00"))


# Malformed sendings: nothing stored


def valid_mark(session, people):
    return mark(people["Ana Silva"], "present", when=at(session, 5))


BAD_PAYLOADS = {
    "not JSON": (lambda s, p: b"{marks: [", "The body is not valid JSON."),
    "not UTF-8": (lambda s, p: b'{"marks": ["\xff"]}', "The body is not valid JSON."),
    "NaN": (lambda s, p: b'{"marks": [NaN]}', "The body is not valid JSON."),
    "nested too deep": (
        lambda s, p: b"[" * 100_000 + b"]" * 100_000,
        "The body is not valid JSON.",
    ),
    "a list": (
        lambda s, p: [valid_mark(s, p)],
        "The body must be a JSON object with the lists “marks” and “walk_ins”.",
    ),
    "marks not a list": (lambda s, p: {"marks": {"a": 1}}, "“marks” must be a list."),
    "walk-ins not a list": (lambda s, p: {"walk_ins": "Dana"}, "“walk_ins” must be a list."),
    "an item not an object": (
        lambda s, p: {"marks": [valid_mark(s, p), "present"]},
        "marks[1] must be an object.",
    ),
    "no key": (
        lambda s, p: {"marks": [valid_mark(s, p), {**valid_mark(s, p), "key": None}]},
        "marks[1]: “key” is missing.",
    ),
    "a key that is no UUID": (
        lambda s, p: {"marks": [valid_mark(s, p), {**valid_mark(s, p), "key": "12"}]},
        "marks[1]: “key” must be a UUID.",
    ),
    "a key sent twice": (
        lambda s, p: {
            "marks": [
                mark(
                    p["Ana Silva"],
                    "present",
                    when=at(s, 5),
                    key="4f0c1a56-2b3e-4d7a-9c1e-1d2f3a4b5c6d",
                ),
                mark(
                    p["Ben Okafor"],
                    "present",
                    when=at(s, 5),
                    key="4F0C1A56-2B3E-4D7A-9C1E-1D2F3A4B5C6D",
                ),
            ]
        },
        "marks[1]: its key is the key of marks[0]: each mark needs its own.",
    ),
    "a key of a mark and a walk-in": (
        lambda s, p: {
            "marks": [
                mark(
                    p["Ana Silva"],
                    "present",
                    when=at(s, 5),
                    key="4f0c1a56-2b3e-4d7a-9c1e-1d2f3a4b5c6d",
                )
            ],
            "walk_ins": [
                walk_in(
                    "Dana",
                    "dana@example.org",
                    when=at(s, 5),
                    key="4f0c1a56-2b3e-4d7a-9c1e-1d2f3a4b5c6d",
                )
            ],
        },
        "walk_ins[0]: its key is the key of marks[0]: each mark needs its own.",
    ),
    "an unknown status": (
        lambda s, p: {"marks": [valid_mark(s, p), {**valid_mark(s, p), "status": "late"}]},
        "marks[1]: “status” must be one of present, partial, absent, excused.",
    ),
    "no enrolment": (
        lambda s, p: {"marks": [{k: v for k, v in valid_mark(s, p).items() if k != "enrollment"}]},
        "marks[0]: “enrollment” is missing.",
    ),
    "an enrolment as text": (
        lambda s, p: {"marks": [{**valid_mark(s, p), "enrollment": str(p["Ana Silva"].pk)}]},
        "marks[0]: “enrollment” must be a whole number.",
    ),
    "an enrolment as true": (
        lambda s, p: {"marks": [{**valid_mark(s, p), "enrollment": True}]},
        "marks[0]: “enrollment” must be a whole number.",
    ),
    "a part as a fraction": (
        lambda s, p: {"marks": [{**valid_mark(s, p), "part": 1.5}]},
        "marks[0]: “part” must be a whole number.",
    ),
    "hours as a number": (
        lambda s, p: {"marks": [{**valid_mark(s, p), "hours": 4.5}]},
        "marks[0]: “hours” must be text.",
    ),
    "a date that is no date": (
        lambda s, p: {"marks": [{**valid_mark(s, p), "marked_at": "yesterday"}]},
        "marks[0]: “marked_at” must be a date and time with its time zone, such as "
        "2026-12-06T14:03:00Z.",
    ),
    "February 30": (
        lambda s, p: {"marks": [{**valid_mark(s, p), "marked_at": "2026-02-30T10:00:00Z"}]},
        "marks[0]: “marked_at” must be a date and time with its time zone, such as "
        "2026-12-06T14:03:00Z.",
    ),
    "a date without its time zone": (
        lambda s, p: {"marks": [{**valid_mark(s, p), "marked_at": "2026-12-06T14:03:00"}]},
        "marks[0]: “marked_at” must be a date and time with its time zone, such as "
        "2026-12-06T14:03:00Z.",
    ),
    "the end of the calendar": (
        lambda s, p: {"marks": [{**valid_mark(s, p), "marked_at": "9999-12-31T23:59:59-05:00"}]},
        "marks[0]: “marked_at” must be a date and time with its time zone, such as "
        "2026-12-06T14:03:00Z.",
    ),
    "a NUL character": (
        lambda s, p: {"walk_ins": [walk_in("Da\x00na", "dana@example.org", when=at(s, 5))]},
        "walk_ins[0]: “name” has a character that cannot be stored.",
    ),
    "half a surrogate pair": (
        lambda s, p: (
            b'{"walk_ins": [{"key": "4f0c1a56-2b3e-4d7a-9c1e-1d2f3a4b5c6d", '
            b'"name": "Dana \\ud800", "email": "dana@example.org", '
            b'"marked_at": "2026-12-06T14:03:00Z"}]}'
        ),
        "walk_ins[0]: “name” has a character that cannot be stored.",
    ),
    "no email": (
        lambda s, p: {"walk_ins": [{**walk_in("Dana", "x", when=at(s, 5)), "email": None}]},
        "walk_ins[0]: “email” is missing.",
    ),
    "too many": (
        lambda s, p: {
            "marks": [mark(p["Ana Silva"], "present", when=at(s, 5)) for _ in range(501)]
        },
        "Send at most 500 marks and walk-ins at a time.",
    ),
    "too many walk-ins": (
        lambda s, p: {
            "walk_ins": [
                walk_in(f"Dana {n}", f"dana{n}@example.org", when=at(s, 5)) for n in range(51)
            ]
        },
        "Send at most 50 walk-ins at a time.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_PAYLOADS))
def test_a_malformed_sending_is_refused_whole_and_nothing_is_stored(phone, session, people, case):
    build, message = BAD_PAYLOADS[case]
    body = build(session, people)
    before = counts()

    response = phone.post(
        sync_url(session),
        body if isinstance(body, bytes) else json.dumps(body),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert counts() == before


def test_a_sending_that_is_not_json_is_refused(phone, session, people):
    response = phone.post(sync_url(session), {"marks": "x"})

    assert response.status_code == 400
    assert response.json() == {
        "error": "Send the attendance as JSON (Content-Type: application/json)."
    }


def test_the_service_checks_every_item_before_writing_anything(session, people, facilitator):
    items = [valid_mark(session, people), {**valid_mark(session, people), "status": "late"}]

    with pytest.raises(InvalidPayload):
        sync_offline(session.pk, items, [], user=facilitator)

    assert not Attendance.objects.exists()
    assert not OfflineMark.objects.exists()


# Who may send


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 403),
        ("participant", 403),
        ("other_facilitator", 403),
        ("facilitator", 200),
        ("staff", 200),
        ("superuser", 200),
    ],
)
def test_only_who_takes_the_sessions_attendance_may_send_it(
    client_as, users, other_facilitator, session, people, role, expected
):
    user = other_facilitator if role == "other_facilitator" else users[role]

    response = send(client_as(user), session, [valid_mark(session, people)])

    assert response.status_code == expected
    assert response["Content-Type"] == "application/json"
    if expected == 403:
        assert "error" in response.json()
        assert not Attendance.objects.exists()
        assert not OfflineMark.objects.exists()
    else:
        assert outcomes(response) == ["saved"]
        assert OfflineMark.objects.get().received_by == user


def test_an_unknown_session_is_not_found(phone, session, people):
    for session_id in (session.pk + 1000, 2**63, 2**70):
        url = reverse("facilitators:roster_sync", args=[session_id])
        response = phone.post(url, "{}", content_type="application/json")
        assert response.status_code == 404
        assert response.json() == {"error": "This session does not exist."}


def test_only_post_is_taken(phone, session):
    for method in ("get", "put", "delete"):
        assert getattr(phone, method)(sync_url(session)).status_code == 405


def test_the_csrf_token_is_checked(facilitator, session, people):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(facilitator)
    body = json.dumps({"marks": [valid_mark(session, people)]})

    refused = browser.post(sync_url(session), body, content_type="application/json")
    browser.get(reverse("facilitators:roster", args=[session.pk]))
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        sync_url(session), body, content_type="application/json", headers={"X-CSRFToken": token}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200


def test_a_phone_sending_too_often_is_told_when_to_try_again(phone, session, settings):
    settings.EDUCATION_RATE_LIMITS = {"offline_sync.user": "2/m"}

    answers = [send(phone, session) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2].json()["error"].startswith("Too many attempts in a short time.")
    assert int(answers[2]["Retry-After"]) > 0


def test_messages_are_in_the_pages_language(phone, session, people):
    response = send(
        phone,
        session,
        [
            mark(people["Ana Silva"], "partial", when=at(session, 5)),
            mark(999_999_999, "present", when=at(session, 5)),
        ],
        language="fr",
    )

    assert [result["message"] for result in response.json()["results"]] == [
        "Entrez le nombre d’heures de présence de Ana Silva.",
        "Cette personne n’est pas dans la liste des personnes participantes de cette séance.",
    ]
    bad = phone.post(sync_url(session, "fr"), b"[", content_type="application/json")
    assert bad.json() == {"error": "Le contenu n’est pas du JSON valide."}


# A session of several parts


@pytest.fixture
def two_days(workshop, facilitator):
    """Two mornings of three hours: yesterday's, and today's, under way for an hour."""
    start = (timezone.now() - timedelta(days=1, hours=1)).replace(second=0, microsecond=0)
    return SessionFactory(
        workshop=workshop, start=start, hours=3, days=2, facilitators=[facilitator]
    )


def test_a_session_of_several_parts_is_marked_part_by_part_and_summed_up(
    phone, two_days, facilitator
):
    first, second = session_parts(two_days)
    ana = EnrollmentFactory(session=two_days, participant__name="Ana Silva")
    when = (second.starts_at + timedelta(minutes=5)).isoformat()

    without_part = send(phone, two_days, [mark(ana, "present", when=when)])
    elsewhere = session_parts(SessionFactory(workshop=two_days.workshop, start=first.starts_at))[0]
    of_another_session = send(phone, two_days, [mark(ana, "present", part=elsewhere, when=when)])
    day_one = send(
        phone,
        two_days,
        [mark(ana, "partial", hours="1.5", part=first, when=first.starts_at.isoformat())],
    )

    assert without_part.json()["results"][0]["message"] == "Choose the day these marks are for."
    assert of_another_session.json()["results"][0]["message"] == (
        "This day is not part of this session."
    )
    assert outcomes(day_one) == ["saved"]
    assert day_one.json()["results"][0]["hours"] == "1.5"
    assert not Attendance.objects.exists()

    day_two = send(phone, two_days, [mark(ana, "present", part=second, when=when)])

    assert outcomes(day_two) == ["saved"]
    assert day_two.json()["results"][0]["hours"] == "3"
    assert {
        day.part_id: (day.status, day.hours_attended) for day in AttendanceDay.objects.all()
    } == {first.pk: ("partial", Decimal("1.50")), second.pk: ("present", Decimal("3.00"))}
    assert marks_of() == {"Ana Silva": ("partial", Decimal("4.50"))}
    entry = log_entries()[-1]
    assert entry.data["part"] == second.pk
    assert entry.data["offline_marked_at"]


def test_the_later_mark_of_a_part_wins_and_leaves_the_other_part_alone(phone, two_days):
    first, second = session_parts(two_days)
    ana = EnrollmentFactory(session=two_days, participant__name="Ana Silva")
    later = (first.starts_at + timedelta(minutes=50)).isoformat()
    earlier = (first.starts_at + timedelta(minutes=10)).isoformat()
    send(phone, two_days, [mark(ana, "absent", part=first, when=later)])
    send(phone, two_days, [mark(ana, "present", part=second, when=later)])

    response = send(phone, two_days, [mark(ana, "present", part=first, when=earlier)])

    assert outcomes(response) == ["superseded"]
    assert {day.part_id: day.status for day in AttendanceDay.objects.all()} == {
        first.pk: "absent",
        second.pk: "present",
    }
    (superseded,) = log_entries(SUPERSEDED_ACTION)
    assert superseded.data["part"] == first.pk


def test_a_walk_in_of_a_session_of_several_parts_is_present_on_the_part_it_came_to(phone, two_days):
    first, second = session_parts(two_days)

    response = send(
        phone,
        two_days,
        walk_ins=[
            walk_in(
                "Dana Walker",
                "dana@example.org",
                when=(first.starts_at + timedelta(minutes=20)).isoformat(),
            )
        ],
    )

    assert outcomes(response) == ["saved"]
    (day,) = AttendanceDay.objects.all()
    assert (day.part, day.status, day.hours_attended) == (first, "present", Decimal("3.00"))


# Cost


def test_sixty_marks_cost_a_few_queries_each(phone, session, django_assert_max_num_queries):
    people = [EnrollmentFactory(session=session) for _ in range(60)]
    items = [mark(person, "present", when=at(session, 5)) for person in people]

    with django_assert_max_num_queries(SIXTY_MARKS_QUERIES):
        response = send(phone, session, items)

    assert outcomes(response) == ["saved"] * 60
    assert Attendance.objects.count() == 60
