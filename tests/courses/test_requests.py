"""The rules of requests from locals: submitting, every change of status, assigning a
facilitator, and the session made from a request, which only takes members of that local."""

import re
from datetime import timedelta
from functools import partial

from django.core import mail
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from courses.attendance.rules import close_session, reopen_session
from courses.choices import EnrollmentSource, EnrollmentStatus, RequestStatus, SessionStatus
from courses.exceptions import Refusal
from courses.models import Session, SessionRequest
from courses.requests.rules import (
    NeedsSession,
    NoLocal,
    NotCertified,
    ReasonRequired,
    RequestError,
    TransitionNotAllowed,
    assign_facilitator,
    change_status,
    create_session_from_request,
    next_statuses,
    status_history,
    submit_request,
)
from courses.sessions.enrollment import NotEligible, enrol_person
from home.models import OrganisationSettings
from tests.factories import (
    FacilitatorFactory,
    LocalFactory,
    SessionFactory,
    SessionRequestFactory,
    UserFactory,
    WorkshopPageFactory,
)

STATUS_LINK = re.compile(r"http://testserver(?:/[a-z]{2})?/request-a-session/status/[^/\s]+/")


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Strategic Planning for Your Local", offered_on_request=True
    )


@pytest.fixture
def local(db):
    return LocalFactory(number="3247", name="Social Services Workers", city="Laval")


