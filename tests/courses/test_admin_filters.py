"""The admin's filters on sessions, locals and workshops are choosers: a listing renders the
chosen record alone, whatever the number of sessions and locals on record, and shows a chosen
record's label only to someone who may see it."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from courses.models import Session
from courses.sessions.admin_views import EnrollmentFilterSet
from tests.factories import (
    CertificateFactory,
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)

FIRST_DAY = datetime(2031, 1, 6, 14, tzinfo=UTC)


def list_url(model):
    return reverse(f"wagtailsnippets_courses_{model}:list")


CERTIFICATES_URL = "/admin/certificates/"


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Bargaining")


def add_sessions(workshop, count, offset=0):
    """``count`` sessions of ``workshop``, a day apart, each with a confirmed person and a
    certificate."""
    sessions = []
    for number in range(offset, offset + count):
        session = SessionFactory(
            workshop=workshop, start=FIRST_DAY + timedelta(days=number), status="delivered"
        )
        CertificateFactory(enrollment=EnrollmentFactory(session=session, completed=True))
        sessions.append(session)
    return sessions


def measure(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
@pytest.mark.parametrize("url", [list_url("enrollment"), CERTIFICATES_URL])
def test_the_session_filter_costs_the_same_however_many_sessions(client, staff, workshop, url):
    client.force_login(staff)
    sessions = add_sessions(workshop, 5)
    chosen = sessions[0]
    client.get(url)  # warm: the first request of a test reads the site and the locales

    few_queries, few = measure(client, url, {"session": chosen.pk})
    unfiltered_few, _ = measure(client, url, {})
    sessions += add_sessions(workshop, 55, offset=5)
    many_queries, many = measure(client, url, {"session": chosen.pk})
    unfiltered_many, _ = measure(client, url, {})

    assert many_queries == few_queries
    assert unfiltered_many == unfiltered_few
    # The chosen session is named (in the chooser and among the active filters); no other is.
    assert str(chosen) in many.text
    for other in sessions[1:]:
        assert str(other) not in many.text
    assert f'<option value="{sessions[-1].pk}"' not in many.text
    assert abs(len(many.content) - len(few.content)) < 200


@pytest.mark.django_db
def test_the_local_filter_costs_the_same_however_many_locals(client, staff):
    client.force_login(staff)
    url = list_url("participant")
    locals_ = [LocalFactory(name=f"Hospital workers {number}") for number in range(5)]
    ParticipantFactory(local=locals_[0], name="Ana Lima")
    ParticipantFactory(local=locals_[1], name="Bo Chen")
    client.get(url)

    few_queries, few = measure(client, url, {"local": locals_[0].pk})
    locals_ += [LocalFactory(name=f"Hospital workers {number}") for number in range(5, 60)]
    many_queries, many = measure(client, url, {"local": locals_[0].pk})

    assert many_queries == few_queries
    assert [person.name for person in many.context["object_list"]] == ["Ana Lima"]
    assert str(locals_[0]) in many.text
    for other in locals_[1:]:
        assert str(other) not in many.text
    assert abs(len(many.content) - len(few.content)) < 200


@pytest.mark.django_db
def test_a_session_in_the_address_still_filters_and_is_named(client, staff, workshop):
    chosen, other = add_sessions(workshop, 2)
    client.force_login(staff)

    response = client.get(list_url("enrollment"), {"session": chosen.pk})

    assert not response.context["filters"].errors
    assert {enrolment.session_id for enrolment in response.context["object_list"]} == {chosen.pk}
    assert str(chosen) in response.text
    assert str(other) not in response.text
    # The chooser's modal is at hand, with its script.
    assert reverse(Session.snippet_viewset.chooser_viewset.get_url_name("choose")) in response.text
    assert "snippet-chooser.js" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["999999", "-1", "word", "9" * 30, ""])
def test_an_unknown_session_is_ignored(client, staff, workshop, value):
    add_sessions(workshop, 2)
    client.force_login(staff)

    response = client.get(list_url("enrollment"), {"session": value})

    assert response.status_code == 200
    assert len(response.context["object_list"]) == 2


@pytest.mark.django_db
def test_the_chosen_session_is_named_only_to_who_may_see_it(facilitator, workshop):
    """The filter names a session only from those the user may see: a facilitator, who sees
    only the sessions they facilitate, cannot learn another's label through the address."""
    own, other = add_sessions(workshop, 2)
    own.facilitators.add(facilitator)
    request = RequestFactory().get("/")
    request.user = facilitator

    def rendered(session):
        filters = EnrollmentFilterSet({"session": str(session.pk)}, request=request)
        return str(filters.form["session"]), filters

    own_html, own_filters = rendered(own)
    other_html, other_filters = rendered(other)

    assert str(own) in own_html and own_filters.is_valid()
    assert str(other) not in other_html
    assert not other_filters.is_valid()


@pytest.mark.django_db
def test_the_workshop_filter_is_a_page_chooser(client, staff, catalogue, workshop):
    other = WorkshopPageFactory(parent=catalogue, title="Health and safety")
    listed = SessionFactory(workshop=workshop, start=FIRST_DAY)
    SessionFactory(workshop=other, start=FIRST_DAY)
    client.force_login(staff)

    response = client.get(list_url("session"), {"workshop": workshop.pk})

    assert [session.pk for session in response.context["object_list"]] == [listed.pk]
    assert "page-chooser.js" in response.text
    assert "Health and safety" not in response.text
