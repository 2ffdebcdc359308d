"""Facilitators sign in with their password at the admin's log-in and land on their sessions;
everyone else lands where Wagtail sends them, and a requested page always wins."""

from django.contrib.auth.models import Group

import pytest

from courses.roles import FACILITATORS_GROUP
from tests.factories import UserFactory

PASSWORD = "a long enough password"


def sign_in(client, user, next_url=None):
    user.set_password(PASSWORD)
    user.save()
    data = {"username": user.get_username(), "password": PASSWORD}
    url = "/admin/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


@pytest.mark.django_db
def test_a_facilitator_lands_on_my_sessions(client, facilitator):
    response = sign_in(client, facilitator)

    assert response.status_code == 302
    assert response.url == "/en/facilitate/"
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_the_dashboard_sent_by_the_log_in_form_counts_as_nothing_asked(client, facilitator):
    """Wagtail's log-in form posts ``next=/admin/`` when no page was asked for."""
    response = sign_in(client, facilitator, next_url="/admin/")

    assert response.url == "/en/facilitate/"


@pytest.mark.django_db
def test_a_page_asked_for_wins(client, facilitator):
    response = sign_in(client, facilitator, next_url="/admin/pages/")

    assert response.url == "/admin/pages/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_land_on_the_dashboard(client, users, role):
    response = sign_in(client, users[role])

    assert response.url == "/admin/"


@pytest.mark.django_db
def test_a_facilitator_who_is_also_staff_lands_on_the_dashboard(client, staff):
    staff.groups.add(Group.objects.get(name=FACILITATORS_GROUP))

    assert sign_in(client, staff).url == "/admin/"


@pytest.mark.django_db
def test_a_signed_in_facilitator_visiting_the_log_in_goes_to_my_sessions(client, facilitator):
    client.force_login(facilitator)

    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response.url == "/en/facilitate/"


@pytest.mark.django_db
def test_a_wrong_password_shows_the_log_in_again(client, facilitator):
    response = client.post(
        "/admin/login/", {"username": facilitator.get_username(), "password": "wrong"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_a_member_without_admin_access_reaches_neither_the_admin_nor_my_sessions(client):
    response = sign_in(client, UserFactory())

    assert response.url == "/admin/"
    assert client.get("/admin/").url == "/admin/login/?next=/admin/"
    assert client.get("/en/facilitate/").status_code == 403
