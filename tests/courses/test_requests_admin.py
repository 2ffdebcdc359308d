"""Education staff triage requests in the admin: the list and its filters, a request's page,
changing its status, assigning a facilitator, creating its session, and the dashboard panel;
nobody else gets in, not even the facilitator assigned to the request."""

import csv
import io
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from courses.choices import RequestStatus, SessionStatus
from courses.models import Session, SessionRequest
from courses.requests.rules import change_status
from tests.factories import (
    DivisionFactory,
    FacilitatorFactory,
    LocalFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
)

#: Queries a warm request list makes, whatever the number of requests. Measured at 15 on
#: SQLite: most are the admin's own (the user, permissions, profile, locales); the filters'
#: workshops, divisions and locals (3), a count, and the requests in one query with their
#: locals, divisions, workshops, facilitators and sessions.
REQUEST_LIST_MAX_QUERIES = 16


def url(name, *args):
    return reverse(f"wagtailsnippets_courses_sessionrequest:{name}", args=args)


def refused(response):
    """Wagtail answers 403, or sends the user to the dashboard or the log-in page."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (response.url == "/admin/" or response.url.startswith("/admin/login/"))
    )


def day(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Strategic Planning for Your Local", offered_on_request=True
    )


@pytest.fixture
def local(db):
    return LocalFactory(number="3247", name="Social Services Workers", city="Laval")


@pytest.fixture
def assigned(workshop):
    """A facilitator certified for the workshop and assigned to the request, who facilitates
    in English and French (the session made from the request is in French)."""
    return FacilitatorFactory(
        user__username="assigned", certified_workshops=[workshop], teaches_in_french=True
    ).user


@pytest.fixture
def session_request(workshop, local, assigned):
    return SessionRequestFactory(
        workshop=workshop,
        local=local,
        assigned_facilitator=assigned,
        email="robin@example.org",
        contact_name="Robin Tremblay",
        participants=14,
        location="Union hall, Laval",
        date_1=timezone.localdate() + timedelta(days=30),
        staff_notes="Call after 4 pm.",
    )


def edit_data(session_request, **changes):
    """What the request's edit form posts: its values as saved, with ``changes``."""
    data = {
        "local": str(session_request.local_id or ""),
        "local_name_other": session_request.local_name_other,
        "contact_name": session_request.contact_name,
        "contact_role": session_request.contact_role,
        "email": session_request.email,
        "phone": session_request.phone,
        "workshop": str(session_request.workshop_id),
        "goals": session_request.goals,
        "participants": str(session_request.participants),
        "date_1": session_request.date_1.isoformat(),
        "date_2": session_request.date_2.isoformat(),
        "date_3": "",
        "delivery_format": session_request.delivery_format,
        "language": session_request.language,
        "location": session_request.location,
        "accessibility_needs": session_request.accessibility_needs,
        "staff_notes": session_request.staff_notes,
    }
    data.update(changes)
    return data


def create_session_data(**changes):
    data = {
        "date": day(30),
        "starts": "09:00",
        "ends": "15:00",
        "language": "fr",
        "venue": "Union hall",
        "address": "1600 boulevard Saint-Martin Est",
        "city": "Laval",
        "online_url": "",
        "capacity": "14",
    }
    data.update(changes)
    return data


def logged(session_request, action):
    return ModelLogEntry.objects.filter(
        content_type__model="sessionrequest", object_id=str(session_request.pk), action=action
    )


# Who may come in


ADMIN_PAGES = [
    ("list", "get"),
    ("add", "get"),
    ("add", "post"),
    ("edit", "get"),
    ("edit", "post"),
    ("history", "get"),
    ("change_status", "get"),
    ("change_status", "post"),
    ("assign_facilitator", "get"),
    ("assign_facilitator", "post"),
    ("create_session", "get"),
    ("create_session", "post"),
    ("delete", "get"),
    ("delete", "post"),
]


def admin_url(name, session_request):
    if name in ("list", "add"):
        return url(name)
    return url(name, session_request.pk)


def any_post_data(session_request):
    return {
        **edit_data(session_request, contact_name="Changed"),
        **create_session_data(),
        "status": RequestStatus.IN_REVIEW,
        "facilitator": "",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["anonymous", "participant", "another_participant", "facilitator", "assigned"]
)
@pytest.mark.parametrize(("name", "method"), ADMIN_PAGES)
def test_only_staff_reach_the_request_admin(
    client_as, users, assigned, session_request, role, name, method
):
    """Even the facilitator assigned to the request: requests are the staff's to triage."""
    user = assigned if role == "assigned" else users[role]
    client = client_as(user)

    response = getattr(client, method)(
        admin_url(name, session_request), any_post_data(session_request)
    )

    assert refused(response), (response.status_code, response.get("Location"))
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.NEW
    assert session_request.contact_name == "Robin Tremblay"
    assert session_request.assigned_facilitator == assigned
    assert SessionRequest.objects.count() == 1
    assert Session.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
