"""Enrolling proves the address: the form takes no seat and changes no record; the link emailed
to the address opens a page whose "Confirm my place" button (a POST) books the place."""

import re
from datetime import timedelta

from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

import pytest

from courses.choices import EnrollmentStatus
from courses.models import Enrollment, Participant, PendingEnrollment
from courses.sessions import confirmation
from tests.enrolment import ask, confirm_link, confirmation_links, enrol_by_email, enrol_url
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    UserFactory,
    WorkshopPageFactory,
)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict")


@pytest.fixture
def local(db):
    return LocalFactory(number="3247", name="Social Services Workers")


@pytest.fixture
def session(workshop):
    return SessionFactory(workshop=workshop, capacity=3)


def form_data(**changes):
    return {
        "name": "Ana Lima",
        "email": "ana@example.org",
        "local": "3247",
        "preferred_language": "en",
        "accessibility_needs": "",
        "childcare_needs": "",
        **changes,
    }


CHECK_YOUR_EMAIL = "Check your email"


def answer_page(client, response):
    assert response.status_code == 302
    return client.get(response.url)


# The form says the same whatever the address's state


@pytest.mark.django_db
def test_the_form_answers_the_same_whatever_the_state_of_the_address(
    client, catalogue, workshop, session, local
):
    enrolled = ParticipantFactory(email="enrolled@example.org", local=local)
    EnrollmentFactory(participant=enrolled, session=session)
    ParticipantFactory(email="known@example.org", local=local)
    pages = {}
    for email in ("new@example.org", "enrolled@example.org", "known@example.org"):
        browser = Client()
        pages[email] = answer_page(browser, ask(browser, session, form_data(email=email)))

    texts = {
        email: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.text).replace(
            email, "ADDRESS"
        )
        for email, page in pages.items()
    }
    assert len(set(texts.values())) == 1
    assert all(CHECK_YOUR_EMAIL in page.text for page in pages.values())
    assert all(page.status_code == 200 for page in pages.values())


@pytest.mark.django_db
def test_asking_takes_no_seat_and_changes_no_record(client, session, local):
    member = ParticipantFactory(
        email="ana@example.org", name="Ana Lima", local=local, preferred_language="fr"
    )
    other_local = LocalFactory(number="1001")
    EnrollmentFactory.create_batch(2, session=session)

    ask(client, session, form_data(name="Mallory", local="1001", preferred_language="en"))

    member.refresh_from_db()
    assert (member.name, member.local, member.preferred_language) == ("Ana Lima", local, "fr")
    assert member.local != other_local
    assert session.enrollments.count() == 2
    pending = PendingEnrollment.objects.get()
    assert pending.expires_at - pending.created_at == timedelta(hours=24)


@pytest.mark.django_db
def test_the_email_carries_nothing_typed_on_the_form(client, session, local):
    ParticipantFactory(email="ana@example.org", name="Ana Lima", local=local)

    ask(client, session, form_data(name="Buy cheap pills at spam.example", accessibility_needs="x"))

    [message] = mail.outbox
    assert "spam.example" not in message.body
    assert "spam.example" not in message.alternatives[0][0]
    assert "Hello Ana Lima," in message.body


@pytest.mark.django_db
def test_an_unknown_address_is_greeted_by_no_name(client, session, local):
    ask(client, session, form_data(name="Someone Else"))

    [message] = mail.outbox
    assert message.body.startswith("Hello,")
    assert "Someone Else" not in message.body
    assert "Confirm my place" in message.body


@pytest.mark.django_db
def test_the_email_is_in_the_language_on_record_for_a_known_address(client, session, local):
    ParticipantFactory(email="ana@example.org", local=local, preferred_language="fr")

    ask(client, session, form_data(preferred_language="en"))

    [message] = mail.outbox
    assert "Confirmez votre place" in message.subject


# The confirmation page


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_the_link_changes_nothing_and_leaves_it_working(client, session, local, method):
    ask(client, session, form_data())
    [link] = confirmation_links("ana@example.org")

    for _ in range(3):
        opened = getattr(Client(), method)(link)
        assert opened.status_code == 200
    assert not Enrollment.objects.exists()
    assert not Participant.objects.exists()

    confirmed = confirm_link(client, link)

    assert confirmed.status_code == 302
    assert Enrollment.objects.get().status == EnrollmentStatus.CONFIRMED


