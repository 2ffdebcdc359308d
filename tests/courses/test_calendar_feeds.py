"""Calendar feeds: a member's private feed of their own sessions, which calendar apps fetch
without signing in (a signed address, revoked by making a new one, rate limited), and the
public feeds of a workshop and of a program (upcoming public sessions: no meeting links, no
restricted sessions, nobody's name)."""

import re
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import Enrollment
from courses.sessions.emails import send_enrollment_email
from courses.sessions.enrollment import cancel_session, enrol
from courses.sessions.feeds import FEED_SALT, feed_token
from tests.courses.calendars import attachment, events, validated
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
    WorkshopPageFactory,
    translate_page,
)

pytestmark = pytest.mark.django_db

FEED_PATH = re.compile(r"/en/my-learning/calendar/[^\s\"<]+\.ics")


def days_from_now(days):
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def member_user(db):
    """A member who signs in by emailed link: no usable password."""
    user = UserFactory(username="ana", email="ana@example.org")
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def member(member_user):
    return ParticipantFactory(user=member_user, name="Ana Lima", email="ana@example.org")


@pytest.fixture
def sessions(catalogue, member):
    """Ana's sessions: one she has a seat in online, one cancelled by the union, one she left,
    one she waits for; and a stranger's seat in her online session."""

    def session_of(title, days, **kwargs):
        workshop = WorkshopPageFactory(parent=catalogue, title=title)
        return SessionFactory(workshop=workshop, start=days_from_now(days), **kwargs)

    online = session_of("Handling Conflict", 10, venue="", online_url="https://meet.example.org/x")
    called_off = session_of("Elections Matter", 15)
    left = session_of("Union Structure", 12)
    full = session_of("Global Solidarity", 20, capacity=1)
    EnrollmentFactory(session=online, participant__name="Zoe Stranger")
    EnrollmentFactory(session=full, participant__name="Yan Seated")
    seat = EnrollmentFactory(participant=member, session=online)
    EnrollmentFactory(participant=member, session=called_off)
    cancel_session(called_off.pk, reason="Snowstorm.")
    EnrollmentFactory(participant=member, session=left, status=EnrollmentStatus.CANCELLED)
    EnrollmentFactory(participant=member, session=full, status=EnrollmentStatus.WAITLISTED)
    return {"online": online, "called_off": called_off, "left": left, "full": full, "seat": seat}


def feed_path(client):
    """The address of the feed, as My learning shows it to the signed-in member."""
    html = client.get(reverse("courses:my_learning")).content.decode()
    return FEED_PATH.search(html).group()


def test_my_learning_offers_a_private_feed_that_calendar_apps_read_without_signing_in(
    client, member_user, member, sessions
):
    client.force_login(member_user)
    path = feed_path(client)
    client.logout()

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    feed = events(response.content)
    by_session = {}
    for uid, event in feed.items():
        by_session.setdefault(int(uid.split("-")[1]), []).append(event)
    assert set(by_session) == {sessions["online"].pk, sessions["called_off"].pk}
    [seat] = by_session[sessions["online"].pk]
    assert str(seat["status"]) == "CONFIRMED"
    assert "https://meet.example.org/x" in str(seat["location"])
    [called_off] = by_session[sessions["called_off"].pk]
    assert str(called_off["status"]) == "CANCELLED"
    text = response.content.decode()
    assert "Zoe Stranger" not in text and "Yan Seated" not in text
    assert "Global Solidarity" not in text  # only waiting: no seat, no event
    assert "Union Structure" not in text  # left before ever having a seat


def test_the_feed_holds_the_same_events_as_the_members_emails(
    client, member_user, member, sessions
):
    client.force_login(member_user)
    feed = events(client.get(feed_path(client)).content)
    seat = Enrollment.objects.select_related("participant", "session__workshop").get(
        pk=sessions["seat"].pk
    )

    emailed = events(attachment(send_enrollment_email(seat, "confirmed")))

    for uid, event in emailed.items():
        assert feed[uid].decoded("sequence") == event.decoded("sequence")
        assert feed[uid].decoded("dtstart") == event.decoded("dtstart")


@pytest.mark.parametrize("tamper", ["word", "forged", "another salt", "another key"])
def test_a_forged_address_reads_nothing(client, member, sessions, tamper):
    token = {
        "word": "x",
        "forged": feed_token(member)[:-3] + "AAA",
        "another salt": signing.Signer(salt="courses.enrollment.cancel").sign_object(
            {"p": member.pk, "k": feed_token(member)}
        ),
        "another key": signing.Signer(salt=FEED_SALT).sign_object({"p": member.pk, "k": "0" * 24}),
    }[tamper]

    response = client.get(reverse("courses:my_feed", args=[token]))

    assert response.status_code == 404
    assert b"VEVENT" not in response.content


