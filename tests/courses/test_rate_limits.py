"""Rate limits and honeypots on the public endpoints of the courses app that send email or
check a secret: what a flood gets, and that what a person typed comes back."""

from datetime import timedelta

from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

import pytest

from courses.models import PendingEnrollment, SessionRequest
from courses.ratelimits import client_ip, hit
from courses.requests.emails import request_status_token
from courses.sessions.emails import cancel_token
from tests.enrolment import ask, enrol_url
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    SessionRequestFactory,
    SessionRequestPageFactory,
    WorkshopPageFactory,
)


@pytest.fixture
def session(catalogue):
    LocalFactory(number="3247")
    return SessionFactory(workshop=WorkshopPageFactory(parent=catalogue), capacity=50)


def enrol_data(email="ana@example.org", **changes):
    return {
        "name": "Ana Lima",
        "email": email,
        "local": "3247",
        "preferred_language": "en",
        "accessibility_needs": "A quiet room",
        **changes,
    }


def from_address(ip):
    return Client(REMOTE_ADDR=ip)


# Sign-in requests


@pytest.mark.django_db
def test_sign_in_requests_for_one_address_are_limited_whoever_sends_them(settings):
    settings.EDUCATION_RATE_LIMITS = {"sign_in.address": "3/h"}
    ParticipantFactory(email="ana@example.org")

    answers = [
        from_address(f"10.0.0.{n}").post("/en/sign-in/", {"email": "ana@example.org"})
        for n in range(5)
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    refused = answers[-1]
    assert int(refused["Retry-After"]) > 0
    assert "Please try again in" in refused.text
    assert 'value="ana@example.org"' in refused.text
    # Another address is not held back.
    assert (
        from_address("10.0.0.9").post("/en/sign-in/", {"email": "b@example.org"}).status_code == 302
    )


@pytest.mark.django_db
def test_sign_in_requests_from_one_client_are_limited_whatever_the_address(settings):
    settings.EDUCATION_RATE_LIMITS = {"sign_in.client": "4/h"}
    client = from_address("192.0.2.7")

    statuses = [
        client.post("/en/sign-in/", {"email": f"person{n}@example.org"}).status_code
        for n in range(6)
    ]

    assert statuses == [302] * 4 + [429] * 2
    assert from_address("192.0.2.8").post(
        "/en/sign-in/", {"email": "x@example.org"}
    ).status_code == (302)


@pytest.mark.django_db
def test_twenty_sign_in_requests_to_one_address_send_at_most_the_limit():
    ParticipantFactory(email="ana@example.org")
    client = Client()

    for _ in range(20):
        client.post("/en/sign-in/", {"email": "ana@example.org"})

    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_the_limited_page_is_in_the_persons_language(settings):
    settings.EDUCATION_RATE_LIMITS = {"sign_in.client": "1/h"}
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.post("/fr/sign-in/", {"email": "a@example.org"})

    refused = client.post("/fr/sign-in/", {"email": "a@example.org"})

    assert refused.status_code == 429
    assert refused["Content-Language"] == "fr"
    assert '<html lang="fr">' in refused.text
    assert "Trop de tentatives" in refused.text


# Enrolment requests


@pytest.mark.django_db
def test_enrolment_requests_for_one_address_are_limited_and_keep_what_was_typed(settings, session):
    settings.EDUCATION_RATE_LIMITS = {"enrol.address": "2/h"}

    answers = [ask(from_address(f"10.1.0.{n}"), session, enrol_data()) for n in range(3)]

    assert [answer.status_code for answer in answers] == [302, 302, 429]
    refused = answers[-1]
    assert 'value="Ana Lima"' in refused.text
    assert "A quiet room" in refused.text
    assert "Please try again in" in refused.text
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_fourteen_made_up_addresses_from_one_client_take_no_seat(session):
    client = Client()

    answers = [ask(client, session, enrol_data(email=f"fake{n}@example.org")) for n in range(40)]

    assert session.enrollments.count() == 0
    assert {answer.status_code for answer in answers} == {302, 429}
    assert PendingEnrollment.objects.count() == 30  # the default "enrol.client" limit


# Links that check a secret


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_path",
    [
        lambda objects: f"/en/enrolments/confirm/{'forged' * 3}/",
        lambda objects: f"/en/enrolments/cancel/{cancel_token(objects['enrollment'])}/",
        lambda objects: f"/en/request-a-session/status/{request_status_token(objects['request'])}/",
        lambda objects: "/en/sign-in/link/?sesame=forged",
    ],
    ids=["confirm", "cancel", "request-status", "sign-in"],
)
def test_opening_private_links_is_limited_per_client(settings, session, make_path):
    settings.EDUCATION_RATE_LIMITS = {"link.client": "3/h"}
    objects = {
        "enrollment": EnrollmentFactory(session=session),
        "request": SessionRequestFactory(),
    }
    client = from_address("198.51.100.4")

    statuses = [client.get(make_path(objects)).status_code for _ in range(5)]

    assert statuses[3:] == [429, 429]
    assert 429 not in statuses[:3]
    assert from_address("198.51.100.5").get(make_path(objects)).status_code != 429


# Honeypots


@pytest.mark.django_db
def test_a_filled_honeypot_on_the_enrol_form_sends_nothing_and_answers_the_same(session):
    client = Client()

    response = ask(client, session, enrol_data(website="http://spam.example"))

    assert response.status_code == 302
    assert response.url == f"/en/sessions/{session.pk}/enrol/check-your-email/"
    assert mail.outbox == []
    assert not PendingEnrollment.objects.exists()


@pytest.mark.django_db
def test_the_honeypot_is_hidden_from_people(session):
    page = Client().get(enrol_url(session))

    assert '<div class="honeypot" aria-hidden="true">' in page.text
    assert 'tabindex="-1"' in page.text


