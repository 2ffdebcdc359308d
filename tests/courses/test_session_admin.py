"""Education staff manage sessions in the admin: the list and its filters, the session form with
its dates, a session's people, enrolling and cancelling; nobody else gets in."""

from datetime import UTC, datetime, timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from courses.choices import EnrollmentSource, EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Participant, Session
from tests.factories import (
    EnrollmentFactory,
    FacilitatorFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)

#: Queries a warm session list makes, whatever the number of sessions. Measured at 12 on SQLite
#: and PostgreSQL: most are the admin's own (the user, permissions, profile, locales); the
#: filter's workshops (2), a count, and the sessions in one query with workshops and counts.
SESSION_LIST_MAX_QUERIES = 13


def url(name, *args):
    return reverse(f"wagtailsnippets_courses_session:{name}", args=args)


def refused(response):
    """Wagtail answers 403, or sends the user to the dashboard or the log-in page."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (response.url == "/admin/" or response.url.startswith("/admin/login/"))
    )


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict")


@pytest.fixture
def local(db):
    return LocalFactory(number="3247", name="Social Services Workers")


@pytest.fixture
def session(workshop, facilitator):
    """A session with one seat, its facilitator assigned, one person seated and one waiting."""
    session = SessionFactory(workshop=workshop, capacity=1, facilitators=[facilitator])
    EnrollmentFactory(
        session=session, participant=ParticipantFactory(name="Ana Lima", email="ana@example.org")
    )
    EnrollmentFactory(
        session=session,
        participant=ParticipantFactory(name="Ben Roy", email="ben@example.org"),
        status=EnrollmentStatus.WAITLISTED,
    )
    return session


def session_form_data(workshop, parts, facilitators=(), **fields):
    """What the admin's session form posts: ``parts`` are (start, end) in the site's time."""
    data = {
        "workshop": workshop.pk,
        "parts": inline_formset(
            [{"starts_at": start, "ends_at": end} for start, end in parts], min=1
        ),
        "language": "fr",
        "capacity": "20",
        "venue": "Salle syndicale",
        "address": "",
        "city": "Montréal",
        "online_url": "",
        "registration_deadline": "",
        "restricted_to_local": "",
        "status": SessionStatus.SCHEDULED,
    }
    data.update(fields)
    data = nested_form_data(data)
    data["facilitators"] = [str(user.pk) for user in facilitators]
    return data


# Who may come in


ADMIN_PAGES = [
    ("list", "get"),
    ("add", "get"),
    ("add", "post"),
    ("edit", "get"),
    ("edit", "post"),
    ("people", "get"),
    ("people", "post"),
    ("bulk_enrol", "get"),
    ("bulk_enrol", "post"),
    ("cancel_session", "get"),
    ("cancel_session", "post"),
    ("cancel_enrollment", "get"),
    ("cancel_enrollment", "post"),
]


def admin_url(name, session):
    if name in ("list", "add"):
        return url(name)
    if name == "cancel_enrollment":
        return url(name, session.pk, session.enrollments.first().pk)
    return url(name, session.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "participant", "another_participant", "facilitator"])
@pytest.mark.parametrize(("name", "method"), ADMIN_PAGES)
def test_only_staff_reach_the_session_admin(client_as, users, session, local, role, name, method):
    """Even the session's own facilitator: facilitators see their sessions elsewhere."""
    data = {"name": "Eve", "email": "eve@example.org", "local": "3247", "rows": "Eve,e@x.org,3247"}

    response = getattr(client_as(users[role]), method)(admin_url(name, session), data)

    assert refused(response), (response.status_code, response.get("Location"))
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert Session.objects.count() == 1
    assert Enrollment.objects.filter(status=EnrollmentStatus.CANCELLED).count() == 0
    assert Enrollment.objects.count() == 2
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_unassigned_facilitator_is_refused_too(client, session):
    other = FacilitatorFactory(certified_workshops=[session.workshop]).user
    client.force_login(other)

    for name in ("list", "people", "cancel_session"):
        assert refused(client.get(admin_url(name, session)))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
@pytest.mark.parametrize(
    "name", ["list", "add", "edit", "people", "bulk_enrol", "cancel_session", "cancel_enrollment"]
)
def test_staff_reach_every_session_page(client_as, users, session, role, name):
    response = client_as(users[role]).get(admin_url(name, session))

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_missing_session_is_not_found(client, staff):
    client.force_login(staff)

    for name in ("people", "bulk_enrol", "cancel_session"):
        assert client.get(url(name, 987654)).status_code == 404


