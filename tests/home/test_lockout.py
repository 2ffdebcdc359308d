"""Password log-ins at /admin/login/ are locked after repeated failures for one username from one
client: even the right password is refused until the lockout ends (by time, or lifted by
staff in the admin). Sign-in links for members are not affected."""

from datetime import timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest
from axes.models import AccessAttempt
from sesame.utils import get_query_string

from courses.roles import STAFF_GROUP
from courses.sessions.signin import SCOPE
from tests.factories import PASSWORD, ParticipantFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 5
CLIENT_IP = "203.0.113.10"


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)


@pytest.fixture
def admin_user(db):
    return SuperuserFactory(username="chief", email="chief@example.org")


def log_in(client, username, password, ip=CLIENT_IP, **extra):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def fail(client, username, times, ip=CLIENT_IP, **extra):
    return [log_in(client, username, "wrong password", ip, **extra) for _ in range(times)]


def signed_in(response):
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


# Locking


def test_the_right_password_is_refused_after_repeated_failures(client, admin_user):
    fail(client, "chief", 30)

    response = log_in(client, "chief", PASSWORD)

    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, admin_user):
    responses = fail(client, "chief", LIMIT - 1)

    assert [response.status_code for response in responses] == [200] * (LIMIT - 1)
    assert signed_in(log_in(client, "chief", PASSWORD))


def test_the_failure_that_reaches_the_limit_locks(client, admin_user):
    *before, last = fail(client, "chief", LIMIT)

    assert all(response.status_code == 200 for response in before)
    assert last.status_code == 429


def test_the_lockout_page_says_when_to_try_again_and_keeps_the_username(client, admin_user):
    fail(client, "chief", LIMIT)

    response = log_in(client, "chief", PASSWORD)

    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 29 * 60 < retry_after <= 30 * 60
    html = response.content.decode()
    assert "Too many failed sign-ins" in html
    assert "try again in 30 minutes" in html
    assert 'name="username"' in html and 'value="chief"' in html
    assert 'name="password"' in html
    assert "wrong password" not in html
    assert 'action="/admin/login/"' in html


