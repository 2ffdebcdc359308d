"""A fair waitlist: a freed seat always goes to the first person waiting, never to a newcomer;
a session may keep it for them for some hours (OFFERED) until they accept it from a link (a
POST: opening the link changes nothing), after which it goes to the next person; staff may
offer a place to someone chosen on the waitlist. A seat offered counts as taken everywhere
seats are counted, and the people waiting see their right position."""

import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from courses.choices import EnrollmentStatus
from courses.models import Enrollment, Participant, Session
from courses.sessions.enrollment import (
    OfferClosed,
    accept_offer,
    cancel,
    enrol,
    offer_place,
    waitlist_position,
)
from education.stack import SCHEDULE
from tests.courses.calendars import attachment, events
from tests.factories import ParticipantFactory, SessionFactory, UserFactory, WorkshopPageFactory

pytestmark = pytest.mark.django_db

WORKSHOP = "Handling Conflict"
OFFER_LINK = re.compile(r"http://testserver((?:/[a-z]{2})?/enrolments/offer/[^/\s]+/)")


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title=WORKSHOP)


def full_session(workshop, *, capacity=2, waiting=3, offer_hours=None):
    """A session whose seats are taken, with people waiting, all through the rules."""
    session = SessionFactory(workshop=workshop, capacity=capacity, offer_hours=offer_hours)
    seated = [
        enrol(session.pk, ParticipantFactory(email=f"seated{n}@example.org").pk).enrollment
        for n in range(capacity)
    ]
    queue = [
        enrol(session.pk, ParticipantFactory(email=f"waiting{n}@example.org").pk).enrollment
        for n in range(waiting)
    ]
    return session, seated, queue


def reload(enrollment):
    return Enrollment.objects.get(pk=enrollment.pk)


def statuses(enrollments):
    return [reload(enrollment).status for enrollment in enrollments]


def run(action, capture, *args, **kwargs):
    """Run ``action`` and return what it returned and the emails sent once it committed."""
    mail.outbox.clear()
    with capture(execute=True):
        result = action(*args, **kwargs)
    return result, list(mail.outbox)


def lapse(enrollment):
    """The offer's time is up (as if the hours had passed)."""
    Enrollment.objects.filter(pk=enrollment.pk).update(
        offered_until=timezone.now() - timedelta(minutes=1)
    )


# Nobody jumps the queue


def test_a_higher_capacity_goes_to_the_people_waiting_before_any_newcomer(workshop):
    session, _seated, queue = full_session(workshop, capacity=2, waiting=3)
    # The capacity goes up by a path that does not seat anyone (a script, the shell...).
    Session.objects.filter(pk=session.pk).update(capacity=5)

    newcomer = enrol(session.pk, ParticipantFactory().pk)

    assert statuses(queue) == [EnrollmentStatus.CONFIRMED] * 3
    assert not newcomer.confirmed
    assert newcomer.position == 1


def test_a_newcomer_gets_a_seat_left_over_once_nobody_waits(workshop):
    session, _seated, queue = full_session(workshop, capacity=2, waiting=1)
    Session.objects.filter(pk=session.pk).update(capacity=4)

    newcomer = enrol(session.pk, ParticipantFactory().pk)

    assert statuses(queue) == [EnrollmentStatus.CONFIRMED]
    assert newcomer.confirmed