@pytest.mark.parametrize(
    "name",
    ["list", "add", "edit", "history", "change_status", "assign_facilitator", "create_session"],
)
def test_staff_reach_every_request_page(client_as, users, session_request, role, name):
    response = client_as(users[role]).get(admin_url(name, session_request))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_nobody_deletes_a_request(client_as, users, session_request, role):
    client = client_as(users[role])

    assert refused(client.get(url("delete", session_request.pk)))
    assert refused(client.post(url("delete", session_request.pk)))
    assert SessionRequest.objects.filter(pk=session_request.pk).exists()


@pytest.mark.django_db
def test_a_missing_request_is_not_found(client, staff):
    client.force_login(staff)

    for name in ("edit", "change_status", "assign_facilitator", "create_session"):
        assert client.get(url(name, 987654)).status_code == 404


@pytest.mark.django_db
def test_requests_sit_in_the_education_menu(client, staff, session_request):
    client.force_login(staff)

    response = client.get("/admin/")

    assert url("list") in response.text


# The list


@pytest.fixture
def various(catalogue, workshop):
    """Requests that differ by status, local, division, workshop and the day they came in."""
    ontario = DivisionFactory(name="Ontario", code="ON")
    quebec = DivisionFactory(name="Quebec", code="QC")
    other_workshop = WorkshopPageFactory(parent=catalogue, offered_on_request=True)
    now = timezone.now()
    return {
        "ottawa": SessionRequestFactory(
            workshop=workshop,
            local=LocalFactory(number="2250", division=ontario),
            created_at=now - timedelta(days=40),
        ),
        "laval": SessionRequestFactory(
            workshop=workshop,
            local=LocalFactory(number="3247", name="Laval Workers", division=quebec),
            status=RequestStatus.IN_REVIEW,
            created_at=now - timedelta(days=10),
        ),
        "quebec": SessionRequestFactory(
            workshop=other_workshop,
            local=LocalFactory(number="1500", division=quebec),
            status=RequestStatus.DECLINED,
            created_at=now - timedelta(days=2),
        ),
        "unlisted": SessionRequestFactory(
            workshop=workshop,
            local=None,
            local_name_other="Kingston Health Workers",
            created_at=now - timedelta(days=1),
        ),
    }


def listed(response):
    return {session_request.pk for session_request in response.context["object_list"]}


@pytest.mark.django_db
def test_staff_list_requests_with_how_long_they_wait(client, staff, various):
    client.force_login(staff)

    response = client.get(url("list"))

    assert response.status_code == 200
    html = response.text
    assert various["laval"].reference in html
    assert "Kingston Health Workers (not listed)" in html
    assert "40 days" in html  # the oldest new request has waited that long
    assert listed(response) == {request.pk for request in various.values()}


@pytest.mark.django_db
def test_staff_filter_requests(client, staff, various, workshop):
    client.force_login(staff)
    pk = {name: request.pk for name, request in various.items()}
    laval = various["laval"]
    days_ago = (timezone.localdate() - timedelta(days=15)).isoformat()

    by_status = client.get(url("list"), {"status": RequestStatus.NEW})
    by_local = client.get(url("list"), {"local": laval.local_id})
    by_division = client.get(url("list"), {"division": laval.local.division_id})
    by_workshop = client.get(url("list"), {"workshop": workshop.pk})
    by_date = client.get(url("list"), {"created_at_from": days_ago})
    by_search = client.get(url("list"), {"q": "kingston"})
    by_reference = client.get(url("list"), {"q": laval.reference})

    assert listed(by_status) == {pk["ottawa"], pk["unlisted"]}
    assert listed(by_local) == {pk["laval"]}
    assert listed(by_division) == {pk["laval"], pk["quebec"]}
    assert listed(by_workshop) == {pk["ottawa"], pk["laval"], pk["unlisted"]}
    assert listed(by_date) == {pk["laval"], pk["quebec"], pk["unlisted"]}
    assert listed(by_search) == {pk["unlisted"]}
    assert listed(by_reference) == {pk["laval"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"status": "\x00"},
        {"local": "nonsense"},
        {"division": "-1"},
        {"created_at_from": "not a date", "created_at_to": "2031-13-45"},
        {"q": "\x00" * 3},
    ],
)
def test_garbage_filters_never_break_the_list(client, staff, various, query):
    client.force_login(staff)

    assert client.get(url("list"), query).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [4, 40])
