"""The public enrolment pages: the form at /sessions/<id>/enrol/, its result page, the cancel
link from the emails, and what a workshop's page costs with its sessions listed."""

import re
from datetime import timedelta

from django.core import mail, signing
from django.test import Client, TestCase
from django.utils import timezone

import pytest

from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Participant, PendingEnrollment
from courses.sessions import emails
from courses.sessions.emails import cancel_token
from tests.enrolment import ask, confirm_link, confirmation_links, enrol_by_email
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)

ROLES = ["anonymous", "participant", "another_participant", "facilitator", "staff", "superuser"]

#: Queries a warm workshop page makes, whatever the number of its upcoming sessions. Measured
#: at 13 on SQLite and PostgreSQL: the site, routing to the page (6), view restrictions, site
#: settings, sessions with their counts, one prefetch of their parts, outcomes, prerequisites.
#: Then 17 for the two languages: the prerequisites in the reader's language, the page's
#: translations, the home and catalogue links, and the locales that mark another language.
WORKSHOP_PAGE_MAX_QUERIES = 17


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Global Solidarity")


@pytest.fixture
def local(db):
    return LocalFactory(number="3247", name="Social Services Workers")


@pytest.fixture
def session(workshop):
    return SessionFactory(workshop=workshop, capacity=2, venue="Labour Temple", city="Halifax")


def enrol_url(session):
    return f"/en/sessions/{session.pk}/enrol/"


def result_url(session):
    return f"/en/sessions/{session.pk}/enrol/done/"


def form_data(**changes):
    data = {
        "name": "Ana Lima",
        "email": "ana@example.org",
        "local": "3247",
        "preferred_language": "en",
        "accessibility_needs": "",
        "childcare_needs": "",
    }
    data.update(changes)
    return data


def has_enrol_form(response):
    return '<form method="post" class="form"' in response.text and 'name="email"' in response.text


# The form


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_see_the_enrol_form(client_as, users, session, role):
    response = client_as(users[role]).get(enrol_url(session))

    assert response.status_code == 200
    assert has_enrol_form(response)
    assert "Global Solidarity" in response.text
    assert "Labour Temple" in response.text
    assert "2 places left" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "participant", "facilitator", "staff"])
def test_everyone_may_enrol_by_confirming_from_the_email(client_as, users, session, local, role):
    client = client_as(users[role])

    asked = ask(client, session, form_data(accessibility_needs="Step-free"))

    assert asked.status_code == 302
    assert asked.url == f"/en/sessions/{session.pk}/enrol/check-your-email/"
    assert not Enrollment.objects.exists()
    assert not Participant.objects.exists()
    assert "ana@example.org" in client.get(asked.url).text
    [link] = confirmation_links("ana@example.org")

    confirmed = confirm_link(client, link)

    assert confirmed.status_code == 302
    assert confirmed.url == result_url(session)
    enrollment = Enrollment.objects.get()
    assert enrollment.status == EnrollmentStatus.CONFIRMED
    assert enrollment.accessibility_needs == "Step-free"
    assert enrollment.participant.local == local
    assert not enrollment.participant.local_confirmed
    result = client.get(confirmed.url)
    assert result.status_code == 200
    assert "You are enrolled" in result.text
    assert "Confirmed" in result.text
    assert "ana@example.org" in result.text


@pytest.mark.django_db
def test_a_full_session_puts_people_on_the_waitlist_with_their_position(client, session, local):
    EnrollmentFactory.create_batch(session.capacity, session=session)
    assert "Email me a link to join the waitlist" in client.get(enrol_url(session)).text

    first = enrol_by_email(client, session, form_data())
    second_client = Client()
    second = enrol_by_email(second_client, session, form_data(email="ben@example.org"))

    assert "You are on the waitlist, position 1" in client.get(first.url).text
    assert "You are on the waitlist, position 2" in second_client.get(second.url).text
    assert Enrollment.objects.filter(status=EnrollmentStatus.WAITLISTED).count() == 2