def test_a_new_address_revokes_the_old_one(client, member_user, member, sessions):
    client.force_login(member_user)
    old = feed_path(client)

    assert client.get(reverse("courses:new_feed_link")).status_code == 405  # never by GET
    response = client.post(reverse("courses:new_feed_link"), follow=True)

    assert "Your calendar has a new address" in response.content.decode()
    new = feed_path(client)  # still signed in here
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_someone_with_a_password_changes_it_to_revoke_the_address(client, sessions, member):
    user = member.user
    user.set_password("a good long password")
    user.save()
    client.force_login(user)
    old = feed_path(client)

    response = client.post(reverse("courses:new_feed_link"), follow=True)

    assert "changing it gives your calendar a new address" in response.content.decode()
    assert client.get(old).status_code == 200
    user.set_password("another good long password")
    user.save()
    assert client.get(old).status_code == 404


def test_the_feed_is_rate_limited_per_address(client, member, sessions, settings):
    settings.EDUCATION_RATE_LIMITS = {"feed.address": "2/h", "link.client": "2/h"}
    path = reverse("courses:my_feed", args=[feed_token(member)])

    statuses = [client.get(path).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert int(client.get(path)["Retry-After"]) > 0


def test_a_calendar_service_reads_many_members_feeds_from_one_address(
    client, member, sessions, catalogue, settings
):
    settings.EDUCATION_RATE_LIMITS = {"feed.address": "2/h", "link.client": "2/h"}
    others = [ParticipantFactory(user=UserFactory()) for _ in range(4)]

    statuses = [
        client.get(reverse("courses:my_feed", args=[feed_token(person)])).status_code
        for person in [member, *others]
        for _ in range(2)
    ]

    assert statuses == [200] * 10


def test_guessing_feed_addresses_is_rate_limited_per_client(client, member, sessions, settings):
    settings.EDUCATION_RATE_LIMITS = {"feed.address": "2/h", "link.client": "2/h"}
    guesses = [
        signing.Signer(salt=FEED_SALT).sign_object({"p": member.pk, "k": str(n) * 24})[:-2] + "xx"
        for n in range(3)
    ]

    statuses = [client.get(reverse("courses:my_feed", args=[g])).status_code for g in guesses]

    assert statuses == [404, 404, 429]
    # The member's own calendar app, elsewhere, still reads the feed.
    path = reverse("courses:my_feed", args=[feed_token(member)])
    assert client.get(path, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_feed_costs_the_same_however_many_sessions(
    client, member, catalogue, django_assert_max_num_queries
):
    workshop = WorkshopPageFactory(parent=catalogue)
    path = reverse("courses:my_feed", args=[feed_token(member)])
    counts = []
    for size in (2, 12):
        while member.enrollments.count() < size:
            EnrollmentFactory(participant=member, session=SessionFactory(workshop=workshop, days=2))
        client.get(path)  # warms the site's caches, outside the count
        with django_assert_max_num_queries(10) as captured:
            assert client.get(path).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# Public feeds


@pytest.fixture
def program(db):
    return ProgramFactory(title="Steward Program", slug="steward-program")


@pytest.fixture
def public(catalogue, program):
    workshop = WorkshopPageFactory(
        parent=catalogue, title="Handling Conflict", slug="handling-conflict", program=program
    )
    other = WorkshopPageFactory(parent=catalogue, title="Bargaining Basics", program=program)
    unrelated = WorkshopPageFactory(parent=catalogue, title="Health and Safety")
    in_person = SessionFactory(workshop=workshop, start=days_from_now(10), venue="Union Hall")
    online = SessionFactory(
        workshop=workshop, start=days_from_now(12), venue="", online_url="https://meet.x/secret"
    )
    restricted = SessionFactory(
        workshop=workshop, start=days_from_now(14), restricted_to_local=LocalFactory()
    )
    past = SessionFactory(
        workshop=workshop, start=days_from_now(-10), status=SessionStatus.DELIVERED
    )
    called_off = SessionFactory(workshop=workshop, start=days_from_now(16))
    EnrollmentFactory(session=in_person, participant__name="Zoe Stranger")
    cancel_session(called_off.pk, reason="Snowstorm.")
    other_session = SessionFactory(workshop=other, start=days_from_now(20))
    unrelated_session = SessionFactory(workshop=unrelated, start=days_from_now(21))
    return locals()


def sessions_in(response):
    return {int(uid.split("-")[1]): event for uid, event in events(response.content).items()}


def test_a_workshop_feed_lists_its_upcoming_public_sessions(client, public):
    response = client.get(reverse("courses:workshop_feed", args=[public["workshop"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "public" in response["Cache-Control"]
    assert not response.cookies  # a proxy may cache it
    listed = sessions_in(response)
    assert set(listed) == {
        public["in_person"].pk,
        public["online"].pk,
        public["called_off"].pk,
    }
    assert str(listed[public["called_off"].pk]["status"]) == "CANCELLED"
    assert str(listed[public["online"].pk]["location"]) == "Online"
    text = response.content.decode()
    assert "meet.x/secret" not in text
    assert "Zoe Stranger" not in text
    assert "Snowstorm" not in text
    calendar = validated(response.content)
    assert str(calendar["x-wr-calname"]) == "Handling Conflict"


def test_a_program_feed_lists_the_sessions_of_its_workshops(client, public):
    response = client.get(reverse("courses:program_feed", args=["steward-program"]))

    assert response.status_code == 200
    assert set(sessions_in(response)) == {
        public["in_person"].pk,
        public["online"].pk,
        public["called_off"].pk,
        public["other_session"].pk,
    }


def test_an_unpublished_workshop_or_unknown_program_has_no_feed(client, public):
    public["workshop"].unpublish()

    def status(name, arg):
        return client.get(reverse(f"courses:{name}", args=[arg])).status_code

    assert status("workshop_feed", public["workshop"].pk) == 404
    assert status("workshop_feed", 987654) == 404
    assert status("program_feed", "no-such-program") == 404
    program = client.get(reverse("courses:program_feed", args=["steward-program"]))
    assert set(sessions_in(program)) == {public["other_session"].pk}


def test_a_workshop_feed_lists_the_sessions_of_its_pages_in_every_language(client, public):
    """A session may be scheduled on the workshop's French page: the feed of either page
    lists it with the others, and no other workshop's."""
    french = translate_page(public["workshop"], title="Gérer les conflits", slug="gerer")
    on_french_page = SessionFactory(workshop=french, start=days_from_now(18))
    expected = {
        public["in_person"].pk,
        public["online"].pk,
        public["called_off"].pk,
        on_french_page.pk,
    }

    for page in (public["workshop"], french):
        with translation.override(page.locale.language_code):
            response = client.get(reverse("courses:workshop_feed", args=[page.pk]))

        assert response.status_code == 200
        assert set(sessions_in(response)) == expected


def test_an_empty_feed_is_still_a_calendar(client, catalogue):
    workshop = WorkshopPageFactory(parent=catalogue)

    response = client.get(reverse("courses:workshop_feed", args=[workshop.pk]))

    assert response.status_code == 200
    assert validated(response.content).walk("VEVENT") == []


def test_the_workshop_page_and_catalogue_link_to_the_feeds(client, public, catalogue):
    workshop_page = client.get(public["workshop"].url).content.decode()
    assert reverse("courses:workshop_feed", args=[public["workshop"].pk]) in workshop_page
    assert reverse("courses:program_feed", args=["steward-program"]) in workshop_page

    catalogue_page = client.get(catalogue.url).content.decode()
    assert reverse("courses:program_feed", args=["steward-program"]) in catalogue_page


def test_a_session_moved_shows_its_new_time_with_a_higher_sequence_in_the_feed(client, public):
    session = public["in_person"]
    url = reverse("courses:workshop_feed", args=[public["workshop"].pk])
    before = sessions_in(client.get(url))[session.pk]
    part = session.parts.get()
    part.starts_at += timedelta(days=1)
    part.ends_at += timedelta(days=1)
    part.save()
    session.save()

    after = sessions_in(client.get(url))[session.pk]

    assert after["uid"] == before["uid"]
    assert after.decoded("sequence") > before.decoded("sequence")
    assert after.decoded("dtstart") == before.decoded("dtstart") + timedelta(days=1)


def test_a_member_enrolled_through_the_rules_appears_in_their_feed(
    client, member, catalogue, django_capture_on_commit_callbacks
):
    session = SessionFactory(workshop=WorkshopPageFactory(parent=catalogue), days=2)
    enrol(session.pk, member.pk)

    response = client.get(reverse("courses:my_feed", args=[feed_token(member)]))

    assert len(sessions_in(response)) == 1
    assert len(events(response.content)) == 2
