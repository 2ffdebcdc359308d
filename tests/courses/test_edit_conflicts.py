"""Two people editing the same session or request: the second to save is told what the first
changed, field by field, keeps what they typed, and nothing of the first's is overwritten unless
the second saves again knowing it."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from courses.admin_forms import OPENED_VALUES, OPENED_VERSION
from courses.choices import RequestStatus, SessionStatus
from courses.models import Session, SessionRequest
from courses.requests.rules import change_status
from tests.courses.test_requests_admin import edit_data
from tests.factories import (
    FacilitatorFactory,
    LocalFactory,
    SessionFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
    make_staff_user,
)


@pytest.fixture
def ana(db):
    return make_staff_user(username="ana", first_name="Ana", last_name="Lima")


@pytest.fixture
def ben(db):
    return make_staff_user(username="ben", first_name="Ben", last_name="Roy")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def opened(response):
    """The hidden fields of the form a page was opened with."""
    form = response.context["form"]
    return {name: form[name].value() for name in (OPENED_VERSION, OPENED_VALUES)}


# Sessions


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict")


@pytest.fixture
def session(workshop):
    return SessionFactory(workshop=workshop, capacity=20, venue="Union Hall", city="Toronto")


def session_url(session):
    return reverse("wagtailsnippets_courses_session:edit", args=[session.pk])


def session_data(session, opened_with=None, **changes):
    """What the session form posts, from the session as saved, with ``changes``."""
    parts = [
        {
            "id": str(part.pk),
            "starts_at": timezone.localtime(part.starts_at).strftime("%Y-%m-%d %H:%M"),
            "ends_at": timezone.localtime(part.ends_at).strftime("%Y-%m-%d %H:%M"),
        }
        for part in session.parts.all()
    ]
    data = {
        "workshop": str(session.workshop_id),
        "parts": inline_formset(parts, initial=len(parts), min=1),
        "language": session.language,
        "capacity": str(session.capacity),
        "venue": session.venue,
        "address": session.address,
        "city": session.city,
        "online_url": session.online_url,
        "registration_deadline": "",
        "restricted_to_local": "",
        "status": session.status,
    }
    data.update(changes)
    data = nested_form_data(data)
    data["facilitators"] = [str(user.pk) for user in session.facilitators.all()]
    data.update(opened_with or {})
    return data


@pytest.mark.django_db
def test_the_form_carries_the_version_it_was_opened_on(ana, session):
    response = signed_in(ana).get(session_url(session))

    hidden = opened(response)
    assert hidden[OPENED_VERSION] == session.version
    assert hidden[OPENED_VALUES]
    assert f'name="{OPENED_VERSION}" value="{session.version}"' in response.text
    assert "Opened version" not in response.text


@pytest.mark.django_db
def test_saving_moves_the_version_on(ana, session):
    client = signed_in(ana)
    before = opened(client.get(session_url(session)))

    response = client.post(session_url(session), session_data(session, before, capacity="30"))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 30
    assert session.version == before[OPENED_VERSION] + 1


@pytest.mark.django_db
def test_the_second_to_save_a_session_is_told_what_changed_and_keeps_what_they_typed(
    ana, ben, session
):
    as_ana, as_ben = signed_in(ana), signed_in(ben)
    ana_opened = opened(as_ana.get(session_url(session)))
    ben_opened = opened(as_ben.get(session_url(session)))
    ana_saves = as_ana.post(
        session_url(session), session_data(session, ana_opened, capacity="30", city="Ottawa")
    )
    assert ana_saves.status_code == 302

    response = as_ben.post(
        session_url(session), session_data(session, ben_opened, venue="Salle des Métallos")
    )

    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.capacity, session.city, session.venue) == (30, "Ottawa", "Union Hall")
    form = response.context["form"]
    assert form["venue"].value() == "Salle des Métallos"
    assert form["capacity"].value() == "20"
    assert form.errors["capacity"] == ["Changed to “30” since you opened this page (it was “20”)."]
    assert form.errors["city"] == [
        "Changed to “Ottawa” since you opened this page (it was “Toronto”)."
    ]
    assert "venue" not in form.errors
    notice = form.non_field_errors()[0]
    assert notice.startswith("Ana Lima saved this session after you opened this page")
    assert "kept below, with the 2 values they changed" in notice
    assert "The session was not saved: someone else saved it" in response.text
    assert "Changed to “30” since you opened this page" in response.text
    assert form[OPENED_VERSION].value() == str(session.version)


@pytest.mark.django_db
def test_saving_again_after_the_notice_keeps_the_second_persons_changes(ana, ben, session):
    as_ana, as_ben = signed_in(ana), signed_in(ben)
    ana_opened = opened(as_ana.get(session_url(session)))
    ben_opened = opened(as_ben.get(session_url(session)))
    as_ana.post(session_url(session), session_data(session, ana_opened, capacity="30"))
    notice = as_ben.post(session_url(session), session_data(session, ben_opened, venue="Salle B"))
    session.refresh_from_db()

    response = as_ben.post(
        session_url(session),
        session_data(session, opened(notice), venue="Salle B", capacity="30"),
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.capacity, session.venue) == (30, "Salle B")


@pytest.mark.django_db
def test_a_third_save_in_between_is_caught_again(ana, ben, session):
    as_ana, as_ben = signed_in(ana), signed_in(ben)
    ben_opened = opened(as_ben.get(session_url(session)))
    ana_opened = opened(as_ana.get(session_url(session)))
    as_ana.post(session_url(session), session_data(session, ana_opened, capacity="30"))
    notice = as_ben.post(session_url(session), session_data(session, ben_opened, venue="Salle B"))
    session.refresh_from_db()
    ana_again = opened(as_ana.get(session_url(session)))
    as_ana.post(session_url(session), session_data(session, ana_again, city="Ottawa"))
    session.refresh_from_db()

    response = as_ben.post(
        session_url(session),
        session_data(session, opened(notice), venue="Salle B", city="Toronto"),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["__all__", "city"]
    session.refresh_from_db()
    assert (session.city, session.venue) == ("Ottawa", "Union Hall")


@pytest.mark.django_db
def test_changed_dates_and_facilitators_are_told_too(ana, ben, session, workshop):
    facilitator = FacilitatorFactory(
        user__first_name="Fran", user__last_name="Arsenault", certified_workshops=[workshop]
    ).user
    as_ana, as_ben = signed_in(ana), signed_in(ben)
    ana_opened = opened(as_ana.get(session_url(session)))
    ben_opened = opened(as_ben.get(session_url(session)))
    part = session.parts.get()
    later = timezone.localtime(part.starts_at + timedelta(days=1))
    ana_data = session_data(session, ana_opened)
    ana_data["parts-0-starts_at"] = later.strftime("%Y-%m-%d %H:%M")
    ana_data["parts-0-ends_at"] = (later + timedelta(hours=6)).strftime("%Y-%m-%d %H:%M")
    ana_data["facilitators"] = [str(facilitator.pk)]
    assert as_ana.post(session_url(session), ana_data).status_code == 302

    response = as_ben.post(session_url(session), session_data(session, ben_opened, venue="B"))

    form = response.context["form"]
    assert form.errors["facilitators"] == [
        "Changed to “Fran Arsenault” since you opened this page (it was “empty”)."
    ]
    assert any(error.startswith("Dates and times: Changed to") for error in form.non_field_errors())


@pytest.mark.django_db
def test_a_session_closed_meanwhile_is_told(ana, session):
    client = signed_in(ana)
    before = opened(client.get(session_url(session)))
    Session.objects.get(pk=session.pk).save()  # saved again, nothing shown changed
    session.refresh_from_db()
    session.status = SessionStatus.DELIVERED
    session.save()

    response = client.post(session_url(session), session_data(session, before, venue="B"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["status"] == [
        "Changed to “Delivered” since you opened this page (it was “Scheduled”)."
    ]
    assert "Someone else saved this session" in form.non_field_errors()[0]


@pytest.mark.django_db
def test_a_save_that_changed_nothing_shown_is_still_told(ana, session):
    client = signed_in(ana)
    before = opened(client.get(session_url(session)))
    Session.objects.get(pk=session.pk).save()

    response = client.post(session_url(session), session_data(session, before, venue="B"))

    assert response.status_code == 200
    assert "Nothing this page shows was changed" in response.context["form"].non_field_errors()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("values", ["", "tampered", "a:b:c"])
def test_an_unreadable_copy_of_the_opened_values_is_not_trusted(ana, session, values):
    client = signed_in(ana)
    before = opened(client.get(session_url(session)))
    Session.objects.get(pk=session.pk).save()

    response = client.post(
        session_url(session),
        session_data(session, {OPENED_VERSION: before[OPENED_VERSION], OPENED_VALUES: values}),
    )

    assert response.status_code == 200
    assert "check it against the saved session" in response.context["form"].non_field_errors()[0]


@pytest.mark.django_db
def test_a_copy_made_for_another_session_is_not_trusted(ana, session, workshop):
    other = SessionFactory(workshop=workshop)
    client = signed_in(ana)
    other_opened = opened(client.get(session_url(other)))
    Session.objects.get(pk=session.pk).save()

    response = client.post(
        session_url(session),
        session_data(
            session,
            {OPENED_VERSION: session.version, OPENED_VALUES: other_opened[OPENED_VALUES]},
        ),
    )

    assert response.status_code == 200
    assert "check it against the saved session" in response.context["form"].non_field_errors()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["abc", "-1", "99999999999999999999"])
def test_a_version_that_is_not_the_saved_one_is_refused_without_error(ana, session, version):
    client = signed_in(ana)
    before = opened(client.get(session_url(session)))

    response = client.post(
        session_url(session),
        session_data(session, {**before, OPENED_VERSION: version}, venue="B"),
    )

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.venue == "Union Hall"


# Requests


@pytest.fixture
def request_workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Strategic Planning for Your Local", offered_on_request=True
    )


@pytest.fixture
def certified(request_workshop):
    return {
        name: FacilitatorFactory(
            user__username=name.lower(),
            user__first_name=name,
            user__last_name="Facilitator",
            certified_workshops=[request_workshop],
        ).user
        for name in ("Fran", "Gil")
    }


@pytest.fixture
def session_request(request_workshop):
    return SessionRequestFactory(
        workshop=request_workshop,
        local=LocalFactory(number="3247", name="Social Services Workers"),
        contact_name="Robin Tremblay",
        participants=14,
        staff_notes="Call after 4 pm.",
    )


def request_url(name, session_request):
    return reverse(f"wagtailsnippets_courses_sessionrequest:{name}", args=[session_request.pk])


def request_data(session_request, opened_with=None, **changes):
    return edit_data(session_request, **{**changes, **(opened_with or {})})


@pytest.mark.django_db
def test_the_second_to_save_a_request_is_told_what_changed(ana, ben, session_request):
    as_ana, as_ben = signed_in(ana), signed_in(ben)
    url = request_url("edit", session_request)
    ana_opened = opened(as_ana.get(url))
    ben_opened = opened(as_ben.get(url))
    assert (
        as_ana.post(url, request_data(session_request, ana_opened, participants="20")).status_code
        == 302
    )

    response = as_ben.post(
        url, request_data(session_request, ben_opened, staff_notes="Prefers Fridays.")
    )

    assert response.status_code == 200
    session_request.refresh_from_db()
    assert (session_request.participants, session_request.staff_notes) == (20, "Call after 4 pm.")
    form = response.context["form"]
    assert form["staff_notes"].value() == "Prefers Fridays."
    assert form.errors["participants"] == [
        "Changed to “20” since you opened this page (it was “14”)."
    ]

    again = as_ben.post(
        url,
        request_data(session_request, opened(response), staff_notes="Prefers Fridays."),
    )

    assert again.status_code == 302
    session_request.refresh_from_db()
    assert (session_request.participants, session_request.staff_notes) == (20, "Prefers Fridays.")


@pytest.mark.django_db
def test_a_status_changed_while_the_request_was_open_is_told(ana, ben, session_request):
    url = request_url("edit", session_request)
    as_ben = signed_in(ben)
    ben_opened = opened(as_ben.get(url))
    change_status(session_request.pk, RequestStatus.IN_REVIEW, user=ana)

    response = as_ben.post(url, request_data(session_request, ben_opened, staff_notes="New"))

    assert response.status_code == 200
    assert "Status: Changed to “In review” since you opened this page (it was “New”)." in (
        response.context["form"].non_field_errors()
    )
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.IN_REVIEW
    assert session_request.staff_notes == "Call after 4 pm."


@pytest.mark.django_db
def test_a_status_changed_by_someone_else_is_not_changed_blindly(ana, ben, session_request):
    url = request_url("change_status", session_request)
    as_ana, as_ben = signed_in(ana), signed_in(ben)
    ana_opened = opened(as_ana.get(url))
    ben_opened = opened(as_ben.get(url))
    as_ana.post(url, {"status": RequestStatus.IN_REVIEW, "reason": "", **ana_opened})
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.IN_REVIEW

    decline = {"status": RequestStatus.DECLINED, "reason": "No facilitator free."}
    response = as_ben.post(url, {**decline, **ben_opened})

    assert response.status_code == 200
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.IN_REVIEW
    form = response.context["form"]
    assert form["reason"].value() == "No facilitator free."
    assert (
        "Status: Changed to “In review” since you opened this page (it was “New”)."
        in form.non_field_errors()
    )
    assert "Ana Lima saved this session request" in response.text

    again = as_ben.post(url, {**decline, **opened(response)})

    assert again.status_code == 302
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.DECLINED


@pytest.mark.django_db
def test_a_facilitator_assigned_by_someone_else_is_not_replaced_blindly(
    ana, ben, session_request, certified
):
    url = request_url("assign_facilitator", session_request)
    as_ana, as_ben = signed_in(ana), signed_in(ben)
    ana_opened = opened(as_ana.get(url))
    ben_opened = opened(as_ben.get(url))
    as_ana.post(url, {"facilitator": str(certified["Fran"].pk), **ana_opened})

    response = as_ben.post(url, {"facilitator": str(certified["Gil"].pk), **ben_opened})

    assert response.status_code == 200
    session_request.refresh_from_db()
    assert session_request.assigned_facilitator == certified["Fran"]
    form = response.context["form"]
    assert form["facilitator"].value() == str(certified["Gil"].pk)
    assert (
        "Assigned facilitator: Changed to “Fran Facilitator” since you opened this page "
        "(it was “empty”)." in form.non_field_errors()
    )

    again = as_ben.post(url, {"facilitator": str(certified["Gil"].pk), **opened(response)})

    assert again.status_code == 302
    session_request.refresh_from_db()
    assert session_request.assigned_facilitator == certified["Gil"]


@pytest.mark.django_db
def test_an_edit_of_the_details_does_not_stop_an_action_silently(ana, ben, session_request):
    """Any save since the page was opened is told, even one that changed nothing it shows."""
    url = request_url("change_status", session_request)
    as_ben = signed_in(ben)
    ben_opened = opened(as_ben.get(url))
    SessionRequest.objects.get(pk=session_request.pk).save()

    response = as_ben.post(url, {"status": RequestStatus.IN_REVIEW, "reason": "", **ben_opened})

    assert response.status_code == 200
    assert "Nothing this page shows was changed" in response.context["form"].non_field_errors()[0]
    again = as_ben.post(url, {"status": RequestStatus.IN_REVIEW, "reason": "", **opened(response)})
    assert again.status_code == 302