@pytest.mark.django_db
def test_the_result_page_is_shown_only_in_the_browser_that_confirmed(client, session, local):
    enrol_by_email(client, session, form_data())

    stranger = Client().get(result_url(session))

    assert stranger.status_code == 302
    assert stranger.url == enrol_url(session)
    assert client.get(result_url(session)).status_code == 200


@pytest.mark.django_db
def test_a_signed_in_member_enrols_in_one_click(client, participant, session, local):
    ParticipantFactory(user=participant, name="Pat Member", email="pat@example.org", local=local)
    client.force_login(participant)

    page = client.get(enrol_url(session))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(enrol_url(session), {"childcare_needs": "One child, 4"})

    assert set(page.context["form"].fields) == {"accessibility_needs", "childcare_needs"}
    assert "Pat Member" in page.text
    assert "pat@example.org" in page.text
    assert response.status_code == 302
    assert response.url == result_url(session)
    enrollment = Enrollment.objects.get()
    assert enrollment.participant.email == "pat@example.org"
    assert enrollment.childcare_needs == "One child, 4"
    assert [message.to for message in mail.outbox] == [["pat@example.org"]]


@pytest.mark.django_db
def test_a_signed_in_member_is_told_why_a_rule_refuses(client, participant, workshop, local):
    other = LocalFactory(number="1001", name="Library Workers")
    session = SessionFactory(workshop=workshop, restricted_to_local=other)
    ParticipantFactory(user=participant, local=local, local_confirmed=True)
    client.force_login(participant)

    response = client.post(enrol_url(session), {})

    assert response.status_code == 200
    assert "This session is only for members of Local 1001" in response.text
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("email", "ana-at-example", "Enter a valid email address."),
        ("local", "99999", "We could not find local “99999”"),
        ("name", "   ", "This field is required."),
    ],
)
def test_a_mistake_is_explained_at_its_field_and_the_input_is_kept(
    client, session, local, field, typed, error
):
    data = form_data(accessibility_needs="Sign language interpreter", **{field: typed})

    response = client.post(enrol_url(session), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(error in message for message in form.errors[field])
    # The error is tied to its input for screen readers.
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', response.text)
    assert "Sign language interpreter" in response.text
    if typed.strip():
        assert f'value="{typed}"' in response.text
    assert not Enrollment.objects.exists()
    assert not Participant.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "Ana\x00Lima"}, "name"),
        ({"email": "ana\x00@example.org"}, "email"),
        ({"local": "32\x0047"}, "local"),
        ({"name": "x" * 10_000, "accessibility_needs": "z" * 10_000}, "name"),
        ({"local": "y" * 10_000}, "local"),
        ({"preferred_language": "klingon"}, "preferred_language"),
    ],
    ids=["nul-name", "nul-email", "nul-local", "long-name", "long-local", "bad-choice"],
)
def test_garbage_is_refused_at_its_field_never_with_an_error_page(
    client, session, local, changes, field
):
    response = client.post(enrol_url(session), form_data(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_a_repeated_field_takes_the_last_value(client, session, local):
    response = ask(client, session, form_data(email=["a@example.org", "b@example.org"]))

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["b@example.org"]]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_download_the_calendar_file(client_as, users, session, role):
    response = client_as(users[role]).get(f"/en/sessions/{session.pk}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


@pytest.mark.django_db
def test_an_empty_post_asks_for_every_required_field(client, session):
    response = client.post(enrol_url(session), {})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "email", "local", "preferred_language"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_session_is_not_found(client, db, method):
    response = getattr(client, method)("/en/sessions/987654/enrol/", form_data())

    assert response.status_code == 404
    assert client.get("/en/sessions/not-a-number/enrol/").status_code == 404


@pytest.mark.django_db
def test_a_session_of_an_unpublished_workshop_is_not_found(client, catalogue):
    draft = WorkshopPageFactory(parent=catalogue, live=False)

    assert client.get(enrol_url(SessionFactory(workshop=draft))).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"registration_deadline": timezone.now() - timedelta(hours=1)},
            "Registration for this session is closed.",
        ),
        ({"status": SessionStatus.CANCELLED}, "This session has been cancelled."),
        ({"status": SessionStatus.DELIVERED}, "This session has already taken place."),
    ],
    ids=["deadline-passed", "cancelled", "delivered"],
)
def test_a_closed_session_says_so_and_shows_no_form(client, workshop, local, changes, message):
    session = SessionFactory(workshop=workshop, **changes)

    page = client.get(enrol_url(session))
    sent = client.post(enrol_url(session), form_data())

    for response in (page, sent):
        assert response.status_code == 200
        assert message in response.text
        assert not has_enrol_form(response)
        assert "See other sessions of this workshop" in response.text
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_the_deadline_passing_while_the_form_is_open_is_explained(client, workshop, local):
    session = SessionFactory(workshop=workshop)
    assert has_enrol_form(client.get(enrol_url(session)))
    session.registration_deadline = timezone.now() - timedelta(minutes=1)
    session.save()

    response = client.post(enrol_url(session), form_data())

    assert "Registration for this session is closed." in response.text
    assert not has_enrol_form(response)


