"""The right facilitators for a session: certified for its workshop, facilitating in its language,
and not booked in another session at the same time, wherever facilitators are given a session."""

import datetime

from django.urls import reverse
from django.utils import timezone

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from courses.choices import Language, RequestStatus, SessionStatus
from courses.models import Session
from courses.requests.rules import FacilitatorBusy, NotCertified, create_session_from_request
from courses.sessions.scheduling import (
    clashes,
    facilitator_clashes,
    qualification_refusals,
    qualified_facilitators,
)
from tests.factories import (
    FacilitatorFactory,
    LocalFactory,
    SessionFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
    make_facilitator_user,
)

TORONTO = datetime.timezone(datetime.timedelta(hours=-4))  # in May, for the dates below


def at(text):
    """An aware datetime from "2031-05-06 09:00" on Toronto's summer clock."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TORONTO)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict")


@pytest.fixture
def other_workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Union Structure")


def facilitator_of(*workshops, first_name="Marie", last_name="Tremblay", french=False):
    return FacilitatorFactory(
        user__first_name=first_name,
        user__last_name=last_name,
        certified_workshops=list(workshops),
        teaches_in_french=french,
    ).user


@pytest.fixture
def marie(workshop, other_workshop):
    """Certified for both workshops; English only."""
    return facilitator_of(workshop, other_workshop)


@pytest.fixture
def booked(other_workshop, marie):
    """Marie facilitates Union Structure on Tuesday 6 May 2031, 9:00 to 15:00 (Toronto)."""
    return SessionFactory(
        workshop=other_workshop, start=at("2031-05-06 09:00"), facilitators=[marie]
    )


# The rule


@pytest.mark.django_db
def test_a_session_at_the_same_time_clashes(marie, booked):
    assert clashes(marie, at("2031-05-06 13:00"), at("2031-05-06 16:00")) == [booked]
    assert clashes(marie, at("2031-05-06 08:00"), at("2031-05-06 09:30")) == [booked]


@pytest.mark.django_db
def test_sessions_back_to_back_do_not_clash(marie, booked):
    assert clashes(marie, at("2031-05-06 15:00"), at("2031-05-06 18:00")) == []
    assert clashes(marie, at("2031-05-06 06:00"), at("2031-05-06 09:00")) == []
    assert clashes(marie, at("2031-05-07 09:00"), at("2031-05-07 15:00")) == []


@pytest.mark.django_db
def test_a_cancelled_session_and_the_session_itself_do_not_clash(marie, booked):
    assert clashes(marie, at("2031-05-06 10:00"), at("2031-05-06 11:00"), exclude=booked) == []

    Session.objects.filter(pk=booked.pk).update(status=SessionStatus.CANCELLED)

    assert clashes(marie, at("2031-05-06 10:00"), at("2031-05-06 11:00")) == []


@pytest.mark.django_db
def test_a_delivered_session_still_clashes(marie, booked):
    Session.objects.filter(pk=booked.pk).update(status=SessionStatus.DELIVERED)

    assert clashes(marie, at("2031-05-06 10:00"), at("2031-05-06 11:00")) == [booked]


@pytest.mark.django_db
def test_every_part_of_a_session_counts(marie, other_workshop):
    two_mornings = SessionFactory(
        workshop=other_workshop, start=at("2031-05-06 09:00"), hours=3, days=2, facilitators=[marie]
    )

    assert clashes(marie, at("2031-05-07 11:00"), at("2031-05-07 13:00")) == [two_mornings]
    assert clashes(marie, at("2031-05-06 13:00"), at("2031-05-06 16:00")) == []


@pytest.mark.django_db
def test_another_facilitators_sessions_do_not_clash(workshop, booked):
    colleague = facilitator_of(workshop, first_name="Luc", last_name="Gagnon")

    assert clashes(colleague, at("2031-05-06 09:00"), at("2031-05-06 15:00")) == []


@pytest.mark.django_db
def test_the_clash_names_the_other_session(marie, booked):
    [clash] = facilitator_clashes([marie], [(at("2031-05-06 13:00"), at("2031-05-06 16:00"))])

    assert clash.session == booked
    assert clash.message.startswith(
        "Marie Tremblay already facilitates Union Structure on Tuesday, May 6, 2031, "
        "9 a.m. to 3 p.m. ET"
    )


@pytest.mark.django_db
def test_only_certified_facilitators_of_the_language_qualify(workshop, other_workshop, marie):
    bilingual = facilitator_of(workshop, first_name="Luc", last_name="Gagnon", french=True)
    uncertified = facilitator_of(other_workshop, first_name="Ana", last_name="Lima", french=True)
    make_facilitator_user(first_name="No", last_name="Profile")

    assert set(qualified_facilitators(workshop)) == {marie, bilingual}
    assert list(qualified_facilitators(workshop, Language.FRENCH)) == [bilingual]
    assert qualification_refusals([marie, bilingual, uncertified], workshop, Language.FRENCH) == {
        marie: "Marie Tremblay does not facilitate in French.",
        uncertified: "Ana Lima is not certified to deliver Handling Conflict.",
    }


# The session form in the admin


def session_url(name, *args):
    return reverse(f"wagtailsnippets_courses_session:{name}", args=args)


def session_data(workshop, parts, facilitators=(), language=Language.ENGLISH, **fields):
    data = nested_form_data(
        {
            "workshop": workshop.pk,
            "time_zone": "America/Toronto",
            "parts": inline_formset(
                [{"starts_at": start, "ends_at": end} for start, end in parts], min=1
            ),
            "language": language,
            "capacity": "20",
            "venue": "Union hall",
            "address": "",
            "city": "Toronto",
            "online_url": "",
            "registration_deadline": "",
            "restricted_to_local": "",
            "status": SessionStatus.SCHEDULED,
            **fields,
        }
    )
    data["facilitators"] = [str(user.pk) for user in facilitators]
    return data


def offered(response):
    """The names the facilitators field shows."""
    field = response.context["form"]["facilitators"]
    return [str(choice.choice_label) for choice in field]


@pytest.mark.django_db
def test_a_new_session_lists_every_facilitator_and_says_why(client_as, staff, workshop, marie):
    uncertified = facilitator_of(first_name="Ana", last_name="Lima")

    response = client_as(staff).get(session_url("add"))

    assert set(offered(response)) >= {"Marie Tremblay", "Ana Lima"}
    assert uncertified.pk
    assert "The workshop and language are not saved yet" in response.text


@pytest.mark.django_db
def test_a_session_lists_only_facilitators_certified_in_its_language(
    client_as, staff, workshop, other_workshop, marie
):
    bilingual = facilitator_of(workshop, first_name="Luc", last_name="Gagnon", french=True)
    facilitator_of(other_workshop, first_name="Ana", last_name="Lima", french=True)
    session = SessionFactory(workshop=workshop, language=Language.FRENCH, facilitators=[bilingual])

    response = client_as(staff).get(session_url("edit", session.pk))

    assert offered(response) == ["Luc Gagnon"]
    assert "Facilitators certified to deliver Handling Conflict who facilitate in French." in (
        response.text
    )


@pytest.mark.django_db
def test_a_facilitator_no_longer_qualified_stays_listed_to_be_taken_off(
    client_as, staff, workshop, marie
):
    session = SessionFactory(workshop=workshop, language=Language.FRENCH, facilitators=[marie])

    response = client_as(staff).get(session_url("edit", session.pk))

    assert offered(response) == ["Marie Tremblay (not qualified for this session)"]


@pytest.mark.django_db
def test_a_facilitator_who_does_not_speak_the_language_is_refused_at_the_field(
    client_as, staff, workshop, marie
):
    data = session_data(
        workshop, [("2031-05-13 09:00", "2031-05-13 15:00")], [marie], language=Language.FRENCH
    )

    response = client_as(staff).post(session_url("add"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["facilitators"] == [
        "Marie Tremblay does not facilitate in French."
    ]
    assert 'value="Union hall"' in response.text
    assert not Session.objects.filter(language=Language.FRENCH).exists()


@pytest.mark.django_db
def test_a_facilitator_booked_at_the_same_time_is_refused_naming_the_other_session(
    client_as, staff, workshop, marie, booked
):
    data = session_data(workshop, [("2031-05-06 13:00", "2031-05-06 17:00")], [marie])

    response = client_as(staff).post(session_url("add"), data)

    assert response.status_code == 200
    [error] = response.context["form"].errors["facilitators"]
    assert error.startswith(
        "Marie Tremblay already facilitates Union Structure on Tuesday, May 6, 2031, "
        "9 a.m. to 3 p.m. ET"
    )
    assert f"session {booked.pk}" in error
    assert "Marie Tremblay already facilitates Union Structure" in response.text
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_a_second_day_that_clashes_is_refused_too(client_as, staff, workshop, marie, booked):
    data = session_data(
        workshop,
        [("2031-05-05 09:00", "2031-05-05 12:00"), ("2031-05-06 09:00", "2031-05-06 12:00")],
        [marie],
    )

    response = client_as(staff).post(session_url("add"), data)

    assert response.status_code == 200
    assert (
        "already facilitates Union Structure" in response.context["form"].errors["facilitators"][0]
    )


@pytest.mark.django_db
def test_a_free_facilitator_is_booked(client_as, staff, workshop, marie, booked):
    data = session_data(workshop, [("2031-05-06 15:00", "2031-05-06 18:00")], [marie])

    response = client_as(staff).post(session_url("add"), data)

    assert response.status_code == 302
    session = Session.objects.exclude(pk=booked.pk).get()
    assert list(session.facilitators.all()) == [marie]


@pytest.mark.django_db
def test_editing_a_session_does_not_clash_with_itself(client_as, staff, marie, booked):
    part = booked.parts.get()
    data = session_data(
        booked.workshop, [("2031-05-06 09:00", "2031-05-06 16:00")], [marie], capacity="30"
    )
    data.update(
        {
            "parts-0-id": str(part.pk),
            "parts-INITIAL_FORMS": "1",
            "opened_version": str(booked.version),
        }
    )

    response = client_as(staff).post(session_url("edit", booked.pk), data)

    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.capacity == 30


# The forms of a request from a local


@pytest.fixture
def request_workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Strategic Planning", offered_on_request=True
    )


@pytest.fixture
def french_request(request_workshop):
    return SessionRequestFactory(
        workshop=request_workshop,
        local=LocalFactory(number="3247"),
        language=Language.FRENCH,
        status=RequestStatus.IN_REVIEW,
    )


def request_url(name, session_request):
    return reverse(f"wagtailsnippets_courses_sessionrequest:{name}", args=[session_request.pk])


@pytest.mark.django_db
def test_the_assign_form_offers_facilitators_of_the_requests_language(
    client_as, staff, request_workshop, french_request
):
    facilitator_of(request_workshop, first_name="Marie", last_name="Tremblay")
    facilitator_of(request_workshop, first_name="Luc", last_name="Gagnon", french=True)

    response = client_as(staff).get(request_url("assign_facilitator", french_request))

    assert response.status_code == 200
    assert offered_names(response, "facilitator") == ["Nobody yet", "Luc Gagnon"]


def offered_names(response, name):
    return [str(choice.choice_label) for choice in response.context["form"][name]]


@pytest.mark.django_db
def test_assigning_a_facilitator_of_another_language_is_refused_at_the_field(
    client_as, staff, request_workshop, french_request
):
    marie = facilitator_of(request_workshop)

    response = client_as(staff).post(
        request_url("assign_facilitator", french_request), {"facilitator": str(marie.pk)}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["facilitator"] == [
        "Marie Tremblay does not facilitate in French."
    ]
    french_request.refresh_from_db()
    assert french_request.assigned_facilitator is None


def create_session_data(day, facilitators, **changes):
    data = {
        "time_zone": "America/Toronto",
        "date": day.isoformat(),
        "starts": "09:00",
        "ends": "15:00",
        "language": Language.FRENCH,
        "venue": "Union hall",
        "address": "",
        "city": "Laval",
        "online_url": "",
        "capacity": "14",
        "facilitators": [str(user.pk) for user in facilitators],
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_session_from_a_request_refuses_a_booked_facilitator(
    client_as, staff, request_workshop, other_workshop, french_request
):
    luc = facilitator_of(
        request_workshop, other_workshop, first_name="Luc", last_name="Gagnon", french=True
    )
    day = timezone.localdate() + datetime.timedelta(days=30)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(13)))
    SessionFactory(workshop=other_workshop, start=start, hours=3, facilitators=[luc])

    response = client_as(staff).post(
        request_url("create_session", french_request), create_session_data(day, [luc])
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["facilitators"]
    assert error.startswith("Luc Gagnon already facilitates Union Structure on ")
    assert response.context["form"]["city"].value() == "Laval"
    french_request.refresh_from_db()
    assert french_request.session is None


@pytest.mark.django_db
def test_the_session_from_a_request_offers_facilitators_of_its_language(
    client_as, staff, request_workshop, french_request
):
    facilitator_of(request_workshop, first_name="Marie", last_name="Tremblay")
    facilitator_of(request_workshop, first_name="Luc", last_name="Gagnon", french=True)

    response = client_as(staff).get(request_url("create_session", french_request))

    assert offered_names(response, "facilitators") == ["Luc Gagnon"]


@pytest.mark.django_db
def test_the_session_from_a_request_refuses_a_facilitator_of_another_language(
    client_as, staff, request_workshop, french_request
):
    marie = facilitator_of(request_workshop)
    day = timezone.localdate() + datetime.timedelta(days=30)

    response = client_as(staff).post(
        request_url("create_session", french_request), create_session_data(day, [marie])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["facilitators"] == [
        "Marie Tremblay does not facilitate in French."
    ]


@pytest.mark.django_db
def test_the_service_itself_refuses_a_booked_or_unqualified_facilitator(
    staff, request_workshop, other_workshop, french_request
):
    luc = facilitator_of(
        request_workshop, other_workshop, first_name="Luc", last_name="Gagnon", french=True
    )
    marie = facilitator_of(request_workshop)
    day = timezone.localdate() + datetime.timedelta(days=30)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    SessionFactory(workshop=other_workshop, start=start, facilitators=[luc])
    times = {"starts_at": start, "ends_at": start + datetime.timedelta(hours=6)}

    with pytest.raises(FacilitatorBusy, match="Luc Gagnon already facilitates Union Structure"):
        create_session_from_request(french_request.pk, user=staff, facilitators=[luc], **times)
    with pytest.raises(NotCertified, match="Marie Tremblay does not facilitate in French."):
        create_session_from_request(french_request.pk, user=staff, facilitators=[marie], **times)


# The demo


@pytest.mark.django_db
def test_the_demo_books_nobody_twice_at_once(demo_once, db):
    sessions = Session.objects.exclude(status=SessionStatus.CANCELLED).prefetch_related(
        "parts", "facilitators"
    )
    assert sessions.count() > 10
    for session in sessions:
        for user in session.facilitators.all():
            for part in session.parts.all():
                assert clashes(user, part.starts_at, part.ends_at, exclude=session) == [], (
                    session,
                    user,
                )
