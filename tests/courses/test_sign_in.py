"""Signing in to My learning with a one-time link sent by email, from /sign-in/."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

import pytest
from sesame.utils import get_query_string

from courses.models import Participant
from courses.sessions.signin import SCOPE
from tests.factories import ParticipantFactory, UserFactory

ROLES = ["anonymous", "participant", "another_participant", "facilitator", "staff", "superuser"]
SIGN_IN_LINK = re.compile(r"http://testserver((?:/[a-z]{2})?/sign-in/link/\?\S+)")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def member(db):
    """A participant who enrolled once and has never signed in."""
    return ParticipantFactory(name="Ana Lima", email="ana@example.org")


def ask_for_link(client, email, **extra):
    return client.post("/en/sign-in/", {"email": email, **extra})


def link_in(message):
    return SIGN_IN_LINK.search(message.body).group(1)


def signed_in_user(client):
    return client.session.get("_auth_user_id")


def use_link(client, link):
    """Open a sign-in link and press its "Sign in" button, as a member does."""
    page = client.get(link)
    assert page.status_code == 200, page.status_code
    return client.post(link, {"next": page.context["next"]})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_ask_for_a_link(client_as, users, role):
    response = client_as(users[role]).get("/en/sign-in/")

    assert response.status_code == 200
    assert "Email me a sign-in link" in response.text


@pytest.mark.django_db
def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, member):
    known = ask_for_link(client, "ana@example.org")
    assert len(mail.outbox) == 1
    unknown = ask_for_link(client, "nobody@example.org")
    assert len(mail.outbox) == 1

    assert (
        (known.status_code, known.url)
        == (unknown.status_code, unknown.url)
        == (
            302,
            "/en/sign-in/sent/",
        )
    )
    known_page, unknown_page = client.get(known.url), client.get(unknown.url)
    assert known_page.status_code == unknown_page.status_code == 200
    assert [t.name for t in known_page.templates] == [t.name for t in unknown_page.templates]
    assert CSRF_TOKEN.sub("", known_page.text) == CSRF_TOKEN.sub("", unknown_page.text)
    assert "Check your email" in known_page.text
    assert "20 minutes" in known_page.text
    assert mail.outbox[0].to == ["ana@example.org"]
    assert mail.outbox[0].subject == "Sign in to My learning"


@pytest.mark.django_db
def test_the_link_signs_in_and_lands_on_my_learning(client, member):
    ask_for_link(client, "ANA@example.org ")
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]  # the address on record
    browser = Client()

    response = use_link(browser, link_in(message))

    assert response.status_code == 302
    assert response.url == "/en/my-learning/"
    member.refresh_from_db()
    assert signed_in_user(browser) == str(member.user.pk)
    page = browser.get("/en/my-learning/")
    assert page.status_code == 200
    assert "Welcome, Ana Lima." in page.text


@pytest.mark.django_db
def test_the_first_sign_in_creates_an_account_and_links_the_participant(client, member):
    ask_for_link(client, "ana@example.org")

    member.refresh_from_db()
    user = member.user
    assert user is not None
    assert user.email == "ana@example.org"
    assert not user.has_usable_password()
    assert not user.is_staff
    # Asking again reuses the account.
    ask_for_link(client, "ana@example.org")
    assert get_user_model().objects.filter(email="ana@example.org").count() == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_existing_account_with_the_same_address_is_linked(client, participant):
    member = ParticipantFactory(email="PARTICIPANT@example.org")

    ask_for_link(client, "participant@example.org")

    member.refresh_from_db()
    assert member.user == participant


@pytest.mark.django_db
def test_a_link_works_only_once(client, member):
    ask_for_link(client, "ana@example.org")
    link = link_in(mail.outbox[0])
    use_link(Client(), link)
    later = Client()

    response = later.get(link)

    assert response.status_code == 400
    assert "That sign-in link no longer works." in response.text
    assert "Email me a sign-in link" in response.text
    assert signed_in_user(later) is None


@pytest.mark.django_db
def test_an_expired_link_fails_kindly(client, member, settings):
    ask_for_link(client, "ana@example.org")
    link = link_in(mail.outbox[0])
    settings.SESAME_MAX_AGE = 0  # now older than links may be

    browser = Client()
    response = browser.get(link)

    assert response.status_code == 400
    assert "That sign-in link no longer works." in response.text
    assert signed_in_user(browser) is None


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "nonsense", "A" * 5000, "\x00"])
def test_a_forged_link_fails_kindly(client, member, token):
    response = client.get("/en/sign-in/link/", {"sesame": token})

    assert response.status_code == 400
    assert "That sign-in link no longer works." in response.text
    assert signed_in_user(client) is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["facilitator", "staff", "superuser"])
def test_people_with_admin_access_are_told_to_use_their_password(client, users, role):
    user = users[role]
    ParticipantFactory(email=user.email)  # even when they enrolled in a session themselves

    ask_for_link(client, user.email)

    [message] = mail.outbox
    assert not SIGN_IN_LINK.search(message.body)
    assert "password" in message.body
    assert "http://testserver/admin/login/" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["facilitator", "staff", "superuser"])
def test_a_link_never_signs_in_someone_with_admin_access(client, users, role):
    user = users[role]
    link = "/en/sign-in/link/" + get_query_string(user, scope=SCOPE)

    response = client.get(link)

    assert response.status_code == 400
    assert signed_in_user(client) is None


@pytest.mark.django_db
def test_a_link_for_another_purpose_does_not_sign_in(client, member):
    user = UserFactory(email="ana@example.org")
    member.user = user
    member.save()

    response = client.get("/en/sign-in/link/" + get_query_string(user))

    assert response.status_code == 400
    assert signed_in_user(client) is None


@pytest.mark.django_db
def test_the_link_leads_back_to_where_the_member_was_going(client, member):
    ask_for_link(client, "ana@example.org", next="/en/sessions/12/enrol/")

    response = use_link(Client(), link_in(mail.outbox[0]))

    assert response.url == "/en/sessions/12/enrol/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_the_link_never_leads_to_another_site(client, member, target):
    ask_for_link(client, "ana@example.org", next=target)

    response = use_link(Client(), link_in(mail.outbox[0]))

    assert response.url == "/en/my-learning/"


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["not-an-email", "a" * 10_000 + "@example.org", "a\x00@b.org"])
def test_a_bad_address_is_explained_at_the_field(client, email):
    response = ask_for_link(client, email)

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert 'aria-describedby="id_email_helptext id_email_error"' in response.text
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_empty_request_is_explained_at_the_field(client):
    response = client.post("/en/sign-in/", {})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This field is required."]


@pytest.mark.django_db
def test_signing_out(client, member, home_page):
    ask_for_link(client, "ana@example.org")
    use_link(client, link_in(mail.outbox[0]))
    assert signed_in_user(client)

    response = client.post("/en/sign-out/", follow=True)

    assert response.status_code == 200
    assert "You are signed out." in response.text
    assert signed_in_user(client) is None
    assert client.get("/en/sign-out/").status_code == 405


@pytest.mark.django_db
def test_a_participant_without_an_account_is_not_created_twice(client, member):
    """Two sign-in requests for an address in different case share one account."""
    ask_for_link(client, "ana@example.org")
    ask_for_link(client, "Ana@Example.org")

    assert Participant.objects.count() == 1
    assert get_user_model().objects.filter(email__iexact="ana@example.org").count() == 1


# Links that mail scanners cannot burn


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_a_link_signs_nobody_in_and_leaves_it_working(client, member, method):
    ask_for_link(client, "ana@example.org")
    link = link_in(mail.outbox[0])
    scanner = Client()

    for _ in range(3):
        assert getattr(scanner, method)(link).status_code == 200
    assert signed_in_user(scanner) is None

    browser = Client()
    response = use_link(browser, link)

    assert response.status_code == 302
    member.refresh_from_db()
    assert signed_in_user(browser) == str(member.user.pk)


@pytest.mark.django_db
def test_the_link_page_has_a_sign_in_button_that_posts(client, member):
    ask_for_link(client, "ana@example.org")

    page = Client().get(link_in(mail.outbox[0]))

    assert '<form method="post"' in page.text
    assert ">Sign in</button>" in page.text
    assert page["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_signs_nobody_in(member):
    ask_for_link(Client(), "ana@example.org")
    link = link_in(mail.outbox[0])
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(link, {})

    assert response.status_code == 403
    assert signed_in_user(browser) is None
    assert Client().get(link).status_code == 200


@pytest.mark.django_db
def test_opening_a_link_when_already_signed_in_goes_on_without_spending_it(client, member):
    ask_for_link(client, "ana@example.org")
    use_link(client, link_in(mail.outbox[0]))
    ask_for_link(client, "ana@example.org")
    link = link_in(mail.outbox[1])

    response = client.get(link)

    assert response.status_code == 302
    assert response.url == "/en/my-learning/"
    assert use_link(Client(), link).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed_on_the_link(client, member, method):
    ask_for_link(client, "ana@example.org")

    assert getattr(Client(), method)(link_in(mail.outbox[0])).status_code == 405


@pytest.mark.django_db
def test_a_honeypot_filled_in_sends_nothing_and_says_the_same(client, member):
    response = ask_for_link(client, "ana@example.org", website="http://spam.example")

    assert response.status_code == 302
    assert response.url == "/en/sign-in/sent/"
    assert mail.outbox == []