# The list


@pytest.mark.django_db
def test_staff_list_sessions_with_their_numbers(client, staff, session):
    client.force_login(staff)

    response = client.get(url("list"))

    assert response.status_code == 200
    assert "Handling Conflict" in response.text
    assert "1 / 1" in response.text  # confirmed / capacity
    assert url("people", session.pk) in response.text


@pytest.mark.django_db
def test_the_list_counts_each_session_and_sorts_by_the_waitlist(client, staff, workshop):
    """Each row counts its own session's people (confirmed, offered, waitlisted, never the
    cancelled), and the list sorts by the waitlist both ways."""
    quiet = SessionFactory(workshop=workshop, capacity=5)
    busy = SessionFactory(workshop=workshop, capacity=2)
    for status in (
        EnrollmentStatus.CONFIRMED,
        EnrollmentStatus.OFFERED,
        EnrollmentStatus.WAITLISTED,
        EnrollmentStatus.WAITLISTED,
        EnrollmentStatus.CANCELLED,
    ):
        EnrollmentFactory(session=busy, status=status)
    EnrollmentFactory(session=quiet)
    client.force_login(staff)

    most_waiting = client.get(url("list"), {"ordering": "-waitlisted_count"})
    least_waiting = client.get(url("list"), {"ordering": "waitlisted_count"})

    counts = {
        row.pk: (row.confirmed_count, row.offered_count, row.waitlisted_count)
        for row in most_waiting.context["object_list"]
    }
    assert counts == {busy.pk: (1, 1, 2), quiet.pk: (1, 0, 0)}
    assert [row.pk for row in most_waiting.context["object_list"]] == [busy.pk, quiet.pk]
    assert [row.pk for row in least_waiting.context["object_list"]] == [quiet.pk, busy.pk]
    assert "1 + 1 offered / 2" in most_waiting.text


@pytest.fixture
def various(catalogue, workshop):
    """Sessions that differ by workshop, status, language and date."""
    other = WorkshopPageFactory(parent=catalogue, title="Elections Matter")
    june = datetime(2031, 6, 10, 13, tzinfo=UTC)
    return {
        "conflict": SessionFactory(workshop=workshop, start=june),
        "french": SessionFactory(workshop=workshop, start=june + timedelta(days=30), language="fr"),
        "elections": SessionFactory(workshop=other, start=june + timedelta(days=60)),
        "delivered": SessionFactory(
            workshop=other, start=june - timedelta(days=400), status=SessionStatus.DELIVERED
        ),
    }


def listed(response):
    return {session.pk for session in response.context["object_list"]}


@pytest.mark.django_db
def test_staff_filter_sessions(client, staff, workshop, various):
    client.force_login(staff)
    pk = {name: session.pk for name, session in various.items()}

    by_workshop = client.get(url("list"), {"workshop": workshop.pk})
    by_status = client.get(url("list"), {"status": SessionStatus.DELIVERED})
    by_language = client.get(url("list"), {"language": "fr"})
    by_date = client.get(
        url("list"), {"starts_at_from": "2031-07-01", "starts_at_to": "2031-08-31"}
    )
    by_search = client.get(url("list"), {"q": "elections"})

    assert listed(by_workshop) == {pk["conflict"], pk["french"]}
    assert listed(by_status) == {pk["delivered"]}
    assert listed(by_language) == {pk["french"]}
    assert listed(by_date) == {pk["french"], pk["elections"]}
    assert listed(by_search) == {pk["elections"], pk["delivered"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"workshop": "nonsense"},
        {"status": "\x00"},
        {"starts_at_from": "not a date", "starts_at_to": "2031-13-45"},
        {"language": "x" * 5000},
        {"q": "\x00" * 3},
    ],
)
def test_garbage_filters_never_break_the_list(client, staff, various, query):
    client.force_login(staff)

    assert client.get(url("list"), query).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_the_session_list_costs_the_same_however_many_sessions(
    client, staff, catalogue, django_assert_max_num_queries, size
):
    workshops = [WorkshopPageFactory(parent=catalogue) for _ in range(3)]
    for number in range(size):
        session = SessionFactory(workshop=workshops[number % 3], days=2)
        EnrollmentFactory(session=session)
    client.force_login(staff)
    client.get(url("list"))

    with django_assert_max_num_queries(SESSION_LIST_MAX_QUERIES):
        response = client.get(url("list"))

    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(size, 20)