def test_the_lockout_page_is_in_french_for_a_french_speaker(client, admin_user):
    fail(client, "chief", LIMIT, HTTP_ACCEPT_LANGUAGE="fr")

    response = log_in(client, "chief", PASSWORD, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 429
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "Se connecter" in html  # Wagtail's own button
    assert "personnel et personnes animatrices" in html  # the branded heading
    assert 'value="chief"' in html


def test_another_client_may_still_sign_in_with_that_username(client, admin_user):
    fail(client, "chief", LIMIT)

    assert signed_in(log_in(client, "chief", PASSWORD, ip="198.51.100.20"))


def test_another_username_from_the_same_client_is_not_locked(client, admin_user):
    UserFactory(username="deputy", is_staff=True, is_superuser=True)
    fail(client, "chief", LIMIT)

    assert signed_in(log_in(client, "deputy", PASSWORD))


def test_behind_a_proxy_the_client_is_the_forwarded_address(client, admin_user, settings):
    settings.EDUCATION_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    fail(client, "chief", LIMIT, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")

    elsewhere = log_in(client, "chief", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.51")

    assert signed_in(elsewhere)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.50"


def test_the_lockout_ends_with_the_cool_off_time(client, admin_user):
    fail(client, "chief", LIMIT)
    assert log_in(client, "chief", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

    assert signed_in(log_in(client, "chief", PASSWORD))


def test_retrying_during_the_lockout_does_not_make_it_longer(client, admin_user):
    fail(client, "chief", LIMIT)
    locked_at = AccessAttempt.objects.get().attempt_time

    fail(client, "chief", 3)

    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_signing_in_clears_the_earlier_failures(client, admin_user):
    fail(client, "chief", LIMIT - 1)
    assert signed_in(log_in(client, "chief", PASSWORD))
    client.logout()

    responses = fail(client, "chief", LIMIT - 1)

    assert all(response.status_code == 200 for response in responses)


def test_a_lockout_away_from_the_log_in_page_gets_a_page_of_its_own(rf, admin_user):
    """Any other place that checks a password with the request gets the message on a page."""
    from home.lockout import lockout_response

    request = rf.post("/elsewhere/", {"username": "chief"}, REMOTE_ADDR=CLIENT_IP)
    request.session = {}
    AccessAttempt.objects.create(
        username="chief", ip_address=CLIENT_IP, user_agent="<unknown>", failures_since_start=LIMIT
    )
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=10))

    response = lockout_response(request, None, {"username": "chief"})

    assert response.status_code == 429
    assert 19 * 60 < int(response["Retry-After"]) <= 20 * 60
    html = response.content.decode()
    assert "Signing in is paused" in html
    assert "try again in 20 minutes" in html


# Everything else that signs people in keeps working


def test_authenticate_without_a_request_still_works(admin_user):
    assert authenticate(username="chief", password=PASSWORD) == admin_user
    assert authenticate(username="chief", password="wrong") is None


def test_the_test_client_log_in_still_works(client, admin_user):
    assert client.login(username="chief", password=PASSWORD)


def sign_in_link_for(user):
    return reverse("courses:sign_in_link") + get_query_string(user, scope=SCOPE)


def test_a_sign_in_link_works_from_a_client_locked_out_of_password_log_ins(client, admin_user):
    member = UserFactory(username="member", password=None)
    ParticipantFactory(user=member, email=member.email)
    fail(client, "chief", LIMIT)
    fail(client, "member", LIMIT)

    response = client.post(sign_in_link_for(member), REMOTE_ADDR=CLIENT_IP)

    assert response.status_code == 302
    assert response.url == "/en/my-learning/"
    assert client.get("/en/my-learning/", REMOTE_ADDR=CLIENT_IP).status_code == 200


def test_used_sign_in_links_are_not_counted_as_password_failures(client, admin_user):
    member = UserFactory(username="member", password=None)
    ParticipantFactory(user=member, email=member.email)
    link = sign_in_link_for(member)
    assert client.post(link, REMOTE_ADDR=CLIENT_IP).status_code == 302
    client.logout()

    for _ in range(LIMIT * 2):
        assert client.post(link, REMOTE_ADDR=CLIENT_IP).status_code == 400

    assert not AccessAttempt.objects.exists()
    assert signed_in(log_in(client, "chief", PASSWORD))


# Staff see lockouts in the admin and lift them


INDEX_URL = "/admin/sign-in-lockouts/"


def lift_url(attempt):
    return f"/admin/sign-in-lockouts/lift/{attempt.pk}/"


def refused(response):
    """Wagtail answers 403, or sends the user to the dashboard or the log-in page."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (response.url == "/admin/" or response.url.startswith("/admin/login/"))
    )


@pytest.fixture
def locked(client, admin_user):
    """The superuser "chief" locked out at CLIENT_IP; the test client signed out again."""
    fail(client, "chief", LIMIT)
    return AccessAttempt.objects.get(username="chief")


def test_education_staff_may_see_and_lift_lockouts():
    group = Group.objects.get(name=STAFF_GROUP)

    granted = set(
        group.permissions.filter(content_type__app_label="axes").values_list("codename", flat=True)
    )

    assert granted == {"view_accessattempt", "delete_accessattempt"}


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_see_lockouts_in_the_settings_menu(client, users, locked, role):
    client.force_login(users[role])

    response = client.get(INDEX_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "chief" in html
    assert CLIENT_IP in html
    assert "Locked" in html
    assert lift_url(locked) in html
    menu = client.get("/admin/").content.decode()
    assert INDEX_URL in menu


def test_a_user_with_only_the_view_permission_sees_them_but_cannot_lift(client, locked):
    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_accessattempt"),
    )
    client.force_login(viewer)

    listing = client.get(INDEX_URL)

    assert listing.status_code == 200
    assert "chief" in listing.content.decode()
    assert lift_url(locked) not in listing.content.decode()
    assert refused(client.post(lift_url(locked)))
    assert AccessAttempt.objects.exists()


@pytest.mark.parametrize("role", ["facilitator", "participant"])
def test_others_do_not_see_lockouts(client, users, locked, role):
    client.force_login(users[role])

    assert refused(client.get(INDEX_URL))
    assert refused(client.post(lift_url(locked)))
    assert AccessAttempt.objects.exists()
    if role == "facilitator":
        assert INDEX_URL not in client.get("/admin/").content.decode()


def test_failures_below_the_limit_are_listed_as_not_locked(client, staff, admin_user):
    fail(client, "chief", 2)
    client.force_login(staff)

    html = client.get(INDEX_URL).content.decode()

    assert "chief" in html
    assert "Not locked" in html


def test_lifting_asks_first(client, staff, locked):
    client.force_login(staff)

    response = client.get(lift_url(locked))

    assert response.status_code == 200
    html = response.content.decode()
    assert "chief" in html and CLIENT_IP in html
    assert 'method="post"' in html
    assert AccessAttempt.objects.exists()


def test_lifting_a_lockout_lets_the_person_sign_in_and_is_logged(client, staff, locked):
    client.force_login(staff)

    response = client.post(lift_url(locked))

    assert response.status_code == 302
    assert response.url == INDEX_URL
    assert not AccessAttempt.objects.filter(username="chief").exists()
    entry = ModelLogEntry.objects.get(action="home.lift_lockout")
    assert entry.user == staff
    assert entry.data == {"username": "chief", "ip_address": CLIENT_IP}
    client.logout()
    assert signed_in(log_in(client, "chief", PASSWORD))


def test_lifting_clears_every_browser_of_that_username_and_client(client, staff, admin_user):
    fail(client, "chief", 3, HTTP_USER_AGENT="Firefox")
    fail(client, "chief", 2, HTTP_USER_AGENT="Chromium")
    assert log_in(client, "chief", PASSWORD).status_code == 429
    first = AccessAttempt.objects.filter(username="chief").first()
    client.force_login(staff)

    client.post(lift_url(first))

    assert not AccessAttempt.objects.filter(username="chief").exists()


def test_the_lockout_list_cannot_add_or_edit(client, superuser, locked):
    client.force_login(superuser)

    assert client.get(INDEX_URL + "new/").status_code == 404
    assert client.get(INDEX_URL + f"edit/{locked.pk}/").status_code == 404


def test_lockouts_are_found_by_username_or_address(client, staff, admin_user):
    UserFactory(username="deputy")
    fail(client, "chief", 2)
    fail(client, "deputy", 2, ip="198.51.100.30")
    client.force_login(staff)

    by_name = client.get(INDEX_URL, {"q": "deputy"})
    by_address = client.get(INDEX_URL + "results/", {"q": "198.51.100.30"})

    assert by_name.status_code == by_address.status_code == 200
    assert [row.username for row in by_name.context["object_list"]] == ["deputy"]
    assert [row.username for row in by_address.context["object_list"]] == ["deputy"]