@pytest.mark.django_db
def test_a_filled_honeypot_on_the_request_form_records_nothing(client, home_page, catalogue):
    workshop = WorkshopPageFactory(parent=catalogue, offered_on_request=True)
    page = SessionRequestPageFactory(parent=home_page, default_workshop=workshop)
    day = timezone.localdate()
    data = {
        "local": "3247",
        "contact_name": "Robin Tremblay",
        "contact_role": "President",
        "email": "robin@example.org",
        "phone": "450-555-0142",
        "workshop": str(workshop.pk),
        "goals": "A plan.",
        "participants": "14",
        "date_1": (day + timedelta(days=40)).isoformat(),
        "date_2": (day + timedelta(days=47)).isoformat(),
        "delivery_format": "online",
        "language": "en",
    }
    LocalFactory(number="3247")
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = client.post(page.url, data)
    assert sent.status_code == 302, sent.context["form"].errors
    assert SessionRequest.objects.count() == 1
    mail.outbox.clear()

    with TestCase.captureOnCommitCallbacks(execute=True):
        trapped = Client().post(page.url, {**data, "website": "spam"})

    assert trapped.status_code == 302
    assert trapped.url == sent.url  # the same answer as a person gets
    assert SessionRequest.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_ten_request_forms_from_one_client_send_at_most_the_limit(client, home_page, catalogue):
    workshop = WorkshopPageFactory(parent=catalogue, offered_on_request=True)
    page = SessionRequestPageFactory(parent=home_page, default_workshop=workshop)
    LocalFactory(number="3247")
    day = timezone.localdate()
    statuses = []
    for number in range(12):
        data = {
            "local": "3247",
            "contact_name": "Robin Tremblay",
            "contact_role": "President",
            "email": f"someone{number}@example.org",
            "phone": "450-555-0142",
            "workshop": str(workshop.pk),
            "goals": "A plan.",
            "participants": "14",
            "date_1": (day + timedelta(days=40)).isoformat(),
            "date_2": (day + timedelta(days=47)).isoformat(),
            "delivery_format": "online",
            "language": "en",
        }
        with TestCase.captureOnCommitCallbacks(execute=True):
            statuses.append(client.post(page.url, data).status_code)

    assert statuses == [302] * 10 + [429] * 2
    assert SessionRequest.objects.count() == 10
    refused = client.post(page.url, {**data, "goals": "Kept goals"})
    assert "Kept goals" in refused.text
    assert "Please try again in" in refused.text


# The client's address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1", "10.0.0.1"),
        (1, "203.0.113.9", "10.0.0.1", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "10.0.0.1", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "10.0.0.1", "203.0.113.9"),
        (1, "", "10.0.0.1", "10.0.0.1"),
    ],
)
def test_the_clients_address_is_the_one_the_trusted_proxy_saw(
    rf, settings, proxies, forwarded, remote, expected
):
    settings.EDUCATION_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)

    assert client_ip(request) == expected


def test_a_limit_turned_off_counts_nothing(rf, settings):
    settings.EDUCATION_RATE_LIMITS = {"sign_in.client": None}

    assert all(hit(rf.post("/en/sign-in/"), "sign_in.client") is None for _ in range(100))


@pytest.mark.parametrize(
    ("forwarded", "remote", "expected"),
    [
        ("not-an-ip", "10.0.0.1", "10.0.0.1"),
        ("203.0.113.9\x00", "10.0.0.1", "10.0.0.1"),
        ("2001:db8:1:2:3:4:5:6", "10.0.0.1", "2001:db8:1:2::"),
        ("2001:db8:1:2:ffff::9", "10.0.0.1", "2001:db8:1:2::"),
        ("::ffff:203.0.113.9", "10.0.0.1", "203.0.113.9"),
    ],
)
def test_a_forwarded_address_is_read_as_an_address(rf, settings, forwarded, remote, expected):
    settings.EDUCATION_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)

    assert client_ip(request) == expected


@pytest.mark.django_db
def test_a_failed_admin_log_in_with_a_forged_forwarded_header_is_no_error(settings, staff):
    settings.EDUCATION_PROXY_COUNT = 1
    client = Client(HTTP_X_FORWARDED_FOR="not-an-ip")

    response = client.post("/admin/login/", {"username": "staff", "password": "wrong"})

    assert response.status_code == 200


@pytest.mark.django_db
def test_password_reset_emails_are_limited(settings, staff):
    settings.EDUCATION_RATE_LIMITS = {"password_reset.address": "2/h"}
    statuses = [
        from_address(f"10.2.0.{n}")
        .post("/admin/password_reset/", {"email": "staff@example.org"})
        .status_code
        for n in range(4)
    ]

    assert statuses == [302, 302, 429, 429]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_password_reset_links_are_limited_per_client(settings):
    settings.EDUCATION_RATE_LIMITS = {"link.client": "2/h"}
    client = from_address("10.3.0.1")

    statuses = [
        client.get("/admin/password_reset/confirm/MQ/forged-token/").status_code for _ in range(3)
    ]

    assert statuses[2] == 429
    assert 429 not in statuses[:2]


@pytest.mark.django_db
def test_a_bot_on_a_closed_session_gets_the_answer_a_person_gets(catalogue):
    from django.utils import timezone as tz

    session = SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue),
        registration_deadline=tz.now() - timedelta(hours=1),
    )
    LocalFactory(number="3247")

    person = Client().post(f"/en/sessions/{session.pk}/enrol/", enrol_data())
    bot = Client().post(f"/en/sessions/{session.pk}/enrol/", enrol_data(website="x"))

    assert person.status_code == bot.status_code == 200
    assert "Registration for this session is closed." in bot.text
