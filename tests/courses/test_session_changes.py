"""Staff move a session or its place in the admin: everyone confirmed, offered a place or
waiting is emailed what changed, in their language, and people with a seat get an updated
calendar event (same UID, higher SEQUENCE). Nothing is sent when nothing people see changed,
and seats a higher capacity frees go to the people waiting."""

from datetime import timedelta

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from courses.admin_forms import OPENED_VALUES, OPENED_VERSION
from courses.choices import EnrollmentStatus
from courses.models import Enrollment
from courses.sessions.emails import send_enrollment_email
from courses.sessions.enrollment import enrol
from tests.courses.calendars import attachment, events, method
from tests.factories import (
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_staff_user,
)

pytestmark = pytest.mark.django_db

WORKSHOP = "Handling Conflict"


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(make_staff_user(username="editor"))
    return client


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title=WORKSHOP)


@pytest.fixture
def session(workshop):
    """Two days in person, one seat: Ana has it, Ben waits, Chloé (French) waits after him."""
    start = (timezone.now() + timedelta(days=20)).replace(hour=14, minute=0, second=0)
    return SessionFactory(
        workshop=workshop,
        capacity=1,
        start=start.replace(microsecond=0),
        days=2,
        venue="Union Hall",
        address="15 Gervais Drive",
        city="Toronto",
    )


@pytest.fixture
def people(session, django_capture_on_commit_callbacks):
    """Enrolled through the rules, so that Ana holds the confirmation email and its event."""
    with django_capture_on_commit_callbacks(execute=True):
        ana = enrol(session.pk, ParticipantFactory(name="Ana", email="ana@example.org").pk)
        ben = enrol(session.pk, ParticipantFactory(name="Ben", email="ben@example.org").pk)
        chloe = enrol(
            session.pk,
            ParticipantFactory(name="Chloé", email="chloe@example.org", preferred_language="fr").pk,
        )
    return {"ana": ana.enrollment, "ben": ben.enrollment, "chloe": chloe.enrollment}


def edit_url(session):
    return reverse("wagtailsnippets_courses_session:edit", args=[session.pk])


def form_data(client, session, parts=None, **changes):
    """What the session form posts, opened now, from the session as saved, with ``changes``
    and ``parts`` ((start, end) aware datetimes) in place of its dates when given."""
    page = client.get(edit_url(session))
    form = page.context["form"]
    opened = {name: form[name].value() for name in (OPENED_VERSION, OPENED_VALUES)}
    saved = list(session.parts.order_by("starts_at"))

    def typed(value):
        return session.local(value).strftime("%Y-%m-%d %H:%M")

    if parts is None:
        parts = [(part.starts_at, part.ends_at) for part in saved]
    rows = []
    for index, (start, end) in enumerate(parts):
        row = {"starts_at": typed(start), "ends_at": typed(end)}
        if index < len(saved):
            row["id"] = str(saved[index].pk)
        rows.append(row)
    for part in saved[len(parts) :]:
        rows.append(
            {
                "id": str(part.pk),
                "starts_at": typed(part.starts_at),
                "ends_at": typed(part.ends_at),
                "DELETE": "on",
            }
        )
    data = {
        "workshop": str(session.workshop_id),
        "parts": inline_formset(rows, initial=len(saved), min=1),
        "language": session.language,
        "time_zone": session.time_zone,
        "capacity": str(session.capacity),
        "venue": session.venue,
        "address": session.address,
        "city": session.city,
        "online_url": session.online_url,
        "registration_deadline": "",
        "offer_hours": str(session.offer_hours or ""),
        "restricted_to_local": "",
        "status": session.status,
    }
    data.update(changes)
    data = nested_form_data(data)
    data["facilitators"] = [str(user.pk) for user in session.facilitators.all()]
    data.update(opened)
    return data


def save(client, session, django_capture_on_commit_callbacks, parts=None, **changes):
    """Save the session's form with the changes; the emails sent once it committed."""
    data = form_data(client, session, parts, **changes)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(session), data)
    assert response.status_code == 302, response.context["form"].errors
    return response, list(mail.outbox)


def to(outbox, address):
    return [message for message in outbox if message.to == [address]]


def moved(session, days):
    return [
        (part.starts_at + timedelta(days=days), part.ends_at + timedelta(days=days))
        for part in session.parts.order_by("starts_at")
    ]


def day_text(session, value, language="en"):
    """The weekday and date of ``value`` in the session's zone, as written in ``language``."""
    with translation.override(language):
        local = session.local(value)
        return one_line(
            f"{formats.date_format(local, 'l')} {formats.date_format(local, 'DATE_FORMAT')}"
        )


def one_line(text):
    return " ".join(text.replace(",", " ").split())


