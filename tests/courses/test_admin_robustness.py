"""Whatever staff type or follow in the admin, it answers with a page, never a 500: filters with
any value, deleting a session that people enrolled in, and lists of members with values too
long to store. The problem is told where it is, and nothing typed or recorded is lost."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from courses.choices import EnrollmentStatus, RequestStatus, SessionStatus
from courses.models import Enrollment, Participant, Session
from courses.requests.rules import status_history
from tests.factories import (
    CertificateFactory,
    DivisionFactory,
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
    make_facilitator_user,
)


@pytest.fixture(autouse=True)
def every_session_on_record(settings):
    """The reports here are read over every session on record, not only the current program
    year they open on (see ``test_reports_program_year.py``)."""
    settings.EDUCATION_PROGRAM_YEAR_START = None


#: Larger than any key a database stores (SQLite's driver refuses numbers past 2**63 - 1).
HUGE = "99999999999999999999"
BAD_IDS = [HUGE, str(2**63), str(2**31), "-1", "-99999999999999999999", "abc", "1.5", "0x10"]


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict")


@pytest.fixture
def listed(catalogue, workshop):
    """One of each thing the listings show: a session with an enrolment and a certificate, a
    request, in a local of a division, a workshop of a program."""
    program = ProgramFactory(title="Bargaining Program", slug="bargaining")
    workshop.program = program
    workshop.save()
    planning = WorkshopPageFactory(
        parent=catalogue, title="Strategic planning", offered_on_request=True
    )
    local = LocalFactory(number="3247", division=DivisionFactory(name="Ontario", code="ON"))
    session = SessionFactory(
        workshop=workshop,
        status=SessionStatus.DELIVERED,
        facilitators=[make_facilitator_user(username="fran")],
    )
    enrollment = EnrollmentFactory(
        session=session, participant=ParticipantFactory(local=local), completed=True
    )
    CertificateFactory(enrollment=enrollment)
    SessionRequestFactory(workshop=planning, local=local)
    return session


def list_url(model):
    return reverse(f"wagtailsnippets_courses_{model}:list")


FILTERS = [
    # (URL, filter)
    *[
        (f"/admin/education-reports/{report}/", name)
        for report in ("sessions", "completions", "facilitators", "demand")
        for name in ("workshop", "program", "division")
    ],
    ("/admin/education-reports/sessions/results/", "workshop"),
    ("/admin/certificate-reports/", "workshop"),
    ("/admin/certificate-reports/", "program"),
    ("session_list", "workshop"),
    ("enrollment_list", "session"),
    ("sessionrequest_list", "workshop"),
    ("sessionrequest_list", "division"),
    ("sessionrequest_list", "local"),
    ("certificates", "workshop"),
    ("certificates", "program"),
    ("certificates", "session"),
]


def filter_url(name):
    if name.endswith("_list"):
        return list_url(name.removesuffix("_list"))
    if name == "certificates":
        return "/admin/certificates/"
    return name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "field"), FILTERS)
@pytest.mark.parametrize("value", BAD_IDS)
def test_a_filter_with_any_id_shows_the_listing_and_says_so(
    client, staff, listed, name, field, value
):
    client.force_login(staff)

    response = client.get(filter_url(name), {field: value})

    assert response.status_code == 200
    filters = response.context["filters"]
    assert field in filters.errors
    assert "Select a valid choice" in filters.errors[field][0]
    assert len(response.context["object_list"]) >= 1


DATE_FILTERS = [
    ("/admin/education-reports/sessions/", "period"),
    ("/admin/education-reports/demand/", "period"),
    ("/admin/certificate-reports/", "period"),
    ("session_list", "starts_at"),
    ("sessionrequest_list", "created_at"),
    ("certificates", "issued_at"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "field"), DATE_FILTERS)
@pytest.mark.parametrize(
    ("start", "stop"),
    [("", "9999-12-31"), ("0001-01-01", ""), ("9999-12-31", "0001-01-01")],
)
def test_a_date_at_the_ends_of_the_calendar_shows_the_listing_and_says_so(
    client, staff, listed, name, field, start, stop
):
    client.force_login(staff)

    response = client.get(filter_url(name), {f"{field}_from": start, f"{field}_to": stop})

    assert response.status_code == 200
    errors = response.context["filters"].errors
    assert errors[field] == ["Enter a date between Jan. 2, 0001 and Dec. 30, 9999."]
    assert len(response.context["object_list"]) >= 1


@pytest.mark.django_db
def test_a_date_range_within_the_calendar_still_filters(client, staff, listed):
    client.force_login(staff)

    response = client.get(
        list_url("session"), {"starts_at_from": "0001-01-02", "starts_at_to": "9999-12-30"}
    )

    assert not response.context["filters"].errors
    assert [session.pk for session in response.context["object_list"]] == [listed.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/education-reports/sessions/", "session_list"])
def test_the_message_is_shown_at_the_filter(client, staff, listed, url):
    client.force_login(staff)

    response = client.get(filter_url(url), {"workshop": HUGE})

    assert "Select a valid choice. That choice is not one of the available choices." in (
        response.text
    )


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "url", ["/admin/education-reports/facilitators/", "sessionrequest_list", "session_list"]
)
def test_a_download_with_a_bad_filter_is_still_a_download(
    client, staff, listed, url, export_format
):
    client.force_login(staff)

    response = client.get(filter_url(url), {"workshop": HUGE, "export": export_format})

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_valid_filter_still_filters(client, staff, listed, catalogue):
    other = SessionFactory(workshop=WorkshopPageFactory(parent=catalogue, title="Other"))
    client.force_login(staff)

    response = client.get(list_url("session"), {"workshop": str(listed.workshop.pk)})

    assert not response.context["filters"].errors
    assert [session.pk for session in response.context["object_list"]] == [listed.pk]
    assert other.pk != listed.pk


# Deleting a session


def session_url(name, session):
    return reverse(f"wagtailsnippets_courses_session:{name}", args=[session.pk])


@pytest.fixture
def enrolled_session(workshop):
    session = SessionFactory(workshop=workshop)
    EnrollmentFactory(session=session, participant=ParticipantFactory(name="Ana Lima"))
    EnrollmentFactory(
        session=session,
        participant=ParticipantFactory(name="Ben Roy"),
        status=EnrollmentStatus.CANCELLED,
    )
    return session


@pytest.mark.django_db
def test_deleting_a_session_with_enrolments_explains_why_not(client, staff, enrolled_session):
    client.force_login(staff)

    response = client.get(session_url("delete", enrolled_session))

    assert response.status_code == 200
    assert "cannot be deleted" in response.text
    assert "2 people have enrolled in it" in response.text
    assert session_url("cancel_session", enrolled_session) in response.text
    assert "Cancel session" in response.text
    assert "Yes, delete" not in response.text


@pytest.mark.django_db
def test_a_session_with_enrolments_is_never_deleted(client, staff, enrolled_session):
    client.force_login(staff)

    response = client.post(session_url("delete", enrolled_session))

    assert response.status_code == 200
    assert "cannot be deleted" in response.text
    assert Session.objects.filter(pk=enrolled_session.pk).exists()
    assert Enrollment.objects.filter(session=enrolled_session).count() == 2
    assert Participant.objects.count() == 2


@pytest.mark.django_db
def test_a_cancelled_session_with_enrolments_points_nowhere_it_cannot_go(
    client, staff, enrolled_session
):
    Session.objects.filter(pk=enrolled_session.pk).update(status=SessionStatus.CANCELLED)
    client.force_login(staff)

    response = client.get(session_url("delete", enrolled_session))

    assert "cannot be deleted" in response.text
    assert session_url("cancel_session", enrolled_session) not in response.text
    assert "already cancelled" in response.text


@pytest.mark.django_db
def test_an_enrolment_made_while_the_page_was_open_stops_the_delete(client, staff, workshop):
    session = SessionFactory(workshop=workshop)
    client.force_login(staff)
    assert "Yes, delete" in client.get(session_url("delete", session)).text
    EnrollmentFactory(session=session)

    response = client.post(session_url("delete", session))

    assert response.status_code == 200
    assert "cannot be deleted" in response.text
    assert Session.objects.filter(pk=session.pk).exists()


@pytest.mark.django_db
def test_a_session_nobody_enrolled_in_is_deleted(client, staff, workshop):
    session = SessionFactory(workshop=workshop)
    client.force_login(staff)

    response = client.post(session_url("delete", session))

    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()


# Values too long to store, in lists and in the one-person form


#: A valid address (each part within the limits) longer than the 254 characters stored.
LONG_EMAIL = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"
LONG_NAME = "Ana " + "L" * 200


@pytest.fixture
def session(workshop):
    LocalFactory(number="3247")
    return SessionFactory(workshop=workshop, capacity=10)


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (f"{LONG_NAME}, ana@example.org, 3247", "The name is longer than 200 characters"),
        (f"Ana Lima, {LONG_EMAIL}, 3247", "The email address is longer than 254 characters"),
    ],
)
def test_a_value_too_long_is_told_on_its_row_and_nothing_is_lost(
    client, staff, session, row, reason
):
    client.force_login(staff)
    text = f"Ben Roy, ben@example.org, 3247\n{row}\nChloé Martin, chloe@example.org, 3247"

    response = client.post(
        reverse("wagtailsnippets_courses_session:bulk_enrol", args=[session.pk]), {"rows": text}
    )

    assert response.status_code == 200
    problems = response.context["problems"]
    assert [problem.line for problem in problems] == [2]
    assert reason in str(problems[0].reason)
    assert response.context["form"]["rows"].value() == text
    assert Participant.objects.count() == 0
    assert Enrollment.objects.count() == 0


@pytest.mark.django_db
def test_a_file_with_a_character_that_cannot_be_stored_is_told_on_its_row(client, staff, session):
    client.force_login(staff)
    upload = SimpleUploadedFile(
        "list.csv", b"Ana\x00 Lima, ana@example.org, 3247\nBen Roy, ben@example.org, 3247\n"
    )

    response = client.post(
        reverse("wagtailsnippets_courses_session:bulk_enrol", args=[session.pk]),
        {"csv_file": upload},
    )

    assert response.status_code == 200
    assert [problem.line for problem in response.context["problems"]] == [1]
    assert Enrollment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("name", LONG_NAME), ("email", LONG_EMAIL)])
def test_one_person_with_a_value_too_long_is_told_at_the_field(
    client, staff, session, field, value
):
    client.force_login(staff)
    data = {"name": "Ana Lima", "email": "ana@example.org", "local": "3247", field: value}

    response = client.post(session_url("people", session), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert form[field].value() == value
    assert Enrollment.objects.count() == 0


@pytest.mark.django_db
def test_deleting_the_session_of_a_request_puts_the_request_back_in_review(
    client, staff, workshop, django_capture_on_commit_callbacks
):
    session = SessionFactory(workshop=workshop)
    request = SessionRequestFactory(
        workshop=workshop, session=session, status=RequestStatus.SCHEDULED
    )
    client.force_login(staff)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(session_url("delete", session), follow=True)

    assert not Session.objects.filter(pk=session.pk).exists()
    request.refresh_from_db()
    assert request.session is None
    assert request.status == RequestStatus.IN_REVIEW
    assert "is back in review" in response.text
    [step] = status_history(request)[-1:]
    assert step.status == RequestStatus.IN_REVIEW
    assert [message.to for message in mail.outbox] == [[request.email]]


@pytest.mark.django_db
def test_a_session_that_stays_leaves_its_request_scheduled(client, staff, workshop):
    session = SessionFactory(workshop=workshop)
    EnrollmentFactory(session=session)
    request = SessionRequestFactory(
        workshop=workshop, session=session, status=RequestStatus.SCHEDULED
    )
    client.force_login(staff)

    client.post(session_url("delete", session))

    request.refresh_from_db()
    assert (request.session, request.status) == (session, RequestStatus.SCHEDULED)