@pytest.fixture
def request_fields(workshop, local):
    today = timezone.localdate()
    return {
        "local": local,
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
        "date_3": None,
        "delivery_format": "in_person",
        "location": "Union hall, Laval",
        "language": "fr",
        "accessibility_needs": "",
    }


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a request action; return its result and the emails sent once it committed."""

    def run(action, *args, **kwargs):
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            result = action(*args, **kwargs)
        return result, mail.outbox[sent_before:]

    return run


@pytest.fixture
def session_request(workshop, local):
    return SessionRequestFactory(workshop=workshop, local=local, email="robin@example.org")


def in_the_future(days=30, hour=9):
    start = (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(hours=6)


def logged(session_request, action):
    return ModelLogEntry.objects.filter(
        content_type__model="sessionrequest", object_id=str(session_request.pk), action=action
    )


def make_scheduled(session_request, user):
    starts_at, ends_at = in_the_future()
    return create_session_from_request(
        session_request.pk, starts_at=starts_at, ends_at=ends_at, user=user
    ).session


def after(session):
    """An hour after the session ended: it took place, and can be closed."""
    return session.ends_at + timedelta(hours=1)


# Submitting


@pytest.mark.django_db
def test_a_request_gets_a_reference_and_is_new(request_fields, send):
    session_request, _emails = send(submit_request, **request_fields)

    session_request.refresh_from_db()
    year = timezone.localdate().year
    assert session_request.reference == f"REQ-{year}-{session_request.pk:04d}"
    assert session_request.status == RequestStatus.NEW
    assert logged(session_request, "courses.request.submit").count() == 1


@pytest.mark.django_db
def test_references_are_unique_and_human_friendly(request_fields):
    first = submit_request(**request_fields)
    second = submit_request(**request_fields)

    assert first.reference != second.reference
    assert re.fullmatch(r"REQ-\d{4}-\d{4,}", second.reference)


@pytest.mark.django_db
def test_a_local_not_listed_keeps_its_name(request_fields):
    request_fields.update(local=None, local_name_other="Laval Community Workers")

    session_request = submit_request(**request_fields)

    assert session_request.local is None
    assert "Laval Community Workers" in session_request.local_display


@pytest.mark.django_db
def test_submitting_refuses_fields_a_request_does_not_have(request_fields):
    with pytest.raises(TypeError):
        submit_request(**request_fields, staff_notes="Sneaky")


@pytest.mark.django_db
def test_the_requester_and_the_staff_are_emailed(request_fields, send, site_root):
    OrganisationSettings.objects.update_or_create(
        site=site_root,
        defaults={"staff_notification_emails": "education@example.org\nplanning@example.org"},
    )

    session_request, emails = send(submit_request, site=site_root, **request_fields)

    assert {tuple(email.to) for email in emails} == {
        ("robin@example.org",),
        ("education@example.org", "planning@example.org"),
    }


# Statuses


@pytest.mark.django_db
def test_a_new_request_goes_into_review_and_the_local_is_told(session_request, staff, send):
    changed, emails = send(change_status, session_request.pk, RequestStatus.IN_REVIEW, user=staff)

    assert changed.status == RequestStatus.IN_REVIEW
    [entry] = logged(session_request, "courses.request.status")
    assert entry.data == {"from": "new", "to": "in_review", "reason": ""}
    assert entry.user == staff
    [email] = emails
    assert email.to == ["robin@example.org"]
    assert session_request.reference in email.subject
    assert STATUS_LINK.search(email.body)


@pytest.mark.django_db
@pytest.mark.parametrize("start", [RequestStatus.NEW, RequestStatus.IN_REVIEW])
def test_declining_needs_a_reason_which_the_local_is_told(session_request, staff, send, start):
    SessionRequest.objects.filter(pk=session_request.pk).update(status=start)

    with pytest.raises(ReasonRequired):
        change_status(session_request.pk, RequestStatus.DECLINED, user=staff, reason="  ")

    reason = "Strategic planning is booked up until the spring; please ask again in March."
    changed, [email] = send(
        change_status, session_request.pk, RequestStatus.DECLINED, user=staff, reason=reason
    )
    assert changed.status == RequestStatus.DECLINED
    assert changed.decline_reason == reason
    assert reason in email.body
    assert logged(session_request, "courses.request.status").get().data["reason"] == reason


@pytest.mark.django_db
def test_a_declined_request_can_be_reviewed_again(session_request, staff, send):
    change_status(session_request.pk, RequestStatus.DECLINED, user=staff, reason="Too soon.")

    changed, [email] = send(change_status, session_request.pk, RequestStatus.IN_REVIEW, user=staff)

    assert changed.status == RequestStatus.IN_REVIEW
    assert changed.decline_reason == ""
    assert "in review" in email.subject


@pytest.mark.django_db
def test_creating_the_session_schedules_the_request(session_request, staff, send):
    change_status(session_request.pk, RequestStatus.IN_REVIEW, user=staff)
    starts_at, ends_at = in_the_future(days=45)

    created, emails = send(
        create_session_from_request,
        session_request.pk,
        starts_at=starts_at,
        ends_at=ends_at,
        venue="Union hall",
        city="Laval",
        user=staff,
    )

    session = created.session
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.SCHEDULED
    assert session_request.session == session
    assert session.restricted_to_local == session_request.local
    assert session.workshop == session_request.workshop
    assert session.language == session_request.language
    assert session.capacity == session_request.participants
    assert (session.starts_at, session.ends_at) == (starts_at, ends_at)
    assert session.status == SessionStatus.SCHEDULED
    [email] = emails
    assert "scheduled" in email.subject
    assert "Union hall" in email.body
    assert f"/en/sessions/{session.pk}/enrol/" in email.body
    assert logged(session_request, "courses.request.create_session").count() == 1


@pytest.mark.django_db
def test_closing_the_session_delivers_the_request(session_request, staff, send):
    session = make_scheduled(session_request, staff)

    _result, emails = send(close_session, session.pk, user=staff, now=after(session))

    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.DELIVERED
    assert [email.to for email in emails] == [["robin@example.org"]]
    assert "taken place" in emails[0].subject


@pytest.mark.django_db
def test_closing_the_session_delivers_a_request_taken_back_into_review(
    session_request, staff, send
):
    """Staff took the request back into review to talk dates over, but the session went ahead."""
    session = make_scheduled(session_request, staff)
    change_status(session_request.pk, RequestStatus.IN_REVIEW, user=staff)

    send(close_session, session.pk, user=staff, now=after(session))

    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.DELIVERED


@pytest.mark.django_db
def test_closing_again_after_reopening_changes_nothing(session_request, staff, send):
    session = make_scheduled(session_request, staff)
    send(close_session, session.pk, user=staff, now=after(session))
    reopen_session(session.pk, user=staff)

    _result, emails = send(close_session, session.pk, user=staff, now=after(session))

    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.DELIVERED
    assert emails == []
    assert (
        logged(session_request, "courses.request.status").filter(data__to="delivered").count() == 1
    )


@pytest.mark.django_db
def test_closing_a_session_made_without_a_request_is_left_alone(staff, send):
    session = SessionFactory()

    send(close_session, session.pk, user=staff, now=after(session))

    assert SessionRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_scheduled_request_goes_back_to_review_when_its_dates_change(
    session_request, staff, send
):
    make_scheduled(session_request, staff)

    changed, [email] = send(change_status, session_request.pk, RequestStatus.IN_REVIEW, user=staff)

    assert changed.status == RequestStatus.IN_REVIEW
    assert "in review" in email.subject
    # The session is still scheduled: moving it to scheduled again needs no new session.
    again = change_status(session_request.pk, RequestStatus.SCHEDULED, user=staff)
    assert again.status == RequestStatus.SCHEDULED


@pytest.mark.django_db
def test_staff_can_mark_delivered_once_the_session_is_closed(session_request, staff):
    session = make_scheduled(session_request, staff)
    with pytest.raises(NeedsSession):
        change_status(session_request.pk, RequestStatus.DELIVERED, user=staff)

    Session.objects.filter(pk=session.pk).update(status=SessionStatus.DELIVERED)

    changed = change_status(session_request.pk, RequestStatus.DELIVERED, user=staff)
    assert changed.status == RequestStatus.DELIVERED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target", "refusal"),
    [
        (RequestStatus.NEW, RequestStatus.NEW, TransitionNotAllowed),
        (RequestStatus.NEW, RequestStatus.SCHEDULED, NeedsSession),
        (RequestStatus.NEW, RequestStatus.DELIVERED, TransitionNotAllowed),
        (RequestStatus.IN_REVIEW, RequestStatus.NEW, TransitionNotAllowed),
        (RequestStatus.IN_REVIEW, RequestStatus.SCHEDULED, NeedsSession),
        (RequestStatus.IN_REVIEW, RequestStatus.DELIVERED, NeedsSession),
        (RequestStatus.SCHEDULED, RequestStatus.NEW, TransitionNotAllowed),
        (RequestStatus.SCHEDULED, RequestStatus.DECLINED, TransitionNotAllowed),
        (RequestStatus.DELIVERED, RequestStatus.IN_REVIEW, TransitionNotAllowed),
        (RequestStatus.DELIVERED, RequestStatus.DECLINED, TransitionNotAllowed),
        (RequestStatus.DECLINED, RequestStatus.SCHEDULED, TransitionNotAllowed),
        (RequestStatus.DECLINED, RequestStatus.DELIVERED, TransitionNotAllowed),
        (RequestStatus.NEW, "archived", TransitionNotAllowed),
    ],
)
def test_changes_outside_the_workflow_are_refused(
    session_request, staff, send, start, target, refusal
):
    SessionRequest.objects.filter(pk=session_request.pk).update(status=start)

    with pytest.raises(refusal) as raised:
        send(change_status, session_request.pk, target, user=staff, reason="A reason.")

    assert isinstance(raised.value, Refusal)
    assert raised.value.message
    session_request.refresh_from_db()
    assert session_request.status == start
    assert not logged(session_request, "courses.request.status").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_request_with_a_scheduled_session_is_not_declined(session_request, staff):
    make_scheduled(session_request, staff)
    change_status(session_request.pk, RequestStatus.IN_REVIEW, user=staff)

    with pytest.raises(TransitionNotAllowed):
        change_status(session_request.pk, RequestStatus.DECLINED, user=staff, reason="No.")


@pytest.mark.django_db
def test_next_statuses_follow_the_workflow(session_request, staff):
    assert next_statuses(session_request) == [RequestStatus.IN_REVIEW, RequestStatus.DECLINED]

    make_scheduled(session_request, staff)
    session_request.refresh_from_db()

    assert next_statuses(session_request) == [RequestStatus.IN_REVIEW]


@pytest.mark.django_db
def test_the_history_lists_each_step_with_its_date(session_request, staff):
    change_status(session_request.pk, RequestStatus.IN_REVIEW, user=staff)
    make_scheduled(session_request, staff)

    steps = status_history(session_request)

    assert [step.status for step in steps] == ["new", "in_review", "scheduled"]
    assert steps[0].at == session_request.created_at
    assert all(step.at for step in steps)


# Facilitators


@pytest.mark.django_db
def test_a_certified_facilitator_is_assigned(session_request, staff, workshop):
    facilitator = FacilitatorFactory(certified_workshops=[workshop]).user

    assign_facilitator(session_request.pk, facilitator, user=staff)

    session_request.refresh_from_db()
    assert session_request.assigned_facilitator == facilitator
    assert logged(session_request, "courses.request.assign").get().data["name"]


@pytest.mark.django_db
def test_a_facilitator_not_certified_for_the_workshop_is_refused(session_request, staff, catalogue):
    other = WorkshopPageFactory(parent=catalogue)
    uncertified = FacilitatorFactory(certified_workshops=[other]).user
    no_profile = UserFactory()

    for user in (uncertified, no_profile):
        with pytest.raises(NotCertified):
            assign_facilitator(session_request.pk, user, user=staff)

    session_request.refresh_from_db()
    assert session_request.assigned_facilitator is None


@pytest.mark.django_db
def test_a_facilitator_can_be_taken_off(session_request, staff, workshop):
    facilitator = FacilitatorFactory(certified_workshops=[workshop]).user
    assign_facilitator(session_request.pk, facilitator, user=staff)

    assign_facilitator(session_request.pk, None, user=staff)

    session_request.refresh_from_db()
    assert session_request.assigned_facilitator is None
    assert logged(session_request, "courses.request.assign").count() == 2


# The session made from a request


@pytest.mark.django_db
def test_the_session_only_takes_members_of_that_local(session_request, staff, local):
    session = make_scheduled(session_request, staff)
    elsewhere = LocalFactory(number="1104")

    staff_enrols = partial(enrol_person, session.pk, source=EnrollmentSource.STAFF)
    member = staff_enrols(name="Ana", email="ana@example.org", local=local)
    with pytest.raises(NotEligible):
        staff_enrols(name="Bea", email="bea@example.org", local=elsewhere)
    with pytest.raises(NotEligible):
        staff_enrols(name="Cy", email="cy@example.org", local=None)
    # Someone saying for themselves that they belong to the local is not enough.
    with pytest.raises(NotEligible):
        enrol_person(session.pk, name="Di", email="di@example.org", local=local)

    assert member.confirmed
    assert list(session.enrollments.values_list("participant__email", flat=True)) == [
        "ana@example.org"
    ]


@pytest.mark.django_db
def test_the_contact_person_can_be_enrolled_from_the_request(session_request, staff, send):
    starts_at, ends_at = in_the_future()

    created, emails = send(
        create_session_from_request,
        session_request.pk,
        starts_at=starts_at,
        ends_at=ends_at,
        city="Laval",
        enrol_contact=True,
        user=staff,
    )

    enrollment = created.contact_enrollment
    assert enrollment.status == EnrollmentStatus.CONFIRMED
    assert enrollment.source == EnrollmentSource.REQUEST
    assert enrollment.participant.email == "robin@example.org"
    assert enrollment.participant.local == session_request.local
    assert len(emails) == 2  # scheduled, and the enrolment's confirmation


@pytest.mark.django_db
def test_a_contact_from_another_local_is_reported_not_enrolled(session_request, staff):
    enrol_person(SessionFactory().pk, name="Robin", email="robin@example.org", local=LocalFactory())
    starts_at, ends_at = in_the_future()

    created = create_session_from_request(
        session_request.pk, starts_at=starts_at, ends_at=ends_at, enrol_contact=True, user=staff
    )

    assert created.contact_enrollment is None
    assert "only for members" in created.contact_refusal
    assert created.session.enrollments.count() == 0


@pytest.mark.django_db
def test_certified_facilitators_are_assigned_to_the_session(session_request, staff, workshop):
    certified = FacilitatorFactory(certified_workshops=[workshop]).user
    starts_at, ends_at = in_the_future()

    created = create_session_from_request(
        session_request.pk,
        starts_at=starts_at,
        ends_at=ends_at,
        facilitators=[certified],
        user=staff,
    )

    assert list(created.session.facilitators.all()) == [certified]


@pytest.mark.django_db
def test_the_session_is_refused_with_an_uncertified_facilitator(session_request, staff):
    starts_at, ends_at = in_the_future()

    with pytest.raises(NotCertified):
        create_session_from_request(
            session_request.pk,
            starts_at=starts_at,
            ends_at=ends_at,
            facilitators=[FacilitatorFactory().user],
            user=staff,
        )

    assert Session.objects.count() == 0
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.NEW


@pytest.mark.django_db
def test_no_session_without_a_local_on_record(request_fields, staff):
    request_fields.update(local=None, local_name_other="Laval Community Workers")
    session_request = submit_request(**request_fields)
    starts_at, ends_at = in_the_future()

    with pytest.raises(NoLocal):
        create_session_from_request(
            session_request.pk, starts_at=starts_at, ends_at=ends_at, user=staff
        )

    assert Session.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("problem", ["ends_before_start", "in_the_past", "no_places"])
def test_a_session_with_impossible_dates_or_size_is_refused(session_request, staff, problem):
    starts_at, ends_at = in_the_future()
    options = {"starts_at": starts_at, "ends_at": ends_at}
    if problem == "ends_before_start":
        options["ends_at"] = starts_at - timedelta(hours=1)
    elif problem == "in_the_past":
        options.update(
            starts_at=starts_at - timedelta(days=60), ends_at=ends_at - timedelta(days=60)
        )
    else:
        options["capacity"] = 0

    with pytest.raises(RequestError):
        create_session_from_request(session_request.pk, user=staff, **options)

    assert Session.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [RequestStatus.SCHEDULED, RequestStatus.DELIVERED, RequestStatus.DECLINED]
)
def test_a_session_is_only_made_for_an_open_request(session_request, staff, status):
    SessionRequest.objects.filter(pk=session_request.pk).update(status=status)
    starts_at, ends_at = in_the_future()

    with pytest.raises(TransitionNotAllowed):
        create_session_from_request(
            session_request.pk, starts_at=starts_at, ends_at=ends_at, user=staff
        )


@pytest.mark.django_db
def test_a_cancelled_session_can_be_replaced(session_request, staff):
    first = make_scheduled(session_request, staff)
    change_status(session_request.pk, RequestStatus.IN_REVIEW, user=staff)
    with pytest.raises(TransitionNotAllowed):
        make_scheduled(session_request, staff)  # the first one is still on

    Session.objects.filter(pk=first.pk).update(status=SessionStatus.CANCELLED)
    second = make_scheduled(session_request, staff)

    session_request.refresh_from_db()
    assert session_request.session == second
    assert session_request.status == RequestStatus.SCHEDULED