@pytest.mark.django_db
def test_enrolling_twice_is_said_in_the_email_not_on_the_form(client, session, local):
    enrol_by_email(client, session, form_data())
    mail.outbox.clear()

    again = ask(Client(), session, form_data(email="ANA@example.org"))

    assert again.status_code == 302
    assert again.url == f"/en/sessions/{session.pk}/enrol/check-your-email/"
    [message] = mail.outbox
    assert "already enrolled in it or on its waitlist" in message.body
    assert "/en/my-learning/" in message.body
    assert "/en/enrolments/confirm/" not in message.body
    assert Enrollment.objects.count() == 1
    assert Participant.objects.count() == 1


@pytest.mark.django_db
def test_a_session_for_another_local_is_refused_in_the_email(client, workshop, local):
    other = LocalFactory(number="1001", name="Library Workers")
    session = SessionFactory(workshop=workshop, restricted_to_local=other)

    response = ask(client, session, form_data(local="1001"))

    assert response.status_code == 302
    [message] = mail.outbox
    assert "only for members of Local 1001" in message.body
    assert "/en/enrolments/confirm/" not in message.body
    assert not Enrollment.objects.exists()
    assert not PendingEnrollment.objects.exists()


@pytest.mark.django_db
def test_a_missing_prerequisite_is_named_in_the_email(client, catalogue, workshop, local):
    advanced = WorkshopPageFactory(
        parent=catalogue, title="Solidarity in Action", prerequisites=[workshop]
    )
    session = SessionFactory(workshop=advanced)

    response = ask(client, session, form_data())

    assert response.status_code == 302
    [message] = mail.outbox
    assert "Please take it first" in message.body
    assert "Global Solidarity" in message.body
    assert not Enrollment.objects.exists()


# The cancel link from the emails


def cancel_link(enrollment):
    return f"/en/enrolments/cancel/{cancel_token(enrollment)}/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_whoever_holds_the_link_may_cancel_after_confirming(
    client_as, users, session, role, django_capture_on_commit_callbacks
):
    """The link is the proof: it works in any browser, signed in or not."""
    enrollment = EnrollmentFactory(session=session)
    client = client_as(users[role])

    page = client.get(cancel_link(enrollment))
    assert page.status_code == 200
    assert "Cancel your enrolment?" in page.text
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(cancel_link(enrollment))

    assert done.status_code == 200
    assert "Your enrolment is cancelled" in done.text
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CANCELLED
    assert [message.to for message in mail.outbox] == [[enrollment.participant.email]]