def test_moving_a_session_tells_everyone_old_and_new_times(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    old_first = session.parts.order_by("starts_at").first().starts_at
    new_parts = moved(session, 7)

    _response, outbox = save(
        staff_client, session, django_capture_on_commit_callbacks, parts=new_parts
    )

    assert sorted(message.to[0] for message in outbox) == [
        "ana@example.org",
        "ben@example.org",
        "chloe@example.org",
    ]
    [ana] = to(outbox, "ana@example.org")
    assert ana.subject == f"Change to your session: {WORKSHOP}"
    before, now = ana.body.split("Before:")[1].split("Now:")
    assert day_text(session, old_first) in one_line(before)
    assert day_text(session, new_parts[0][0]) in one_line(now)
    assert day_text(session, new_parts[0][0]) not in one_line(before)
    # Chloé reads it in French: the dates are French ones.
    [chloe] = to(outbox, "chloe@example.org")
    assert day_text(session, new_parts[0][0], "fr") in one_line(chloe.body)
    assert day_text(session, old_first, "fr") in one_line(chloe.body)
    assert 'lang="fr"' in chloe.alternatives[0][0]
    assert ModelLogEntry.objects.filter(action="courses.session.tell_changes").count() == 1


def test_the_updated_event_has_the_same_uids_and_a_higher_sequence(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    confirmation = Enrollment.objects.get(pk=people["ana"].pk)
    original = events(attachment(send_enrollment_email(confirmation, "confirmed")))
    new_parts = moved(session, 1)

    _response, outbox = save(
        staff_client, session, django_capture_on_commit_callbacks, parts=new_parts
    )

    [ana] = to(outbox, "ana@example.org")
    updated = events(attachment(ana))
    assert method(attachment(ana)) == "PUBLISH"
    assert set(updated) == set(original)
    for uid, event in updated.items():
        assert event.decoded("sequence") > original[uid].decoded("sequence")
    starts = sorted(event.decoded("dtstart") for event in updated.values())
    assert starts == [start for start, _end in new_parts]
    # People waiting have no event in their calendar: their email brings none.
    [ben] = to(outbox, "ben@example.org")
    assert ben.attachments == []


def test_a_new_venue_is_told_with_the_old_one(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    _response, outbox = save(
        staff_client,
        session,
        django_capture_on_commit_callbacks,
        venue="Labour Temple",
        address="300 Main Street",
    )

    [ana] = to(outbox, "ana@example.org")
    before, now = ana.body.split("Before:")[1].split("Now:")
    assert "Union Hall, 15 Gervais Drive, Toronto" in before
    assert "Labour Temple, 300 Main Street, Toronto" in now.split("\n\n")[0]
    [location] = {str(event["location"]) for event in events(attachment(ana)).values()}
    assert location == "Labour Temple, 300 Main Street, Toronto"
    assert len(outbox) == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"capacity": "1", "registration_deadline": ""},
        {"language": "fr"},
        {"registration_deadline": "2099-01-01 09:00"},
    ],
    ids=["saved as it was", "language", "deadline"],
)
def test_nothing_is_sent_when_nothing_people_see_changed(
    staff_client, session, people, django_capture_on_commit_callbacks, changes
):
    _response, outbox = save(staff_client, session, django_capture_on_commit_callbacks, **changes)

    assert outbox == []
    assert not ModelLogEntry.objects.filter(action="courses.session.tell_changes").exists()


def test_a_new_meeting_link_is_news_only_to_people_with_a_seat(
    staff_client, workshop, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        workshop=workshop, capacity=1, venue="", online_url="https://meet.example.org/old"
    )
    EnrollmentFactory(session=session, participant__email="seated@example.org")
    EnrollmentFactory(
        session=session,
        participant__email="waiting@example.org",
        status=EnrollmentStatus.WAITLISTED,
    )

    _response, outbox = save(
        staff_client,
        session,
        django_capture_on_commit_callbacks,
        online_url="https://meet.example.org/new",
    )

    [message] = outbox
    assert message.to == ["seated@example.org"]
    assert "https://meet.example.org/old" in message.body.split("Now:")[0]
    assert "https://meet.example.org/new" in message.body
    [location] = {str(event["location"]) for event in events(attachment(message)).values()}
    assert location == "https://meet.example.org/new"