@pytest.mark.django_db
def test_the_page_shows_a_confirm_button_and_the_details(client, session, local):
    ask(client, session, form_data(accessibility_needs="Step-free entrance"))
    [link] = confirmation_links("ana@example.org")

    page = client.get(link)

    assert "Confirm my place" in page.text
    assert 'method="post"' in page.text
    assert 'value="Ana Lima"' in page.text
    assert "Step-free entrance" in page.text
    assert page["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_a_link_works_once(client, session, local):
    ask(client, session, form_data())
    [link] = confirmation_links("ana@example.org")
    confirm_link(client, link)

    again = Client().get(link)
    posted = Client().post(link, form_data())

    assert again.status_code == 404
    assert "This link no longer works" in again.text
    assert posted.status_code == 404
    assert Enrollment.objects.count() == 1


@pytest.mark.django_db
def test_an_expired_request_leaves_nothing_behind(client, session, local):
    ask(client, session, form_data())
    [link] = confirmation_links("ana@example.org")
    PendingEnrollment.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(link)

    assert response.status_code == 404
    assert not PendingEnrollment.objects.exists()
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_expired_requests_are_purged_when_anyone_asks(client, session, local):
    ask(client, session, form_data())
    PendingEnrollment.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    ask(Client(), session, form_data(email="ben@example.org"))

    assert list(PendingEnrollment.objects.values_list("email", flat=True)) == ["ben@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    ["not-a-token", "WzEsIDEuMF0:1xVWTh:forged", "x" * 5000, "%00", "WzEsIDEuMF0"],
)
def test_a_forged_link_is_refused_kindly(client, session, token):
    response = client.get(f"/en/enrolments/confirm/{token}/")

    assert response.status_code == 404
    assert "This link no longer works" in response.text


@pytest.mark.django_db
def test_a_link_signed_for_something_else_is_refused(client, session, local):
    from django.core import signing

    ask(client, session, form_data())
    pending = PendingEnrollment.objects.get()
    token = signing.dumps([pending.pk, pending.created_at.timestamp()], salt="another.purpose")

    assert client.get(f"/en/enrolments/confirm/{token}/").status_code == 404


@pytest.mark.django_db
def test_asking_again_replaces_the_older_link(client, session, local):
    ask(client, session, form_data())
    ask(client, session, form_data())
    first, second = confirmation_links("ana@example.org")

    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


@pytest.mark.django_db
def test_a_session_that_filled_meanwhile_puts_them_on_the_waitlist(client, session, local):
    ask(client, session, form_data())
    [link] = confirmation_links("ana@example.org")
    EnrollmentFactory.create_batch(session.capacity, session=session)

    confirmed = confirm_link(client, link)

    enrollment = Enrollment.objects.get(participant__email="ana@example.org")
    assert enrollment.status == EnrollmentStatus.WAITLISTED
    assert "You are on the waitlist, position 1" in client.get(confirmed.url).text
    assert any("waitlist" in message.subject for message in mail.outbox)


@pytest.mark.django_db
def test_confirming_signs_the_member_in_and_my_learning_shows_the_seat(client, session, local):
    enrol_by_email(client, session, form_data())

    my_learning = client.get("/en/my-learning/")

    assert my_learning.status_code == 200
    assert "Handling Conflict" in my_learning.text
    assert Participant.objects.get().user is not None


@pytest.mark.django_db
def test_confirming_in_a_browser_signed_in_as_someone_else_keeps_them_signed_in(
    client, session, local
):
    someone = UserFactory(username="someone")
    ask(Client(), session, form_data())
    [link] = confirmation_links("ana@example.org")
    client.force_login(someone)

    confirm_link(client, link)

    assert int(client.session["_auth_user_id"]) == someone.pk


@pytest.mark.django_db
def test_a_known_member_confirms_with_the_details_on_record(client, session, local):
    member = ParticipantFactory(email="ana@example.org", name="Ana Lima", local=local)

    ask(client, session, form_data(name="Not Ana", local="3247"))
    [link] = confirmation_links("ana@example.org")
    page = client.get(link)

    assert page.context["form"]["name"].value() == "Ana Lima"
    assert "Not Ana" not in page.text
    confirm_link(client, link)
    member.refresh_from_db()
    assert member.name == "Ana Lima"
    assert member.local_confirmed


@pytest.mark.django_db
def test_the_owner_may_correct_their_name_when_confirming(client, session, local):
    member = ParticipantFactory(email="ana@example.org", name="Ana Lma", local=local)
    ask(client, session, form_data())
    [link] = confirmation_links("ana@example.org")

    confirm_link(client, link, {"name": "Ana Lima"})

    member.refresh_from_db()
    assert member.name == "Ana Lima"
    assert member.local_confirmed  # the same local: still confirmed


@pytest.mark.django_db
def test_a_bad_detail_on_the_confirmation_page_is_explained_and_kept(client, session, local):
    ask(client, session, form_data())
    [link] = confirmation_links("ana@example.org")

    response = confirm_link(client, link, {"local": "99999", "childcare_needs": "Two, aged 3"})

    assert response.status_code == 200
    assert "We could not find local" in response.text
    assert "Two, aged 3" in response.text
    assert not Enrollment.objects.exists()
    assert client.get(link).status_code == 200


@pytest.mark.django_db
def test_a_rule_that_refuses_at_confirmation_is_explained_and_leaves_no_record(
    client, session, local
):
    ask(client, session, form_data())
    [link] = confirmation_links("ana@example.org")
    session.registration_deadline = timezone.now() - timedelta(minutes=1)
    session.save()

    response = confirm_link(client, link)

    assert response.status_code == 200
    assert "Registration for this session is closed." in response.text
    assert not Participant.objects.exists()
    assert not PendingEnrollment.objects.exists()


# Sessions restricted to one local


@pytest.mark.django_db
def test_saying_you_belong_to_a_local_does_not_open_its_session(client, workshop, local):
    restricted = SessionFactory(workshop=workshop, restricted_to_local=local)
    ParticipantFactory(email="ana@example.org", local=LocalFactory(number="1001"))

    ask(client, restricted, form_data(local="3247"))

    [message] = mail.outbox
    assert "only for members of Local 3247" in message.body
    assert not PendingEnrollment.objects.exists()


@pytest.mark.django_db
def test_a_new_address_cannot_claim_a_local_to_get_in(client, workshop, local):
    restricted = SessionFactory(workshop=workshop, restricted_to_local=local)

    ask(client, restricted, form_data(local="3247"))

    [message] = mail.outbox
    assert "do not show you as a member" in message.body
    assert not PendingEnrollment.objects.exists()


@pytest.mark.django_db
def test_a_member_whose_local_the_union_confirmed_may_enrol(client, workshop, local):
    restricted = SessionFactory(workshop=workshop, restricted_to_local=local)
    ParticipantFactory(email="ana@example.org", local=local, local_confirmed=True)

    response = enrol_by_email(client, restricted, form_data())

    assert response.status_code == 302
    assert Enrollment.objects.get().session == restricted


@pytest.mark.django_db
def test_changing_ones_local_when_confirming_does_not_get_one_in(client, workshop, local):
    restricted = SessionFactory(workshop=workshop, restricted_to_local=local)
    member = ParticipantFactory(
        email="ana@example.org", local=LocalFactory(number="1001"), local_confirmed=True
    )
    public = SessionFactory(workshop=workshop)
    ask(client, public, form_data())
    [link] = confirmation_links("ana@example.org")

    confirm_link(client, link, {"local": "3247"})

    member.refresh_from_db()
    assert member.local == local
    assert not member.local_confirmed
    mail.outbox.clear()
    ask(Client(), restricted, form_data())
    assert "do not show you as a member" in mail.outbox[0].body


# The service


@pytest.mark.django_db
def test_confirming_twice_at_once_books_one_place(session, local):
    confirmation.ask_to_enrol(session.pk, email="ana@example.org", name="Ana", local=local)
    pending = PendingEnrollment.objects.get()
    details = {
        "name": "Ana",
        "local": local,
        "preferred_language": "en",
        "accessibility_needs": "",
        "childcare_needs": "",
    }

    confirmation.confirm(pending.pk, **details)
    with pytest.raises(confirmation.LinkInvalid):
        confirmation.confirm(pending.pk, **details)

    assert Enrollment.objects.count() == 1


@pytest.mark.django_db
def test_no_email_is_sent_for_a_request_confirmed_before_its_email_went_out(session, local):
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        confirmation.ask_to_enrol(session.pk, email="ana@example.org", name="Ana", local=local)
    PendingEnrollment.objects.all().delete()

    for callback in callbacks:
        callback()

    assert mail.outbox == []


@pytest.mark.django_db
def test_the_sign_in_link_on_the_enrol_page_comes_back_to_it(client, session):
    page = client.get(enrol_url(session))

    assert f"/en/sign-in/?next=/en/sessions/{session.pk}/enrol/" in page.text


@pytest.mark.django_db
def test_the_scheduled_purge_deletes_only_expired_requests(session, local):
    from io import StringIO

    from django.core.management import call_command

    confirmation.ask_to_enrol(session.pk, email="old@example.org", name="Old", local=local)
    confirmation.ask_to_enrol(session.pk, email="new@example.org", name="New", local=local)
    PendingEnrollment.objects.filter(email="old@example.org").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()

    call_command("purge_enrolment_requests", stdout=out)

    assert list(PendingEnrollment.objects.values_list("email", flat=True)) == ["new@example.org"]
    assert "Deleted 1 expired" in out.getvalue()


@pytest.mark.django_db
def test_needs_typed_by_a_stranger_are_not_put_before_a_known_member(client, session, local):
    ParticipantFactory(email="ana@example.org", local=local)
    ask(client, session, form_data(accessibility_needs="Visit spam.example"))
    [link] = confirmation_links("ana@example.org")

    page = client.get(link)

    assert "spam.example" not in page.text
