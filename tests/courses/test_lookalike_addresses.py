"""An address typed on a public form matches only the member whose mailbox it reaches.

Databases fold case differently outside ASCII: PostgreSQL upper-cases the dotless "ı" to "I",
so a case-insensitive match would take "alice@lınk.org" (a domain anyone may register) for
"alice@link.org". Addresses typed in public are written in ASCII first, and emails about a
known member go to the address on record.
"""

from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, TestCase

import pytest

from courses.models import Participant, PendingEnrollment
from courses.validators import normalise_email
from tests.enrolment import ask, confirmation_links
from tests.factories import LocalFactory, ParticipantFactory, SessionFactory, WorkshopPageFactory


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ana@Example.ORG", "Ana@example.org"),
        ("  ana@example.org ", "ana@example.org"),
        ("alice@lınk.org", "alice@xn--lnk-jua.org"),
        ("marie@crème.ca", "marie@xn--crme-6oa.ca"),
        ("first.last+tag@example.org", "first.last+tag@example.org"),
    ],
)
def test_addresses_are_written_in_ascii(typed, stored):
    assert normalise_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        '"ana"@example.org',
        '"an\\a"@example.org',
        "ańa@example.org",
        "alıce@link.org",
        "ana..lima@example.org",
        ".ana@example.org",
        "ana@",
        "@example.org",
    ],
)
def test_addresses_that_could_be_written_several_ways_are_refused(typed):
    with pytest.raises(ValidationError):
        normalise_email(typed)


@pytest.fixture
def member(db):
    return ParticipantFactory(name="Alice Martin", email="alice@link.org")


@pytest.mark.django_db
def test_a_lookalike_domain_gets_no_sign_in_link_for_the_member(client, member):
    client.post("/en/sign-in/", {"email": "alice@lınk.org"})

    assert mail.outbox == []
    member.refresh_from_db()
    assert member.user is None


@pytest.mark.django_db
def test_a_sign_in_link_goes_to_the_address_on_record(client, member):
    client.post("/en/sign-in/", {"email": "ALICE@LINK.ORG"})

    [message] = mail.outbox
    assert message.to == ["alice@link.org"]


@pytest.mark.django_db
def test_a_lookalike_local_part_is_refused_at_the_field(client, member):
    response = client.post("/en/sign-in/", {"email": "alıce@link.org"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_lookalike_address_enrols_as_someone_new(client, catalogue, member):
    session = SessionFactory(workshop=WorkshopPageFactory(parent=catalogue))
    LocalFactory(number="3247")

    ask(
        client,
        session,
        {
            "name": "Mallory",
            "email": "alice@lınk.org",
            "local": "3247",
            "preferred_language": "en",
        },
    )

    [message] = mail.outbox
    assert message.to == ["alice@xn--lnk-jua.org"]
    assert "Alice Martin" not in message.body
    [link] = confirmation_links("alice@xn--lnk-jua.org")
    page = Client().get(link)
    assert "Alice Martin" not in page.text
    assert PendingEnrollment.objects.get().email == "alice@xn--lnk-jua.org"


@pytest.mark.django_db
def test_quoted_variants_of_one_mailbox_are_refused_on_the_enrol_form(client, catalogue):
    session = SessionFactory(workshop=WorkshopPageFactory(parent=catalogue))
    LocalFactory(number="3247")

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/en/sessions/{session.pk}/enrol/",
            {
                "name": "Ana",
                "email": '"ana"@example.org',
                "local": "3247",
                "preferred_language": "en",
            },
        )

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []
    assert not Participant.objects.exists()