def test_going_online_tells_the_people_waiting_without_the_link(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    _response, outbox = save(
        staff_client,
        session,
        django_capture_on_commit_callbacks,
        venue="",
        address="",
        city="",
        online_url="https://meet.example.org/secret",
    )

    [ben] = to(outbox, "ben@example.org")
    assert "Online" in ben.body
    assert "meet.example.org" not in ben.body
    assert "meet.example.org" not in ben.alternatives[0][0]
    [ana] = to(outbox, "ana@example.org")
    assert "https://meet.example.org/secret" in ana.body


def test_a_day_taken_off_is_cancelled_in_the_updated_file(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    first = session.parts.order_by("starts_at").first()

    _response, outbox = save(
        staff_client,
        session,
        django_capture_on_commit_callbacks,
        parts=[(first.starts_at, first.ends_at + timedelta(hours=1))],
    )

    [ana] = to(outbox, "ana@example.org")
    updated = events(attachment(ana))
    statuses = {uid: str(event["status"]) for uid, event in updated.items()}
    assert statuses == {
        f"session-{session.pk}-part-1@union-education": "CONFIRMED",
        f"session-{session.pk}-part-2@union-education": "CANCELLED",
    }


def test_a_stale_form_saves_nothing_and_tells_nobody(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    stale = form_data(staff_client, session, parts=moved(session, 3))
    save(staff_client, session, django_capture_on_commit_callbacks, venue="Labour Temple")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(edit_url(session), stale)

    assert response.status_code == 200
    assert "someone else saved it" in response.content.decode()
    assert mail.outbox == []


def test_staff_are_told_how_many_people_were_emailed(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    data = form_data(staff_client, session, venue="Labour Temple")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(edit_url(session), data, follow=True)

    assert "3 people were emailed what changed." in response.content.decode()


def test_a_cancelled_session_changed_afterwards_tells_nobody(
    staff_client, workshop, django_capture_on_commit_callbacks
):
    session = SessionFactory(workshop=workshop, status="cancelled", cancellation_reason="Snow.")
    EnrollmentFactory(session=session, status=EnrollmentStatus.CANCELLED)

    _response, outbox = save(
        staff_client, session, django_capture_on_commit_callbacks, venue="Labour Temple"
    )

    assert outbox == []


# A higher capacity goes to the people waiting


def test_raising_the_capacity_seats_the_people_waiting_first(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    response, outbox = save(staff_client, session, django_capture_on_commit_callbacks, capacity="4")

    for name in ("ben", "chloe"):
        people[name].refresh_from_db()
        assert people[name].status == EnrollmentStatus.CONFIRMED
    assert sorted(message.to[0] for message in outbox) == [
        "ben@example.org",
        "chloe@example.org",
    ]
    [ben] = to(outbox, "ben@example.org")
    assert ben.subject == f"A place opened up: {WORKSHOP}"

    # Then a newcomer takes the one seat left, behind nobody.
    newcomer = enrol(session.pk, ParticipantFactory().pk)
    assert newcomer.confirmed


def test_raising_the_capacity_by_less_than_the_waitlist_keeps_the_order(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    save(staff_client, session, django_capture_on_commit_callbacks, capacity="2")

    for name, status in (
        ("ana", EnrollmentStatus.CONFIRMED),
        ("ben", EnrollmentStatus.CONFIRMED),
        ("chloe", EnrollmentStatus.WAITLISTED),
    ):
        people[name].refresh_from_db()
        assert people[name].status == status
    newcomer = enrol(session.pk, ParticipantFactory().pk)
    assert not newcomer.confirmed
    assert newcomer.position == 2


def test_raising_the_capacity_of_a_session_that_keeps_places_offers_them(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    session.offer_hours = 24
    session.save()

    _response, outbox = save(
        staff_client, session, django_capture_on_commit_callbacks, capacity="2", offer_hours="24"
    )

    people["ben"].refresh_from_db()
    assert people["ben"].status == EnrollmentStatus.OFFERED
    assert people["ben"].offered_until > timezone.now() + timedelta(hours=23)
    [ben] = to(outbox, "ben@example.org")
    assert ben.subject == f"A place is kept for you: {WORKSHOP}"


def test_a_session_moved_to_another_day_is_reminded_again(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    reminded = timezone.now() - timedelta(hours=1)
    Enrollment.objects.filter(session=session).update(reminder_sent_at=reminded)

    save(staff_client, session, django_capture_on_commit_callbacks, parts=moved(session, 7))

    assert set(
        Enrollment.objects.filter(session=session).values_list("reminder_sent_at", flat=True)
    ) == {None}


def test_a_session_moved_within_its_day_keeps_its_reminder(
    staff_client, session, people, django_capture_on_commit_callbacks
):
    reminded = timezone.now() - timedelta(hours=1)
    Enrollment.objects.filter(session=session).update(reminder_sent_at=reminded)
    later = [
        (start + timedelta(minutes=30), end + timedelta(minutes=30))
        for start, end in moved(session, 0)
    ]

    _response, outbox = save(staff_client, session, django_capture_on_commit_callbacks, parts=later)

    assert len(outbox) == 3  # the change itself is told
    assert set(
        Enrollment.objects.filter(session=session).values_list("reminder_sent_at", flat=True)
    ) == {reminded}
