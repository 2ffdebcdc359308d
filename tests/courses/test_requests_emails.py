"""What the person who asked and the education staff receive by email about a request."""

import re
from datetime import timedelta

from django.core import mail
from django.test import override_settings
from django.utils import timezone

import pytest

from courses.choices import RequestStatus
from courses.mail import education_contact_email, staff_notification_emails
from courses.requests.rules import change_status, create_session_from_request, submit_request
from home.models import OrganisationSettings
from tests.factories import LocalFactory, WorkshopPageFactory

STATUS_LINK = re.compile(r"http://testserver((?:/[a-z]{2})?/request-a-session/status/[^/\s\"]+/)")


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Strategic Planning for Your Local", offered_on_request=True
    )


@pytest.fixture
def settings_row(site_root):
    row, _created = OrganisationSettings.objects.get_or_create(site=site_root)
    row.contact_email = "education@example.org"
    row.staff_notification_emails = "education@example.org\nplanning@example.org"
    row.save()
    return row


@pytest.fixture
def fields(workshop):
    today = timezone.localdate()
    return {
        "local": LocalFactory(number="3247", name="Social Services Workers", city="Laval"),
        "local_name_other": "",
        "contact_name": "Robin Tremblay",
        "contact_role": "President",
        "email": "robin@example.org",
        "phone": "450-555-0142",
        "workshop": workshop,
        "goals": "A three-year plan and more stewards.",
        "participants": 14,
        "date_1": today + timedelta(days=40),
        "date_2": today + timedelta(days=47),
        "date_3": today + timedelta(days=61),
        "delivery_format": "in_person",
        "location": "Union hall, Laval",
        "language": "en",
        "accessibility_needs": "Captions, please.",
    }


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            result = action(*args, **kwargs)
        return result, mail.outbox[sent_before:]

    return run


def to(emails, address):
    [email] = [email for email in emails if address in email.to]
    return email


def html_of(email):
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    return html


# The acknowledgement


@pytest.mark.django_db
def test_the_acknowledgement_gives_the_reference_and_a_private_status_link(
    client, fields, send, settings_row
):
    session_request, emails = send(submit_request, **fields)

    email = to(emails, "robin@example.org")
    assert email.subject == f"We received your request {session_request.reference}"
    assert session_request.reference in email.body
    assert email.body.startswith("Hello,")
    assert "Robin Tremblay" not in email.body  # typed by someone who has not proved the address
    assert "Expected participants: 14" in email.body
    assert "Union hall, Laval" not in email.body
    assert email.reply_to == ["education@example.org"]
    path = STATUS_LINK.search(email.body).group(1)
    assert path in html_of(email)
    # The link works, and shows this request.
    response = client.get(path)
    assert response.status_code == 200
    assert session_request.reference in response.text


@pytest.mark.django_db
def test_a_french_request_is_answered_in_french(fields, send):
    fields["language"] = "fr"

    _request, emails = send(submit_request, **fields)

    assert '<html lang="fr">' in html_of(to(emails, "robin@example.org"))


# The staff


@pytest.mark.django_db
def test_the_staff_addresses_in_the_site_settings_are_told(fields, send, settings_row, site_root):
    session_request, emails = send(submit_request, site=site_root, **fields)

    email = to(emails, "planning@example.org")
    assert email.to == ["education@example.org", "planning@example.org"]
    assert email.reply_to == ["robin@example.org"]
    assert session_request.reference in email.subject
    assert "Local 3247, Social Services Workers" in email.subject
    assert "A three-year plan and more stewards." in email.body
    assert "Captions, please." in email.body
    assert "450-555-0142" in email.body
    assert f"/admin/snippets/courses/sessionrequest/edit/{session_request.pk}/" in email.body


@pytest.mark.django_db
def test_a_local_not_listed_is_named_for_the_staff(fields, send, settings_row, site_root):
    fields.update(local=None, local_name_other="Kingston Health Workers")

    _request, emails = send(submit_request, site=site_root, **fields)

    assert "Kingston Health Workers (not listed)" in to(emails, "planning@example.org").subject


@pytest.mark.django_db
def test_without_staff_addresses_only_the_requester_is_emailed(fields, send, site_root):
    _request, emails = send(submit_request, site=site_root, **fields)

    assert [email.to for email in emails] == [["robin@example.org"]]


@pytest.mark.django_db
@override_settings(EDUCATION_STAFF_NOTIFICATION_EMAILS=["Planning@example.org", "desk@example.org"])
def test_a_setting_adds_staff_addresses_without_repeats(settings_row, site_root):
    settings_row.staff_notification_emails = "planning@example.org, education@example.org"
    settings_row.save()

    assert staff_notification_emails(site_root) == [
        "planning@example.org",
        "education@example.org",
        "desk@example.org",
    ]


@pytest.mark.django_db
def test_the_contact_address_falls_back_to_the_sender(site_root):
    assert education_contact_email(site_root) == "education@example.org"  # DEFAULT_FROM_EMAIL


# Each change of status


@pytest.fixture
def session_request(fields):
    return submit_request(**fields)


@pytest.mark.django_db
def test_in_review(session_request, staff, send):
    _result, [email] = send(change_status, session_request.pk, RequestStatus.IN_REVIEW, user=staff)

    assert email.subject == f"Your request {session_request.reference} is in review"
    assert "reviewing your request" in email.body
    assert STATUS_LINK.search(email.body)


@pytest.mark.django_db
def test_scheduled_gives_the_date_place_and_enrol_link(session_request, staff, send):
    start = (timezone.localtime() + timedelta(days=30)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )

    created, emails = send(
        create_session_from_request,
        session_request.pk,
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        venue="Laval union hall",
        address="1600 boulevard Saint-Martin Est",
        city="Laval",
        user=staff,
    )

    [email] = emails
    assert email.subject == f"Your session is scheduled: {session_request.reference}"
    assert "Laval union hall, Laval, 1600 boulevard Saint-Martin Est" in email.body
    assert "9 a.m. to 3 p.m." in email.body
    assert f"http://testserver/en/sessions/{created.session.pk}/enrol/" in email.body
    assert "Only members of Local 3247, Social Services Workers can enrol" in email.body


@pytest.mark.django_db
def test_declined_gives_the_reason(session_request, staff, send):
    _result, [email] = send(
        change_status,
        session_request.pk,
        RequestStatus.DECLINED,
        user=staff,
        reason="Our facilitators are booked until March.",
    )

    assert email.subject == f"About your request {session_request.reference}"
    assert "Our facilitators are booked until March." in email.body
    assert "Our facilitators are booked until March." in html_of(email)


@pytest.mark.django_db
def test_nobody_is_emailed_when_told_not_to(fields, staff, send):
    session_request, emails = send(submit_request, notify=False, **fields)
    _result, more = send(
        change_status, session_request.pk, RequestStatus.IN_REVIEW, user=staff, notify=False
    )

    assert emails == more == []