def test_staff_removing_someone_seats_the_first_waiting(
    client, staff, workshop, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session(workshop)
    client.force_login(staff)

    _response, outbox = run(
        client.post,
        django_capture_on_commit_callbacks,
        reverse(
            "wagtailsnippets_courses_session:cancel_enrollment", args=[session.pk, seated[0].pk]
        ),
        follow=True,
    )

    assert statuses(queue) == [
        EnrollmentStatus.CONFIRMED,
        EnrollmentStatus.WAITLISTED,
        EnrollmentStatus.WAITLISTED,
    ]
    assert {message.to[0] for message in outbox} == {"seated0@example.org", "waiting0@example.org"}


# Places kept for the first person waiting


def test_a_freed_place_is_kept_for_the_first_person_waiting(
    workshop, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session(workshop, offer_hours=24)
    before = timezone.now()

    promoted, outbox = run(cancel, django_capture_on_commit_callbacks, seated[0].pk)

    first = reload(queue[0])
    assert [enrollment.pk for enrollment in promoted] == [first.pk]
    assert first.status == EnrollmentStatus.OFFERED
    assert (
        before + timedelta(hours=24) <= first.offered_until <= timezone.now() + timedelta(hours=24)
    )
    [offer] = [message for message in outbox if message.to == ["waiting0@example.org"]]
    assert offer.subject == f"A place is kept for you: {WORKSHOP}"
    assert OFFER_LINK.search(offer.body)
    assert OFFER_LINK.search(offer.body).group(1) in offer.alternatives[0][0]
    assert offer.attachments == []  # no seat yet, so nothing for the calendar
    assert session.seats_taken == 2  # the seat is held


def test_an_offer_never_lasts_past_the_start(workshop, django_capture_on_commit_callbacks):
    session, seated, queue = full_session(workshop, offer_hours=24 * 30)

    run(cancel, django_capture_on_commit_callbacks, seated[0].pk)

    assert reload(queue[0]).offered_until == session.starts_at


def test_opening_the_link_changes_nothing_and_pressing_the_button_takes_the_place(
    client, workshop, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session(workshop, offer_hours=24)
    _promoted, outbox = run(cancel, django_capture_on_commit_callbacks, seated[0].pk)
    [offer] = [message for message in outbox if message.to == ["waiting0@example.org"]]
    path = OFFER_LINK.search(offer.body).group(1)

    for method in ("get", "head", "get"):
        response = getattr(client, method)(path)
        assert response.status_code == 200
    assert reload(queue[0]).status == EnrollmentStatus.OFFERED
    page = client.get(path).content.decode()
    assert "Accept the place" in page
    assert 'method="post"' in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)

    assert response.status_code == 200
    assert "Your place is confirmed" in response.content.decode()
    accepted = reload(queue[0])
    assert accepted.status == EnrollmentStatus.CONFIRMED
    assert accepted.confirmed_at is not None
    [confirmation] = mail.outbox
    assert confirmation.subject == f"You are enrolled: {WORKSHOP}"
    assert events(attachment(confirmation))
    # Pressing again is harmless.
    assert client.post(path).status_code == 200
    assert reload(queue[0]).status == EnrollmentStatus.CONFIRMED


def test_accepting_after_the_time_is_up_is_refused_and_the_next_person_is_offered_it(
    client, workshop, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session(workshop, offer_hours=24)
    _promoted, outbox = run(cancel, django_capture_on_commit_callbacks, seated[0].pk)
    path = OFFER_LINK.search(outbox[-1].body).group(1)
    lapse(queue[0])

    assert "This offer is no longer open" in client.get(path).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)

    assert "This offer is no longer open" in response.content.decode()
    assert statuses(queue) == [
        EnrollmentStatus.CANCELLED,
        EnrollmentStatus.OFFERED,
        EnrollmentStatus.WAITLISTED,
    ]
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "waiting0@example.org": f"The place kept for you has gone: {WORKSHOP}",
        "waiting1@example.org": f"A place is kept for you: {WORKSHOP}",
    }
    with pytest.raises(OfferClosed):
        accept_offer(queue[0].pk)


def test_the_hourly_command_passes_lapsed_offers_on(workshop, django_capture_on_commit_callbacks):
    session, seated, queue = full_session(workshop, offer_hours=2)
    run(cancel, django_capture_on_commit_callbacks, seated[0].pk)
    lapse(queue[0])

    _result, outbox = run(call_command, django_capture_on_commit_callbacks, "lapse_place_offers")

    assert statuses(queue) == [
        EnrollmentStatus.CANCELLED,
        EnrollmentStatus.OFFERED,
        EnrollmentStatus.WAITLISTED,
    ]
    assert sorted(message.to[0] for message in outbox) == [
        "waiting0@example.org",
        "waiting1@example.org",
    ]
    # Running it again does nothing more.
    _result, outbox = run(call_command, django_capture_on_commit_callbacks, "lapse_place_offers")
    assert outbox == []


def test_the_command_is_on_the_clock_and_in_the_deployment_guide():
    assert (["lapse_place_offers"], 3600) in SCHEDULE
    guide = (Path(settings.BASE_DIR) / "docs" / "deploying.md").read_text()
    assert "`python manage.py lapse_place_offers` | hourly" in guide


def test_a_lapsed_offer_is_passed_on_as_soon_as_the_next_person_looks(
    client, workshop, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session(workshop, offer_hours=2)
    run(cancel, django_capture_on_commit_callbacks, seated[0].pk)
    lapse(queue[0])
    user = UserFactory(email="waiting1@example.org")
    Participant.objects.filter(pk=queue[1].participant_id).update(user=user)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("courses:my_learning")).content.decode()

    assert reload(queue[1]).status == EnrollmentStatus.OFFERED
    assert "Places kept for you" in page
    assert "Accept the place" in page


def test_a_lapsed_offer_is_passed_on_when_staff_open_the_people_page(
    client, staff, workshop, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session(workshop, offer_hours=2)
    run(cancel, django_capture_on_commit_callbacks, seated[0].pk)
    lapse(queue[0])
    client.force_login(staff)

    response = client.get(reverse("wagtailsnippets_courses_session:people", args=[session.pk]))

    assert statuses(queue)[:2] == [EnrollmentStatus.CANCELLED, EnrollmentStatus.OFFERED]
    html = response.content.decode()
    assert "Offered a place: 1 person" in html
    assert "Offer open until" in html


def test_letting_the_place_go_offers_it_to_the_next(workshop, django_capture_on_commit_callbacks):
    session, seated, queue = full_session(workshop, offer_hours=24)
    run(cancel, django_capture_on_commit_callbacks, seated[0].pk)

    run(cancel, django_capture_on_commit_callbacks, queue[0].pk)

    assert statuses(queue)[:2] == [EnrollmentStatus.CANCELLED, EnrollmentStatus.OFFERED]


def test_the_offer_link_is_rate_limited_and_a_forged_one_finds_nothing(
    client, workshop, settings, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session(workshop, offer_hours=24)
    _promoted, outbox = run(cancel, django_capture_on_commit_callbacks, seated[0].pk)
    path = OFFER_LINK.search(outbox[-1].body).group(1)

    assert client.get(reverse("courses:accept_offer", args=["forged"])).status_code == 404
    settings.EDUCATION_RATE_LIMITS = {"link.client": "2/h"}
    assert [client.post(path).status_code for _ in range(3)][-1] == 429
    assert reload(queue[0]).status in (EnrollmentStatus.OFFERED, EnrollmentStatus.CONFIRMED)


# A seat offered is a seat taken


def test_a_seat_offered_counts_against_the_capacity_everywhere(
    client, staff, workshop, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session(workshop, capacity=2, waiting=1, offer_hours=24)
    run(cancel, django_capture_on_commit_callbacks, seated[0].pk)

    counted = Session.objects.with_counts().get(pk=session.pk)
    assert (counted.confirmed_count, counted.offered_count, counted.waitlisted_count) == (1, 1, 0)
    assert counted.places_left == 0
    assert Session.objects.get(pk=session.pk).places_left == 0
    # A newcomer waits: the seat is kept for the person offered it.
    newcomer = enrol(session.pk, ParticipantFactory().pk)
    assert not newcomer.confirmed
    # The workshop page says the session is full.
    assert "Join the waitlist" in client.get(workshop.url).content.decode()
    # So do the admin's list, the dashboard and the reports.
    client.force_login(staff)
    listing = client.get(reverse("wagtailsnippets_courses_session:list")).content.decode()
    assert "1 + 1 offered / 2" in listing
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 + 1 offered / 2" in dashboard
    assert "100.0 %" in dashboard
    report = client.get(
        reverse("education_reports:sessions"),
        {"export": "csv", "period_from": "", "period_to": ""},
    )
    report = b"".join(report.streaming_content).decode("utf-8-sig")
    header, row = report.splitlines()[:2]
    values = dict(zip(header.split(","), row.split(","), strict=False))
    assert values["Offered a place"] == "1"
    assert values["Fill rate (%)"] == "100.0"


# Staff offer a place to someone chosen


def people_url(session):
    return reverse("wagtailsnippets_courses_session:people", args=[session.pk])


def offer_url(session, enrollment):
    return reverse("wagtailsnippets_courses_session:offer_place", args=[session.pk, enrollment.pk])


def test_staff_offer_a_place_to_someone_chosen_on_the_waitlist(
    client, staff, workshop, django_capture_on_commit_callbacks
):
    session, _seated, queue = full_session(workshop, offer_hours=48)
    client.force_login(staff)
    people = client.get(people_url(session)).content.decode()
    assert offer_url(session, queue[2]) in people
    confirm = client.get(offer_url(session, queue[2])).content.decode()
    assert "this place goes over the session’s capacity" in confirm
    assert reload(queue[2]).status == EnrollmentStatus.WAITLISTED  # asking changed nothing

    _response, outbox = run(
        client.post, django_capture_on_commit_callbacks, offer_url(session, queue[2]), follow=True
    )

    assert statuses(queue) == [
        EnrollmentStatus.WAITLISTED,
        EnrollmentStatus.WAITLISTED,
        EnrollmentStatus.OFFERED,
    ]
    [offer] = outbox
    assert offer.to == ["waiting2@example.org"]
    assert offer.subject == f"A place is kept for you: {WORKSHOP}"
    entry = ModelLogEntry.objects.get(action="courses.session.offer_place")
    assert entry.data["name"] == reload(queue[2]).participant.name
    # The others keep their order.
    assert [waitlist_position(reload(e)) for e in queue[:2]] == [1, 2]


def test_without_hours_to_accept_the_chosen_person_has_the_place_at_once(
    workshop, django_capture_on_commit_callbacks
):
    session, _seated, queue = full_session(workshop)

    enrollment, outbox = run(offer_place, django_capture_on_commit_callbacks, queue[1].pk)

    assert enrollment.status == EnrollmentStatus.CONFIRMED
    assert [message.subject for message in outbox] == [f"A place opened up: {WORKSHOP}"]


def test_only_someone_waiting_can_be_offered_a_place(client, staff, workshop):
    session, seated, _queue = full_session(workshop)
    client.force_login(staff)

    response = client.post(offer_url(session, seated[0]), follow=True)

    assert "This person is no longer on the waitlist." in response.content.decode()
    assert reload(seated[0]).status == EnrollmentStatus.CONFIRMED


def test_only_staff_offer_places(client, facilitator, participant, workshop):
    session, _seated, queue = full_session(workshop)
    session.facilitators.add(facilitator)

    for user in (None, participant, facilitator):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.post(offer_url(session, queue[0]))
        assert response.status_code in (302, 403)
        assert reload(queue[0]).status == EnrollmentStatus.WAITLISTED


# What the people waiting see


def test_my_learning_shows_the_place_kept_and_right_positions(
    client, workshop, django_capture_on_commit_callbacks
):
    session, seated, queue = full_session(workshop, offer_hours=24)
    users = {}
    for index in (0, 1):
        user = UserFactory(email=f"waiting{index}@example.org")
        Participant.objects.filter(pk=queue[index].participant_id).update(user=user)
        users[index] = user
    run(cancel, django_capture_on_commit_callbacks, seated[0].pk)

    client.force_login(users[0])
    offered = client.get(reverse("courses:my_learning"))
    assert [e.pk for e in offered.context["offered"]] == [queue[0].pk]
    assert offered.context["waitlisted"] == []
    assert reverse("courses:accept_offer", args=["x"])[: -len("x/")] in offered.content.decode()

    client.force_login(users[1])
    waiting = client.get(reverse("courses:my_learning"))
    [shown] = waiting.context["waitlisted"]
    assert shown.position == 1
    assert "Waitlist position 1" in waiting.content.decode()