@pytest.mark.django_db
def test_leaving_the_waitlist_by_link_promotes_nobody(client, session):
    EnrollmentFactory.create_batch(session.capacity, session=session)
    waiting = EnrollmentFactory(session=session, status=EnrollmentStatus.WAITLISTED)

    assert "Leave the waitlist?" in client.get(cancel_link(waiting)).text
    done = client.post(cancel_link(waiting))

    assert "You left the waitlist" in done.text
    assert session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "token",
    ["nonsense", "a" * 5000, "eyJlbnJvbGxtZW50IjoxfQ:1u2v3w:forged"],
    ids=["nonsense", "long", "forged"],
)
def test_a_tampered_cancel_link_is_refused_kindly(client, session, method, token):
    enrollment = EnrollmentFactory(session=session)

    response = getattr(client, method)(f"/en/enrolments/cancel/{token}/")

    assert response.status_code == 404
    assert "This link no longer works" in response.text
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CONFIRMED


@pytest.mark.django_db
def test_a_link_signed_for_another_purpose_is_refused(client, session):
    enrollment = EnrollmentFactory(session=session)
    token = signing.dumps({"enrollment": enrollment.pk}, salt="another.purpose", compress=True)

    response = client.post(f"/en/enrolments/cancel/{token}/")

    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.is_active


@pytest.mark.django_db
def test_an_expired_cancel_link_is_refused_kindly(client, session, monkeypatch):
    enrollment = EnrollmentFactory(session=session)
    link = cancel_link(enrollment)
    monkeypatch.setattr(emails, "CANCEL_LINK_MAX_AGE", -1)

    response = client.post(link)

    assert response.status_code == 404
    assert "The cancellation link may have expired" in response.text
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CONFIRMED


@pytest.mark.django_db
def test_a_link_to_an_already_cancelled_enrolment_says_there_is_nothing_to_do(client, session):
    enrollment = EnrollmentFactory(session=session, status=EnrollmentStatus.CANCELLED)

    for response in (client.get(cancel_link(enrollment)), client.post(cancel_link(enrollment))):
        assert response.status_code == 200
        assert "This enrolment is already cancelled" in response.text
        assert "Yes, cancel my enrolment" not in response.text


@pytest.mark.django_db
def test_a_link_used_after_the_session_started_cancels_nothing(client, workshop):
    session = SessionFactory(workshop=workshop, start=timezone.now() - timedelta(hours=1))
    enrollment = EnrollmentFactory(session=session)

    response = client.post(cancel_link(enrollment))

    assert response.status_code == 200
    assert "This enrolment can no longer be cancelled" in response.text
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CONFIRMED


# What a workshop's page costs


@pytest.mark.django_db
def test_the_workshop_page_lists_its_upcoming_public_sessions(client, workshop, local):
    soon = SessionFactory(workshop=workshop, city="Halifax")
    SessionFactory(workshop=workshop, city="Past City", start=timezone.now() - timedelta(days=3))
    SessionFactory(workshop=workshop, city="Gone City", status=SessionStatus.CANCELLED)
    SessionFactory(workshop=workshop, city="Private City", restricted_to_local=local)

    response = client.get(workshop.url)

    assert response.status_code == 200
    assert enrol_url(soon) in response.text
    for hidden in ("Past City", "Gone City", "Private City"):
        assert hidden not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_the_workshop_page_costs_the_same_however_many_sessions(
    client, workshop, django_assert_max_num_queries, size
):
    for number in range(size):
        session = SessionFactory(
            workshop=workshop, start=timezone.now() + timedelta(days=7 + number), days=2
        )
        EnrollmentFactory(session=session)
    client.get(workshop.url)  # creates the site's settings row once, outside the budget

    with django_assert_max_num_queries(WORKSHOP_PAGE_MAX_QUERIES):
        response = client.get(workshop.url)

    assert response.status_code == 200
    assert len(response.context["upcoming_sessions"]) == size
