"""Facilitators sign in through the admin: it leads them to their sessions."""

import pytest

from tests.factories import SessionFactory, WorkshopPageFactory


@pytest.fixture
def session(catalogue, facilitator):
    workshop = WorkshopPageFactory(parent=catalogue, title="Handling Conflict")
    return SessionFactory(workshop=workshop, facilitators=[facilitator])


@pytest.mark.django_db
def test_the_dashboard_lists_a_facilitators_sessions(client_as, facilitator, session):
    response = client_as(facilitator).get("/admin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your sessions" in html
    assert f"/en/facilitate/sessions/{session.pk}/" in html
    assert "/en/facilitate/" in html  # the "My sessions" menu item and the panel's button


@pytest.mark.django_db
def test_staff_without_sessions_see_no_sessions_panel(client_as, staff, session):
    html = client_as(staff).get("/admin/").content.decode()

    assert "Your sessions" not in html


@pytest.mark.django_db
def test_participants_have_no_admin(client_as, participant):
    response = client_as(participant).get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
