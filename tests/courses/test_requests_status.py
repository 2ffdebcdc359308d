"""The private status page of a request: its signed link shows that one request, to whoever
holds it; a tampered link finds nothing, and an expired one says so and how to reach the team."""

import time
from datetime import timedelta

from django.core import signing
from django.utils import timezone

import pytest

from courses.choices import RequestStatus, SessionStatus
from courses.models import Session
from courses.requests.emails import (
    REQUEST_STATUS_LINK_MAX_AGE,
    REQUEST_STATUS_SALT,
    request_status_token,
)
from courses.requests.rules import change_status, create_session_from_request
from courses.sessions.emails import cancel_token
from home.models import OrganisationSettings
from tests.factories import (
    EnrollmentFactory,
    FacilitatorFactory,
    LocalFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
)

ROLES = ["anonymous", "participant", "another_participant", "facilitator", "staff", "superuser"]


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Strategic Planning for Your Local", offered_on_request=True
    )


@pytest.fixture
def session_request(workshop):
    return SessionRequestFactory(
        workshop=workshop,
        local=LocalFactory(number="3247", name="Social Services Workers"),
        staff_notes="Treasurer is hard to reach; call the president instead.",
        goals="Our private goals.",
    )


@pytest.fixture
def other_request(workshop):
    return SessionRequestFactory(
        workshop=workshop, local=LocalFactory(number="1104", name="Library Workers")
    )


def status_url(session_request):
    return f"/en/request-a-session/status/{request_status_token(session_request)}/"


def old_token(session_request, age):
    """A status token signed ``age`` seconds ago."""
    real_time = time.time
    signed_at = real_time() - age
    try:
        time.time = lambda: signed_at
        return request_status_token(session_request)
    finally:
        time.time = real_time


@pytest.fixture
def contact(site_root):
    OrganisationSettings.objects.update_or_create(
        site=site_root, defaults={"contact_email": "education@example.org"}
    )
    return "education@example.org"


# Who sees what


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_anyone_holding_the_link_sees_that_request(
    client_as, users, session_request, other_request, role
):
    response = client_as(users[role]).get(status_url(session_request))

    assert response.status_code == 200
    html = response.text
    assert session_request.reference in html
    assert "Local 3247, Social Services Workers" in html
    assert "Strategic Planning for Your Local" in html
    assert "New" in html
    # That request and nothing else: not another's, not what only staff see.
    assert other_request.reference not in html
    assert "Library Workers" not in html
    assert "hard to reach" not in html
    assert session_request.phone not in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_without_a_valid_link_nobody_sees_a_request(client_as, users, session_request, role):
    token = request_status_token(session_request)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client_as(users[role]).get(f"/en/request-a-session/status/{tampered}/")

    assert response.status_code == 404
    assert session_request.reference not in response.text


@pytest.mark.django_db
def test_an_assigned_facilitator_sees_no_more_than_anyone(client, session_request, workshop):
    facilitator = FacilitatorFactory(certified_workshops=[workshop]).user
    session_request.assigned_facilitator = facilitator
    session_request.save()
    client.force_login(facilitator)

    response = client.get(status_url(session_request))

    assert response.status_code == 200
    assert "hard to reach" not in response.text


@pytest.mark.django_db
def test_the_page_is_private_and_not_indexed(client, session_request):
    response = client.get(status_url(session_request))

    assert '<meta name="robots" content="noindex">' in response.text
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# What the page says


@pytest.mark.django_db
def test_the_page_lists_each_step_with_its_date(client, session_request, staff):
    change_status(session_request.pk, RequestStatus.IN_REVIEW, user=staff)

    response = client.get(status_url(session_request))

    history = response.context["history"]
    assert [step.status for step in history] == ["new", "in_review"]
    assert "Request received" in response.text
    assert "In review" in response.text
    today = timezone.localdate().isoformat()
    assert response.text.count(f'<time datetime="{today}T') == 2


@pytest.mark.django_db
def test_a_scheduled_request_shows_its_session(client, session_request, staff):
    start = (timezone.localtime() + timedelta(days=20)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    created = create_session_from_request(
        session_request.pk,
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        venue="Laval union hall",
        city="Laval",
        user=staff,
    )

    response = client.get(status_url(session_request))

    html = response.text
    assert "Scheduled" in html
    assert "Laval union hall" in html
    assert f"/en/sessions/{created.session.pk}/enrol/" in html
    assert "Only members of Local 3247, Social Services Workers can enrol" in html


@pytest.mark.django_db
def test_a_delivered_request_shows_the_session_that_took_place(client, session_request, staff):
    start = timezone.now() + timedelta(days=3)
    session = create_session_from_request(
        session_request.pk,
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        city="Laval",
        user=staff,
    ).session
    EnrollmentFactory(session=session, participant__local=session_request.local)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.DELIVERED)
    change_status(session_request.pk, RequestStatus.DELIVERED, user=staff)

    response = client.get(status_url(session_request))

    assert "Your session took place" in response.text
    assert "Enrol in the session" not in response.text


@pytest.mark.django_db
def test_a_declined_request_gives_its_reason(client, session_request, staff):
    change_status(
        session_request.pk, RequestStatus.DECLINED, user=staff, reason="Booked up until March."
    )

    response = client.get(status_url(session_request))

    assert "Declined" in response.text
    assert "Booked up until March." in response.text


# Links that do not work


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "eyJyZXF1ZXN0IjoxfQ:1xVWTh:forged-signature",
        signing.dumps({"request": 1}, salt="another.salt"),
        signing.dumps({"request": "1"}, salt=REQUEST_STATUS_SALT),
        signing.dumps(["request", 1], salt=REQUEST_STATUS_SALT),
    ],
    # Signed tokens hold the time they were made: name the cases, so that parallel test
    # workers collect the same tests.
    ids=["garbage", "forged", "another-salt", "id-as-text", "list"],
)
def test_a_tampered_or_foreign_link_is_not_found_with_a_kind_message(
    client, session_request, contact, token
):
    response = client.get(f"/en/request-a-session/status/{token}/")

    assert response.status_code == 404
    assert "We cannot find this request" in response.text
    assert contact in response.text


@pytest.mark.django_db
def test_a_cancel_link_is_no_status_link(client, session_request):
    enrollment = EnrollmentFactory()

    response = client.get(f"/en/request-a-session/status/{cancel_token(enrollment)}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_link_to_a_request_that_is_gone_is_not_found(client, session_request):
    url = status_url(session_request)
    session_request.delete()

    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_an_expired_link_says_so_and_how_to_reach_the_team(client, session_request, contact):
    token = old_token(session_request, REQUEST_STATUS_LINK_MAX_AGE + 60)

    response = client.get(f"/en/request-a-session/status/{token}/")

    assert response.status_code == 410
    html = response.text
    assert "This link has expired" in html
    assert session_request.reference in html
    assert f"mailto:{contact}" in html
    assert "Strategic Planning" not in html  # nothing more than which request it was


@pytest.mark.django_db
def test_a_link_almost_a_year_old_still_works(client, session_request):
    token = old_token(session_request, REQUEST_STATUS_LINK_MAX_AGE - 3600)

    assert client.get(f"/en/request-a-session/status/{token}/").status_code == 200
