"""What participants receive by email about their enrolments, and the session's calendar file."""

import re

from django.core import mail
from django.utils import formats, timezone, translation

import pytest
from icalendar import Calendar

from courses.choices import EnrollmentStatus
from courses.models import Enrollment
from courses.sessions.enrollment import cancel, cancel_session, enrol
from courses.sessions.tasks import send_enrollment_email
from tests.courses.calendars import attachment as calendar_attachment
from tests.factories import ParticipantFactory, SessionFactory, WorkshopPageFactory

CANCEL_LINK = re.compile(r"http://testserver((?:/[a-z]{2})?/enrolments/cancel/[^/\s]+/)")


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Stopping Workplace Bullying")


@pytest.fixture
def session(workshop):
    """Two days, in person, with one seat."""
    return SessionFactory(
        workshop=workshop,
        capacity=1,
        days=2,
        venue="Steelworkers Hall",
        address="25 Cecil Street",
        city="Toronto",
    )


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run an enrolment action and return the emails it sent once its transaction committed."""

    def run(action, *args, **kwargs):
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            action(*args, **kwargs)
        return mail.outbox[sent_before:]

    return run


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def events_of(ics):
    return Calendar.from_ical(ics).walk("VEVENT")


def cancel_path(message):
    return CANCEL_LINK.search(message.body).group(1)


def without_dtstamp(ics):
    return [line for line in ics.decode().splitlines() if not line.startswith("DTSTAMP")]


@pytest.mark.django_db
def test_the_confirmation_says_what_where_and_when_with_a_calendar_file(session, send):
    member = ParticipantFactory(name="Ana Lima", email="ana@example.org")

    [message] = send(enrol, session.pk, member.pk)

    assert message.to == ["ana@example.org"]
    assert "Stopping Workplace Bullying" in message.subject
    assert "Hello Ana Lima" in message.body
    assert "Steelworkers Hall" in message.body
    assert "http://testserver/en/workshops/stopping-workplace-bullying/" in message.body
    assert "http://testserver/en/my-learning/" in message.body
    html = html_of(message)
    assert 'lang="en"' in html
    assert "Stopping Workplace Bullying" in html
    assert cancel_path(message) in html

    events = events_of(calendar_attachment(message))
    parts = list(session.parts.order_by("starts_at"))
    assert len(events) == len(parts) == 2
    for event, part in zip(events, parts, strict=True):
        assert event.decoded("dtstart") == part.starts_at
        assert event.decoded("dtend") == part.ends_at
        assert event.decoded("dtstart").utcoffset() is not None  # never a floating time
        assert str(event["summary"]) == "Stopping Workplace Bullying"
        assert str(event["location"]) == "Steelworkers Hall, 25 Cecil Street, Toronto"
    assert len({str(event["uid"]) for event in events}) == 2


@pytest.mark.django_db
def test_an_online_session_puts_its_link_in_the_calendar(workshop, send):
    session = SessionFactory(workshop=workshop, venue="", online_url="https://meet.example.org/b")

    [message] = send(enrol, session.pk, ParticipantFactory().pk)

    [event] = events_of(calendar_attachment(message))
    assert str(event["location"]) == "https://meet.example.org/b"
    assert "https://meet.example.org/b" in message.body


@pytest.mark.django_db
def test_the_cancel_link_in_the_email_cancels_after_confirming(session, send, client):
    member = ParticipantFactory()
    [message] = send(enrol, session.pk, member.pk)
    path = cancel_path(message)
    enrollment = Enrollment.objects.get(participant=member)

    page = client.get(path)

    assert page.status_code == 200
    assert "Cancel your enrolment?" in page.text
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.CONFIRMED

    [cancelled] = send(client.post, path)

    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CANCELLED
    assert cancelled.subject == "Enrolment cancelled: Stopping Workplace Bullying"
    assert cancelled.to == [member.email]


@pytest.mark.django_db
def test_the_waitlist_email_offers_a_cancel_link_and_no_calendar(session, send):
    enrol(session.pk, ParticipantFactory().pk)

    [message] = send(enrol, session.pk, ParticipantFactory(email="next@example.org").pk)

    assert message.to == ["next@example.org"]
    assert message.subject == "You are on the waitlist: Stopping Workplace Bullying"
    assert message.attachments == []
    assert "leave the waitlist" in message.body
    assert cancel_path(message)


@pytest.mark.django_db
def test_the_promotion_email_brings_the_calendar_file(session, send):
    seat = enrol(session.pk, ParticipantFactory().pk).enrollment
    enrol(session.pk, ParticipantFactory(email="next@example.org").pk)

    emails = send(cancel, seat.pk)

    [promoted] = [message for message in emails if message.to == ["next@example.org"]]
    assert promoted.subject == "A place opened up: Stopping Workplace Bullying"
    assert len(events_of(calendar_attachment(promoted))) == 2
    assert cancel_path(promoted)


@pytest.mark.django_db
def test_the_session_cancelled_email_has_no_cancel_link_and_cancels_the_event(session, send):
    enrol(session.pk, ParticipantFactory(email="ana@example.org").pk)

    [message] = send(cancel_session, session.pk, reason="The venue flooded.")

    assert message.to == ["ana@example.org"]
    assert message.subject == "Session cancelled: Stopping Workplace Bullying"
    assert "has been cancelled" in message.body
    assert "The venue flooded." in message.body
    calendar = Calendar.from_ical(calendar_attachment(message))
    assert str(calendar["method"]) == "CANCEL"
    assert {str(event["status"]) for event in events_of(calendar_attachment(message))} == {
        "CANCELLED"
    }
    assert not CANCEL_LINK.search(message.body)


@pytest.mark.django_db
def test_mail_clients_are_told_to_add_or_remove_the_events_in_the_attachment_header(session, send):
    [confirmation] = send(enrol, session.pk, ParticipantFactory(email="ana@example.org").pk)
    [cancellation] = send(cancel_session, session.pk, reason="The venue flooded.")

    for message, method in ((confirmation, "PUBLISH"), (cancellation, "CANCEL")):
        [part] = message.attachments
        assert part.get_content_type() == "text/calendar"
        assert part.get_param("method") == method
        assert part.get_param("charset") == "utf-8"
        assert part.get_filename() == "session.ics"
        assert part["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_a_french_speaking_member_is_written_to_in_french(session, send):
    """The email is rendered with French active: dates and Django's own words are French.

    Dates, the session's language and the subject all come out in French.
    """
    member = ParticipantFactory(preferred_language="fr")
    first_day = timezone.localtime(session.parts.order_by("starts_at").first().starts_at)
    with translation.override("fr"):
        weekday = formats.date_format(first_day, "l")
        day = formats.date_format(first_day, "DATE_FORMAT")
    with translation.override("en"):
        english_weekday = formats.date_format(first_day, "l")

    [message] = send(enrol, session.pk, member.pk)

    assert weekday != english_weekday
    assert f"{weekday} {day}" in message.body
    assert english_weekday not in message.body
    assert "Anglais" in message.body  # the session's language, named in French
    assert message.subject.startswith("Inscription confirmée")
    assert 'lang="fr"' in html_of(message)
    assert translation.get_language() == "en"  # and nothing leaks into the next request


@pytest.mark.django_db
def test_the_calendar_file_matches_the_email_attachment(session, send, client):
    [message] = send(enrol, session.pk, ParticipantFactory().pk)

    response = client.get(f"/en/sessions/{session.pk}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "stopping-workplace-bullying.ics" in response["Content-Disposition"]
    assert len(events_of(response.content)) == 2
    assert without_dtstamp(response.content) == without_dtstamp(calendar_attachment(message))


@pytest.mark.django_db
def test_a_cancelled_session_calendar_says_so(workshop, client):
    session = SessionFactory(workshop=workshop, status="cancelled")

    response = client.get(f"/en/sessions/{session.pk}/calendar.ics")

    [event] = events_of(response.content)
    assert str(event["status"]) == "CANCELLED"


@pytest.mark.django_db
def test_the_calendar_of_an_unknown_session_is_not_found(client):
    assert client.get("/en/sessions/987654/calendar.ics").status_code == 404


@pytest.mark.django_db
def test_a_reminder_carries_the_calendar_and_a_cancel_link(session, send):
    enrollment = enrol(session.pk, ParticipantFactory().pk).enrollment
    mail.outbox.clear()

    [message] = send(send_enrollment_email.enqueue, enrollment_id=enrollment.pk, kind="reminder")

    assert message.subject == "Reminder: Stopping Workplace Bullying"
    assert len(events_of(calendar_attachment(message))) == 2
    assert cancel_path(message)