# The session form


@pytest.mark.django_db
def test_staff_create_a_session_with_its_dates(client, staff, workshop):
    # The session is in French: its facilitator facilitates in French.
    facilitator = FacilitatorFactory(certified_workshops=[workshop], teaches_in_french=True).user
    client.force_login(staff)
    data = session_form_data(
        workshop,
        [("2031-05-01 09:00", "2031-05-01 12:00"), ("2031-05-02 09:00", "2031-05-02 12:00")],
        facilitators=[facilitator],
    )

    response = client.post(url("add"), data)

    assert response.status_code == 302
    session = Session.objects.get()
    # Typed in the site's time zone (Toronto, four hours behind UTC in May).
    assert session.starts_at == datetime(2031, 5, 1, 13, tzinfo=UTC)
    assert session.ends_at == datetime(2031, 5, 2, 16, tzinfo=UTC)
    assert session.parts.count() == 2
    assert (session.language, session.capacity, session.city) == ("fr", 20, "Montréal")
    assert list(session.facilitators.all()) == [facilitator]


@pytest.mark.django_db
def test_an_uncertified_facilitator_is_refused_by_name(client, staff, workshop):
    facilitator = FacilitatorFactory(
        user__first_name="Marie", user__last_name="Tremblay", certified_workshops=[]
    ).user
    client.force_login(staff)
    data = session_form_data(
        workshop, [("2031-05-01 09:00", "2031-05-01 16:00")], facilitators=[facilitator]
    )

    response = client.post(url("add"), data)

    assert response.status_code == 200
    [error] = response.context["form"].errors["facilitators"]
    assert error == "Marie Tremblay is not certified to deliver Handling Conflict."
    assert "Marie Tremblay is not certified to deliver Handling Conflict." in response.text
    assert 'value="Salle syndicale"' in response.text
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_part_that_ends_before_it_starts_is_refused(client, staff, workshop):
    client.force_login(staff)

    response = client.post(
        url("add"), session_form_data(workshop, [("2031-05-01 16:00", "2031-05-01 09:00")])
    )

    assert response.status_code == 200
    [part] = response.context["form"].formsets["parts"].forms
    assert part.errors["ends_at"] == ["The end must come after the start."]
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_session_needs_at_least_one_date(client, staff, workshop):
    client.force_login(staff)

    response = client.post(url("add"), session_form_data(workshop, []))

    assert response.status_code == 200
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_the_form_does_not_cancel_a_session(client, staff, session):
    """Cancelling tells everyone enrolled, so it has its own action."""
    client.force_login(staff)
    part = session.parts.get()
    start, end = (
        timezone.localtime(t).strftime("%Y-%m-%d %H:%M") for t in (part.starts_at, part.ends_at)
    )
    data = session_form_data(
        session.workshop, [(start, end)], status=SessionStatus.CANCELLED, capacity="1"
    )
    data["parts-0-id"] = str(part.pk)
    data["parts-INITIAL_FORMS"] = "1"

    response = client.post(url("edit", session.pk), data)

    assert response.status_code == 302  # saved, but the read-only status was not taken
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert session.capacity == 1


@pytest.mark.django_db
def test_the_form_does_not_deliver_a_session(client, staff, session):
    """Delivering a session is closing it, from the roster, which records completion."""
    client.force_login(staff)

    form = client.get(url("edit", session.pk)).context["form"]

    assert form.fields["status"].disabled


# A session's people


@pytest.mark.django_db
def test_the_people_page_shows_confirmed_and_waitlisted(client, staff, session):
    client.force_login(staff)

    response = client.get(url("people", session.pk))

    assert [e.participant.name for e in response.context["confirmed"]] == ["Ana Lima"]
    assert [e.participant.name for e in response.context["waitlisted"]] == ["Ben Roy"]
    assert response.context["waitlisted"][0].position == 1
    assert "Confirmed: 1 of 1 place" in response.text
    assert "Waitlist: 1 person" in response.text
    assert "ana@example.org" in response.text