def test_the_request_list_costs_the_same_however_many_requests(
    client, staff, workshop, django_assert_max_num_queries, size
):
    for number in range(size):
        SessionRequestFactory(
            workshop=workshop,
            assigned_facilitator=FacilitatorFactory().user if number % 2 else None,
        )
    client.force_login(staff)
    client.get(url("list"))

    with django_assert_max_num_queries(REQUEST_LIST_MAX_QUERIES):
        response = client.get(url("list"))

    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(size, 20)


# A request's page


@pytest.mark.django_db
def test_a_request_page_shows_where_it_stands_and_its_actions(client, staff, session_request):
    client.force_login(staff)

    response = client.get(url("edit", session_request.pk))

    html = response.text
    assert session_request.reference in html
    assert "Call after 4 pm." in html
    assert url("change_status", session_request.pk) in html
    assert url("assign_facilitator", session_request.pk) in html
    assert url("create_session", session_request.pk) in html


@pytest.mark.django_db
def test_staff_correct_a_request_and_keep_notes(client, staff, session_request):
    client.force_login(staff)
    other_local = LocalFactory(number="4417")

    response = client.post(
        url("edit", session_request.pk),
        edit_data(session_request, local=str(other_local.pk), staff_notes="Prefers Saturdays."),
    )

    assert response.status_code == 302
    session_request.refresh_from_db()
    assert session_request.local == other_local
    assert session_request.staff_notes == "Prefers Saturdays."
    assert session_request.status == RequestStatus.NEW  # only actions change it
    assert logged(session_request, "wagtail.edit").count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_local_not_listed_is_put_on_record_by_staff(client, staff, workshop):
    session_request = SessionRequestFactory(
        workshop=workshop, local=None, local_name_other="Kingston Health Workers"
    )
    client.force_login(staff)

    page = client.get(url("edit", session_request.pk)).text
    kingston = LocalFactory(number="5555", name="Kingston Health Workers")
    client.post(url("edit", session_request.pk), edit_data(session_request, local=kingston.pk))

    assert "not on record yet" in page
    session_request.refresh_from_db()
    assert session_request.local == kingston


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"participants": "0"}, "participants"),
        ({"participants": "201"}, "participants"),
        ({"email": "robin@"}, "email"),
        ({"local": "", "local_name_other": ""}, "local"),
        ({"phone": "none"}, "phone"),
    ],
)
def test_bad_corrections_are_told_at_the_field(client, staff, session_request, changes, field):
    client.force_login(staff)

    response = client.post(url("edit", session_request.pk), edit_data(session_request, **changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    session_request.refresh_from_db()
    assert session_request.participants == 14


@pytest.mark.django_db
def test_staff_record_a_request_taken_by_phone(
    client, staff, workshop, local, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    data = {
        "local": str(local.pk),
        "local_name_other": "",
        "contact_name": "Sam Officer",
        "contact_role": "Treasurer",
        "email": "sam@example.org",
        "phone": "450-555-0100",
        "workshop": str(workshop.pk),
        "goals": "A plan for the year.",
        "participants": "9",
        "date_1": day(50),
        "date_2": day(57),
        "date_3": "",
        "delivery_format": "online",
        "language": "en",
        "location": "",
        "accessibility_needs": "",
        "staff_notes": "Taken by phone.",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("add"), data)

    assert response.status_code == 302
    session_request = SessionRequest.objects.get()
    assert session_request.reference
    assert session_request.status == RequestStatus.NEW
    assert session_request.staff_notes == "Taken by phone."
    assert logged(session_request, "courses.request.submit").get().user == staff
    assert [email.to for email in mail.outbox] == [["sam@example.org"]]


@pytest.mark.django_db
def test_a_request_recorded_by_staff_cannot_be_for_a_past_date(client, staff, workshop, local):
    client.force_login(staff)
    data = {
        "local": str(local.pk),
        "contact_name": "Sam Officer",
        "contact_role": "Treasurer",
        "email": "sam@example.org",
        "phone": "450-555-0100",
        "workshop": str(workshop.pk),
        "goals": "A plan.",
        "participants": "9",
        "date_1": day(-5),
        "date_2": day(57),
        "delivery_format": "online",
        "language": "en",
    }

    response = client.post(url("add"), data)

    assert response.status_code == 200
    assert "date_1" in response.context["form"].errors
    assert SessionRequest.objects.count() == 0


@pytest.mark.django_db
def test_the_history_tells_each_change(client, staff, session_request):
    change_status(session_request.pk, RequestStatus.IN_REVIEW, user=staff)
    change_status(session_request.pk, RequestStatus.DECLINED, user=staff, reason="Fully booked.")
    client.force_login(staff)

    response = client.get(url("history", session_request.pk))

    assert "Changed the status from New to In review" in response.text
    assert "Changed the status from In review to Declined: Fully booked." in response.text


# Changing the status


@pytest.mark.django_db
def test_staff_put_a_request_in_review(
    client, staff, session_request, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("change_status", session_request.pk), {"status": RequestStatus.IN_REVIEW}
        )

    assert response.status_code == 302
    assert response["Location"] == url("edit", session_request.pk)
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.IN_REVIEW
    assert logged(session_request, "courses.request.status").get().user == staff
    [email] = mail.outbox
    assert email.to == ["robin@example.org"]


@pytest.mark.django_db
def test_declining_asks_for_a_reason(client, staff, session_request):
    client.force_login(staff)

    response = client.post(
        url("change_status", session_request.pk),
        {"status": RequestStatus.DECLINED, "reason": "   "},
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.NEW


@pytest.mark.django_db
def test_staff_decline_with_a_reason(
    client, staff, session_request, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("change_status", session_request.pk),
            {"status": RequestStatus.DECLINED, "reason": "Fully booked until March."},
        )

    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.DECLINED
    assert "Fully booked until March." in mail.outbox[0].body


@pytest.mark.django_db
def test_only_the_next_statuses_are_offered(client, staff, session_request):
    client.force_login(staff)

    form = client.get(url("change_status", session_request.pk)).context["form"]
    response = client.post(
        url("change_status", session_request.pk), {"status": RequestStatus.DELIVERED}
    )

    assert [value for value, _label in form.fields["status"].choices] == ["in_review", "declined"]
    assert "status" in response.context["form"].errors
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.NEW


@pytest.mark.django_db
def test_a_delivered_request_has_nowhere_to_go(client, staff, session_request):
    SessionRequest.objects.filter(pk=session_request.pk).update(status=RequestStatus.DELIVERED)
    client.force_login(staff)

    response = client.get(url("change_status", session_request.pk))

    assert "does not move on from here" in response.text


# Assigning a facilitator


@pytest.mark.django_db
def test_only_certified_facilitators_are_offered(client, staff, session_request, catalogue):
    other = WorkshopPageFactory(parent=catalogue)
    uncertified = FacilitatorFactory(certified_workshops=[other]).user
    certified = FacilitatorFactory(certified_workshops=[session_request.workshop]).user
    client.force_login(staff)

    form = client.get(url("assign_facilitator", session_request.pk)).context["form"]
    refused_choice = client.post(
        url("assign_facilitator", session_request.pk), {"facilitator": uncertified.pk}
    )
    accepted = client.post(
        url("assign_facilitator", session_request.pk), {"facilitator": certified.pk}
    )

    offered = set(form.fields["facilitator"].queryset)
    assert certified in offered
    assert uncertified not in offered
    assert "facilitator" in refused_choice.context["form"].errors
    assert accepted.status_code == 302
    session_request.refresh_from_db()
    assert session_request.assigned_facilitator == certified
    assert logged(session_request, "courses.request.assign").count() == 1


@pytest.mark.django_db
def test_staff_take_the_facilitator_off(client, staff, session_request):
    client.force_login(staff)

    client.post(url("assign_facilitator", session_request.pk), {"facilitator": ""})

    session_request.refresh_from_db()
    assert session_request.assigned_facilitator is None


# Creating the session


@pytest.mark.django_db
def test_the_session_form_is_prefilled_from_the_request(client, staff, session_request):
    client.force_login(staff)

    form = client.get(url("create_session", session_request.pk)).context["form"]

    assert form["date"].value() == session_request.date_1
    assert str(form["starts"].value()) == "09:00:00"
    assert str(form["ends"].value()) == "15:00:00"
    assert form["language"].value() == session_request.language
    assert form["venue"].value() == "Union hall, Laval"
    assert form["city"].value() == "Laval"
    assert form["capacity"].value() == 14
    assert form["facilitators"].value() == [session_request.assigned_facilitator_id]


@pytest.mark.django_db
def test_staff_create_the_session_from_the_request(
    client, staff, session_request, assigned, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("create_session", session_request.pk),
            create_session_data(facilitators=[str(assigned.pk)], enrol_contact="on"),
        )

    assert response.status_code == 302
    assert response["Location"] == url("edit", session_request.pk)
    session = Session.objects.get()
    session_request.refresh_from_db()
    assert session_request.session == session
    assert session_request.status == RequestStatus.SCHEDULED
    assert session.restricted_to_local == session_request.local
    assert session.status == SessionStatus.SCHEDULED
    assert timezone.localtime(session.starts_at).hour == 9
    assert timezone.localtime(session.ends_at).hour == 15
    assert list(session.facilitators.all()) == [assigned]
    assert session.enrollments.get().participant.email == "robin@example.org"
    assert {email.subject for email in mail.outbox} >= {
        f"Your session is scheduled: {session_request.reference}"
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends": "08:00"}, "ends"),
        ({"date": day(-2)}, "date"),
        ({"date": "someday"}, "date"),
        ({"venue": "", "city": "", "online_url": ""}, "venue"),
        ({"capacity": "0"}, "capacity"),
        ({"online_url": "not a link", "venue": ""}, "online_url"),
    ],
)
def test_bad_session_details_are_told_at_the_field(client, staff, session_request, changes, field):
    client.force_login(staff)

    response = client.post(
        url("create_session", session_request.pk), create_session_data(**changes)
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Session.objects.count() == 0
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.NEW


@pytest.mark.django_db
def test_no_session_for_a_local_not_on_record(client, staff, workshop):
    session_request = SessionRequestFactory(
        workshop=workshop, local=None, local_name_other="Kingston Health Workers"
    )
    client.force_login(staff)

    page = client.get(url("create_session", session_request.pk))
    response = client.post(url("create_session", session_request.pk), create_session_data())

    assert "not on record yet" in page.text
    assert response.status_code == 200
    assert "names no local on record" in response.text
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_a_scheduled_request_offers_no_second_session(client, staff, session_request):
    client.force_login(staff)
    client.post(url("create_session", session_request.pk), create_session_data())

    page = client.get(url("create_session", session_request.pk))
    again = client.post(url("create_session", session_request.pk), create_session_data())

    assert "only created for a new request or one in review" in page.text
    assert again.status_code == 200
    assert Session.objects.count() == 1


# The dashboard


@pytest.mark.django_db
def test_staff_see_how_many_requests_wait_and_for_how_long(client, staff, workshop):
    now = timezone.now()
    oldest = SessionRequestFactory(workshop=workshop, created_at=now - timedelta(days=12))
    SessionRequestFactory(workshop=workshop, created_at=now - timedelta(days=3))
    SessionRequestFactory(workshop=workshop, status=RequestStatus.IN_REVIEW)
    client.force_login(staff)

    html = client.get("/admin/").text

    assert "Requests from locals" in html
    assert "2 new requests" in html
    assert f"The oldest, {oldest.reference}" in html
    assert "has waited 12 days" in html
    assert url("edit", oldest.pk) in html
    assert "1 request in review" in html


@pytest.mark.django_db
def test_the_dashboard_says_when_nothing_waits(client, staff):
    client.force_login(staff)

    assert "No new requests" in client.get("/admin/").text


@pytest.mark.django_db
def test_facilitators_see_no_requests_on_their_dashboard(client, assigned, session_request):
    client.force_login(assigned)

    html = client.get("/admin/").text

    assert "Requests from locals" not in html
    assert session_request.reference not in html


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_staff_export_the_requests(client, staff, various, export_format):
    client.force_login(staff)

    response = client.get(url("list"), {"export": export_format, "status": RequestStatus.NEW})

    assert response.status_code == 200
    assert "session-requests" in response["Content-Disposition"]
    if export_format == "csv":
        content = b"".join(response.streaming_content).decode()
        assert various["ottawa"].reference in content
        assert "Kingston Health Workers (not listed)" in content
        assert various["laval"].reference not in content


@pytest.mark.django_db
def test_a_formula_typed_in_the_public_form_stays_text_in_the_csv(client, staff, session_request):
    SessionRequest.objects.filter(pk=session_request.pk).update(
        contact_name='=HYPERLINK("http://example.com","Click")', contact_role="+1 treasurer"
    )
    client.force_login(staff)

    response = client.get(url("list"), {"export": "csv"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(row for row in rows if row["Reference"] == session_request.reference)
    assert row["Contact name"] == '\'=HYPERLINK("http://example.com","Click")'
    assert row["Role in the local"] == "'+1 treasurer"