@pytest.mark.django_db
def test_staff_enrol_a_member_past_a_prerequisite(
    client, staff, catalogue, workshop, local, django_capture_on_commit_callbacks
):
    advanced = WorkshopPageFactory(parent=catalogue, prerequisites=[workshop])
    session = SessionFactory(
        workshop=advanced, registration_deadline=timezone.now() - timedelta(days=1)
    )
    client.force_login(staff)
    member = {"name": "Chloé Martin", "email": "chloe@example.org", "local": "Local 3247"}

    refused_page = client.post(url("people", session.pk), member)
    assert refused_page.status_code == 200
    assert "Please take “Handling Conflict” first" in refused_page.text
    assert 'value="Chloé Martin"' in refused_page.text
    assert not Enrollment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("people", session.pk), {**member, "override_prerequisites": "on"}
        )

    assert response.status_code == 302
    assert response.url == url("people", session.pk)
    enrollment = Enrollment.objects.get()
    assert enrollment.status == EnrollmentStatus.CONFIRMED
    assert enrollment.source == EnrollmentSource.STAFF
    assert enrollment.participant.local == local
    assert [message.to for message in mail.outbox] == [["chloe@example.org"]]
    assert ModelLogEntry.objects.filter(action="courses.session.enrol").exists()


@pytest.mark.django_db
def test_staff_enrolling_in_a_full_session_waitlists_with_the_position(
    client, staff, session, local
):
    client.force_login(staff)

    response = client.post(
        url("people", session.pk),
        {"name": "Chloé Martin", "email": "chloe@example.org", "local": "3247"},
        follow=True,
    )

    assert "Chloé Martin is number 2 on the waitlist." in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [({"email": "nope"}, "email"), ({"local": "99999"}, "local"), ({"name": ""}, "name")],
)
def test_staff_enrol_form_explains_mistakes_at_the_field(
    client, staff, session, local, changes, field
):
    client.force_login(staff)
    data = {"name": "Chloé Martin", "email": "chloe@example.org", "local": "3247", **changes}

    response = client.post(url("people", session.pk), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Participant.objects.count() == 2


@pytest.mark.django_db
def test_staff_cancel_an_enrolment_and_the_waitlist_moves_up(
    client, staff, session, django_capture_on_commit_callbacks
):
    seated = session.enrollments.get(status=EnrollmentStatus.CONFIRMED)
    waiting = session.enrollments.get(status=EnrollmentStatus.WAITLISTED)
    client.force_login(staff)
    assert "Ana Lima" in client.get(url("cancel_enrollment", session.pk, seated.pk)).text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("cancel_enrollment", session.pk, seated.pk), follow=True)

    assert "The enrolment of Ana Lima is cancelled." in response.text
    assert "Moved up from the waitlist: Ben Roy." in response.text
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == EnrollmentStatus.CANCELLED
    assert waiting.status == EnrollmentStatus.CONFIRMED
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
    ]


@pytest.mark.django_db
def test_staff_may_cancel_an_enrolment_after_the_start(client, staff, workshop):
    session = SessionFactory(workshop=workshop, start=timezone.now() - timedelta(hours=2))
    enrollment = EnrollmentFactory(session=session)
    client.force_login(staff)

    client.post(url("cancel_enrollment", session.pk, enrollment.pk))

    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CANCELLED


@pytest.mark.django_db
def test_an_enrolment_of_another_session_is_not_found(client, staff, session, workshop):
    elsewhere = EnrollmentFactory(session=SessionFactory(workshop=workshop))
    client.force_login(staff)

    response = client.post(url("cancel_enrollment", session.pk, elsewhere.pk))

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.is_active


@pytest.mark.django_db
def test_staff_cancel_a_session_and_everyone_is_told(
    client, staff, session, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    confirm = client.get(url("cancel_session", session.pk))
    assert "The 2 people enrolled or waiting will be told by email" in confirm.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("cancel_session", session.pk), {"reason": "The venue is closed."}, follow=True
        )

    assert "The session is cancelled. 2 people will be told by email." in response.text
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert not session.enrollments.exclude(status=EnrollmentStatus.CANCELLED).exists()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
    ]
    assert {message.subject for message in mail.outbox} == {"Session cancelled: Handling Conflict"}
    assert ModelLogEntry.objects.filter(action="courses.session.cancel").exists()


@pytest.mark.django_db
def test_a_cancelled_session_cannot_be_cancelled_again(client, staff, session):
    client.force_login(staff)
    client.post(url("cancel_session", session.pk), {"reason": "The venue is closed."})
    mail.outbox.clear()

    response = client.post(
        url("cancel_session", session.pk), {"reason": "The venue is closed."}, follow=True
    )

    assert "Only a scheduled session can be cancelled." in response.text
    assert mail.outbox == []
