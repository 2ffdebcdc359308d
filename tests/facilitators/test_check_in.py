"""Self check-in: participants scan the code on the facilitator's screen (it changes every few
minutes) or on the sign-in sheet (valid that day), and check in in one tap when signed in, or
by an emailed link. A check-in shows on the roster for the facilitator to confirm: it never
marks anyone present, and nothing changes when it is repeated."""

import re
from datetime import timedelta
from io import BytesIO

from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.models import ModelLogEntry

import pytest
from pypdf import PdfReader

from courses.attendance.rules import close_session, local_moment, session_parts
from courses.choices import EnrollmentStatus, Language, SessionStatus
from courses.models import Attendance
from facilitators import checkin
from facilitators.checkin import (
    CHECK_IN_ACTION,
    Code,
    CodeExpired,
    NotOpenYet,
    check_code,
    checked_in_by_enrollment,
    day_code,
    link_token,
    read_link,
    rotating_code,
    step_at,
    step_starts_at,
)
from facilitators.choices import CheckInMethod, CodeKind
from facilitators.models import CheckIn
from tests.factories import (
    EnrollmentFactory,
    FacilitatorFactory,
    ParticipantFactory,
    SessionFactory,
    UserFactory,
    WorkshopPageFactory,
    translate_page,
)


def from_now(**delta):
    return (timezone.now() + timedelta(**delta)).replace(second=0, microsecond=0)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Grievance handling", duration_hours=6)


@pytest.fixture
def session(workshop, facilitator):
    """A session of one part under way for half an hour: check-in is open."""
    return SessionFactory(
        workshop=workshop, start=from_now(minutes=-30), facilitators=[facilitator]
    )


@pytest.fixture
def member(db):
    """A member with an account, confirmed in the session."""
    return UserFactory(username="ana", email="ana@example.org")


@pytest.fixture
def enrollment(session, member):
    return EnrollmentFactory(
        session=session,
        participant=ParticipantFactory(name="Ana Silva", email="ana@example.org", user=member),
    )


@pytest.fixture
def guest(session):
    """A confirmed participant without an account: checks in by email."""
    return EnrollmentFactory(
        session=session, participant=ParticipantFactory(name="Ben Okafor", email="ben@example.org")
    )


def code_url(code):
    return reverse("facilitators:check_in", args=[str(code)])


def text_of(response):
    """The page without its CSRF tokens, which differ at every answer."""
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def check_in_logs(enrollment):
    return ModelLogEntry.objects.filter(object_id=str(enrollment.pk), action=CHECK_IN_ACTION)


def link_in(email):
    found = re.search(r"http://testserver(/\S+/check-in/link/[^/\s]+/)", email.body)
    assert found, email.body
    return found.group(1)


# Codes


def test_a_rotating_code_is_accepted_in_its_step_and_the_next_then_refused(session):
    now = timezone.now()
    step = step_at(now)
    code = rotating_code(session, now)

    assert check_code(code, session, now).part is None
    assert check_code(code, session, step_starts_at(step + 1) + timedelta(seconds=1))
    assert check_code(code, session, step_starts_at(step + 2) - timedelta(seconds=1))
    with pytest.raises(CodeExpired) as refused:
        check_code(code, session, step_starts_at(step + 2))
    assert "expired" in refused.value.message


def test_the_code_of_the_step_before_works_at_the_page_and_an_older_one_does_not(
    client, session, guest
):
    step = step_at(timezone.now())

    previous = client.get(code_url(Code(CodeKind.ROTATING, session.pk, step - 1)))
    older = client.get(code_url(Code(CodeKind.ROTATING, session.pk, step - 2)))

    assert previous.status_code == 200
    assert 'name="email"' in previous.content.decode()
    assert older.status_code == 410
    assert "This check-in code has expired" in older.content.decode()
    assert 'name="email"' not in older.content.decode()


@pytest.fixture
def two_days(workshop, facilitator):
    """Two mornings of three hours: yesterday's, and today's, under way for an hour."""
    return SessionFactory(
        workshop=workshop,
        start=from_now(days=-1, hours=-1),
        hours=3,
        days=2,
        facilitators=[facilitator],
    )


def test_a_day_code_is_valid_on_its_day_only(client, two_days):
    today = two_days.local(timezone.now()).date()
    EnrollmentFactory(session=two_days)

    on_its_day = client.get(code_url(day_code(two_days, today)))
    yesterdays = client.get(code_url(day_code(two_days, today - timedelta(days=1))))
    tomorrows = client.get(code_url(day_code(two_days, today + timedelta(days=1))))

    assert on_its_day.status_code == 200
    assert "Day 2:" in on_its_day.content.decode()
    for refused in (yesterdays, tomorrows):
        assert refused.status_code == 410
        assert "This check-in code is for" in refused.content.decode()
        assert "only" in refused.content.decode()
    # Each day has its own code.
    assert str(day_code(two_days, today)) != str(day_code(two_days, today - timedelta(days=1)))


def test_another_sessions_code_is_refused(client, client_as, session, enrollment, workshop):
    other = SessionFactory(workshop=workshop, start=from_now(minutes=-20))
    forged = str(rotating_code(other)).replace(f"r{other.pk}-", f"r{session.pk}-")

    response = client.get(code_url(forged))

    assert response.status_code == 404
    assert "This is not a check-in code" in response.content.decode()

    # A member of the session who scans the other session's code checks in nowhere.
    client_as(enrollment.participant.user)
    answer = client.post(code_url(rotating_code(other)))

    assert answer.status_code == 403
    assert "You are not on the list for this session" in answer.content.decode()
    assert "walk-in" in answer.content.decode()
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("text", ["x", "r1-0-abc", "R1-ZZ-" + "a" * 12, "d99-1-" + "a" * 12, ""])
def test_codes_the_site_did_not_make_are_refused(client, session, text):
    response = client.get(f"/en/check-in/{text or '%20'}/")

    assert response.status_code == 404
    assert "This is not a check-in code" in response.content.decode()


def test_outside_the_window_codes_are_refused_with_when_it_opens(client, client_as, workshop):
    later = SessionFactory(workshop=workshop, start=from_now(days=3))
    member_user = UserFactory()
    EnrollmentFactory(session=later, participant__user=member_user)
    client_as(member_user)

    response = client.post(code_url(rotating_code(later)))

    assert response.status_code == 403
    opens = local_moment(later, later.starts_at - timedelta(hours=1))
    assert f"Check-in for this session opens on {opens}." in response.content.decode()
    assert not CheckIn.objects.exists()
    with pytest.raises(NotOpenYet):
        check_code(rotating_code(later), later)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": -8 * 60}, "Check-in for this session is over."),
        ({"status": SessionStatus.CANCELLED}, "This session has been cancelled."),
        ({"status": SessionStatus.DELIVERED}, "This session is closed: check-in is over."),
    ],
    ids=["over", "cancelled", "closed"],
)
def test_a_session_over_cancelled_or_closed_takes_no_check_in(
    client, client_as, workshop, change, message
):
    session = SessionFactory(
        workshop=workshop,
        start=from_now(minutes=change.get("start", -30)),
        status=change.get("status", SessionStatus.SCHEDULED),
    )
    member_user = UserFactory()
    EnrollmentFactory(session=session, participant__user=member_user)
    client_as(member_user)

    for response in (
        client.get(code_url(rotating_code(session))),
        client.post(code_url(rotating_code(session))),
        client.get(code_url(day_code(session, session.local(timezone.now()).date()))),
    ):
        assert response.status_code == 410
        assert message in response.content.decode()
    assert not CheckIn.objects.exists()


# Signed in


def test_a_signed_in_member_checks_in_with_one_post(client_as, session, enrollment, member):
    client = client_as(member)
    url = code_url(rotating_code(session))

    page = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Ana Silva, you are on the list for this session." in html
    assert f'action="{url}"' in html
    assert not CheckIn.objects.exists()  # opening the page checks nobody in

    done = client.post(url)

    assert done.status_code == 200
    assert "You are checked in" in done.content.decode()
    [record] = CheckIn.objects.all()
    assert record.enrollment == enrollment
    assert record.part is None
    assert record.method == CheckInMethod.SIGNED_IN
    assert record.code_kind == CodeKind.ROTATING
    [entry] = check_in_logs(enrollment)
    assert entry.user == member
    assert entry.data["method"] == "signed_in"
    assert entry.message == "Checked in with the code on the facilitator’s screen, signed in"


def test_scanning_and_checking_in_again_changes_nothing(client_as, session, enrollment, member):
    client = client_as(member)
    url = code_url(rotating_code(session))
    client.post(url)
    first = CheckIn.objects.get()

    again = client.post(url)
    sheet = client.post(code_url(day_code(session, session.local(timezone.now()).date())))
    page = client.get(url)

    for response in (again, sheet, page):
        assert response.status_code == 200
        assert "You were already checked in" in response.content.decode()
    assert list(CheckIn.objects.all()) == [first]
    assert CheckIn.objects.get().checked_in_at == first.checked_in_at
    assert check_in_logs(enrollment).count() == 1


def test_a_signed_in_member_not_on_the_list_is_told_to_ask_for_a_walk_in(
    client_as, session, workshop
):
    stranger = UserFactory()
    ParticipantFactory(user=stranger)
    EnrollmentFactory(
        session=session, participant__user=UserFactory(), status=EnrollmentStatus.WAITLISTED
    )
    waiting_user = UserFactory()
    EnrollmentFactory(
        session=session, participant__user=waiting_user, status=EnrollmentStatus.WAITLISTED
    )

    for user in (stranger, waiting_user):
        client = client_as(user)
        for response in (
            client.get(code_url(rotating_code(session))),
            client.post(code_url(rotating_code(session))),
        ):
            assert response.status_code == 403
            assert "Ask the facilitator to add you as a walk-in." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_session_of_several_days_takes_a_check_in_each_day(client_as, two_days, member):
    enrollment = EnrollmentFactory(session=two_days, participant__user=member)
    today = two_days.parts.order_by("starts_at").last()

    client_as(member).post(code_url(rotating_code(two_days)))

    [record] = CheckIn.objects.all()
    assert record.part == today
    [entry] = check_in_logs(enrollment)
    assert entry.data["day"] == two_days.local(today.starts_at).date().isoformat()
    assert checked_in_by_enrollment(two_days, today) == {enrollment.pk: record}
    assert checked_in_by_enrollment(two_days, two_days.parts.order_by("starts_at").first()) == {}
    assert checked_in_by_enrollment(two_days) == {}


# By email


def test_the_link_is_emailed_only_to_an_enrolled_address_and_the_answer_is_the_same(
    client, session, guest, mailoutbox
):
    EnrollmentFactory(
        session=session,
        participant__email="waiting@example.org",
        status=EnrollmentStatus.WAITLISTED,
    )
    ParticipantFactory(email="elsewhere@example.org")
    url = code_url(rotating_code(session))

    form = client.get(url)
    assert form.status_code == 200
    assert 'name="email"' in form.content.decode()

    answers = {
        email: client.post(url, {"email": email}, follow=True)
        for email in (
            "ben@example.org",
            "BEN@example.org",
            "nobody@example.org",
            "waiting@example.org",
            "elsewhere@example.org",
        )
    }

    assert [email.to for email in mailoutbox] == [["ben@example.org"], ["ben@example.org"]]
    reference = answers["ben@example.org"]
    assert reference.redirect_chain == [
        (reverse("facilitators:check_in_sent", args=[str(rotating_code(session))]), 302)
    ]
    assert "If this address is on the list for this session" in reference.content.decode()
    for response in answers.values():
        assert response.redirect_chain == reference.redirect_chain
        assert response.status_code == reference.status_code == 200
        assert text_of(response) == text_of(reference)
    assert not CheckIn.objects.exists()


def test_the_emailed_link_shows_a_button_and_only_its_post_checks_in(
    client, session, guest, mailoutbox
):
    client.post(
        code_url(day_code(session, session.local(timezone.now()).date())),
        {"email": "ben@example.org"},
    )
    [email] = mailoutbox
    assert "Ben Okafor" in email.body
    assert email.subject == "Check in: Grievance handling"
    assert email.alternatives and "Check in" in email.alternatives[0][0]
    link = link_in(email)

    page = client.get(link)
    assert page.status_code == 200
    assert "Ben Okafor, you are on the list for this session." in page.content.decode()
    assert not CheckIn.objects.exists()

    done = client.post(link)
    assert done.status_code == 200
    assert "You are checked in" in done.content.decode()
    [record] = CheckIn.objects.all()
    assert record.enrollment == guest
    assert record.method == CheckInMethod.EMAIL_LINK
    assert record.code_kind == CodeKind.DAY

    again = client.post(link)
    opened_again = client.get(link)
    for response in (again, opened_again):
        assert response.status_code == 200
        assert "You were already checked in" in response.content.decode()
    assert CheckIn.objects.count() == 1
    [entry] = check_in_logs(guest)
    assert entry.user is None
    assert entry.data["method"] == "email_link"


def test_a_filled_honeypot_sends_nothing_and_answers_the_same(client, session, guest, mailoutbox):
    url = code_url(rotating_code(session))

    person = client.post(url, {"email": "ben@example.org"})
    bot = client.post(url, {"email": "ben@example.org", "website": "http://spam.example"})

    assert bot.status_code == person.status_code == 302
    assert bot["Location"] == person["Location"]
    assert len(mailoutbox) == 1


def test_an_emailed_link_expires_at_the_end_of_the_window_and_cannot_be_forged(
    client, session, guest
):
    window = checkin.open_window(session)
    token = link_token(guest, window, CodeKind.ROTATING)
    url = reverse("facilitators:check_in_link", args=[token])

    assert read_link(token).enrollment == guest
    with pytest.raises(checkin.LinkInvalid):
        read_link(token, now=window.closes_at)
    forged = client.post(reverse("facilitators:check_in_link", args=[token[:-2] + "xx"]))
    assert forged.status_code == 400
    assert "This check-in link does not work" in forged.content.decode()
    assert not CheckIn.objects.exists()

    guest.status = EnrollmentStatus.CANCELLED
    guest.save()
    cancelled = client.post(url)
    assert cancelled.status_code == 403
    assert not CheckIn.objects.exists()


def test_an_emailed_link_of_a_session_closed_since_checks_nobody_in(client, session, guest, staff):
    token = link_token(guest, checkin.open_window(session), CodeKind.ROTATING)
    close_session(session.pk, user=staff, mark_unmarked_absent=True)

    response = Client().post(reverse("facilitators:check_in_link", args=[token]))

    assert response.status_code == 410
    assert "This session is closed: check-in is over." in response.content.decode()
    assert not CheckIn.objects.exists()


# Rate limits


def from_address(ip):
    return Client(REMOTE_ADDR=ip)


def test_asking_for_links_is_limited_per_address_and_per_client(settings, session, guest):
    settings.EDUCATION_RATE_LIMITS = {
        "check_in_email.address": "2/h",
        "check_in_email.client": "3/h",
    }
    url = code_url(rotating_code(session))

    per_address = [
        from_address(f"10.0.0.{n}").post(url, {"email": "ben@example.org"}).status_code
        for n in range(3)
    ]
    one_client = from_address("10.0.1.1")
    per_client = [
        one_client.post(url, {"email": f"someone{n}@example.org"}).status_code for n in range(4)
    ]

    assert per_address == [302, 302, 429]
    assert per_client == [302, 302, 302, 429]
    limited = one_client.post(url, {"email": "kept@example.org"})
    assert limited.status_code == 429
    assert "Too many attempts" in limited.content.decode()
    assert 'value="kept@example.org"' in limited.content.decode()
    assert len(mail.outbox) == 2


def test_code_and_link_checks_are_limited_per_client(settings, session, guest):
    settings.EDUCATION_RATE_LIMITS = {"check_in.client": "3/h"}
    client = from_address("192.0.2.7")
    token = link_token(guest, checkin.open_window(session), CodeKind.ROTATING)

    statuses = [
        client.get(code_url(rotating_code(session))).status_code,
        client.get("/en/check-in/r1-1-aaaaaaaaaaaa/").status_code,
        client.get(reverse("facilitators:check_in_link", args=[token])).status_code,
        client.get(code_url(rotating_code(session))).status_code,
        client.post(reverse("facilitators:check_in_link", args=[token])).status_code,
    ]

    assert statuses == [200, 404, 200, 429, 429]
    assert not CheckIn.objects.exists()
    assert from_address("192.0.2.8").get(code_url(rotating_code(session))).status_code == 200


# A check-in is not attendance


def test_a_check_in_marks_nobody_present_and_closing_does_not_count_it(
    client_as, session, enrollment, member, facilitator
):
    client_as(member).post(code_url(rotating_code(session)))
    assert CheckIn.objects.count() == 1
    assert not Attendance.objects.exists()

    closed = close_session(session.pk, user=facilitator, mark_unmarked_absent=True)

    assert closed.marked_absent == [enrollment]
    enrollment.refresh_from_db()
    assert enrollment.completed is False
    assert enrollment.attendance.status == "absent"


def test_the_roster_reads_every_check_in_of_a_session_in_one_query(session, workshop):
    enrollments = [EnrollmentFactory(session=session) for _ in range(4)]
    for enrollment in enrollments[:3]:
        checkin.check_in(enrollment.pk, method=CheckInMethod.EMAIL_LINK, code_kind=CodeKind.DAY)
    elsewhere = SessionFactory(workshop=workshop, start=from_now(minutes=-10))
    checkin.check_in(
        EnrollmentFactory(session=elsewhere).pk,
        method=CheckInMethod.SIGNED_IN,
        code_kind=CodeKind.ROTATING,
    )

    with CaptureQueriesContext(connection) as queries:
        found = checked_in_by_enrollment(session)

    assert len(queries) == 1
    assert set(found) == {enrollment.pk for enrollment in enrollments[:3]}
    assert all(isinstance(record, CheckIn) for record in found.values())


# The facilitator's screen


def screen_url(session):
    return reverse("facilitators:check_in_code", args=[session.pk])


def test_who_sees_the_check_in_screen(client, users, session):
    unassigned = FacilitatorFactory(user__username="unassigned").user

    anonymous = client.get(screen_url(session))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("wagtailadmin_login"))
    for user, status in (
        (users["participant"], 403),
        (users["another_participant"], 403),
        (unassigned, 403),
        (users["facilitator"], 200),
        (users["staff"], 200),
        (users["superuser"], 200),
    ):
        client.force_login(user)
        assert client.get(screen_url(session)).status_code == status, user.username
        client.logout()


def test_the_screen_shows_the_code_as_a_qr_code_and_refreshes_before_it_changes(
    client, facilitator, session
):
    client.force_login(facilitator)

    response = client.get(screen_url(session))

    html = response.content.decode()
    screen = response.context["screen"]
    url = f"http://testserver{code_url(screen.code)}"
    assert screen.url == url
    assert url in html
    assert screen.code.kind == CodeKind.ROTATING
    qr = re.search(r'<div class="check-in-qr" role="img" aria-label="([^"]*)"><svg ', html)
    assert qr and qr.group(1) == "QR code to check in to Grievance handling"
    assert "This code is valid until" in html
    refresh = re.search(r'data-refresh-seconds="(\d+)"', html)
    assert refresh and 5 <= int(refresh.group(1)) <= checkin.code_step() + 1
    assert screen.changes_at <= step_starts_at(step_at(timezone.now()) + 1)
    # The code shown checks in.
    assert Client().get(code_url(screen.code)).status_code == 200


def test_before_check_in_opens_the_screen_says_when(client, facilitator, workshop):
    later = SessionFactory(workshop=workshop, start=from_now(days=2), facilitators=[facilitator])
    client.force_login(facilitator)

    response = client.get(screen_url(later))

    assert response.status_code == 200
    html = response.content.decode()
    opens = local_moment(later, later.starts_at - timedelta(hours=1))
    assert f"Check-in for this session opens on {opens}." in html
    assert "check-in-qr" not in html
    assert "/check-in/" not in html


# In French


@pytest.fixture
def french_session(workshop, facilitator):
    translate_page(workshop, "fr", title="Traitement des griefs", slug="traitement-des-griefs")
    return SessionFactory(
        workshop=workshop,
        language=Language.FRENCH,
        start=from_now(minutes=-30),
        facilitators=[facilitator],
    )


def test_a_french_participant_gets_the_page_and_the_email_in_french(
    client, french_session, mailoutbox
):
    EnrollmentFactory(
        session=french_session,
        participant=ParticipantFactory(
            name="Chloé Roy", email="chloe@example.org", preferred_language=Language.FRENCH
        ),
    )
    with translation.override("fr"):
        url = code_url(rotating_code(french_session))
    assert url.startswith("/fr/check-in/")

    page = client.get(url)
    sent = client.post(url, {"email": "chloe@example.org"}, follow=True)

    assert "Traitement des griefs" in page.content.decode()
    assert "Entrez l’adresse courriel" in page.content.decode()
    assert "Consultez vos courriels" in sent.content.decode()
    [email] = mailoutbox
    assert email.subject == "Enregistrer votre arrivée\u00a0: Traitement des griefs"
    assert "Bonjour Chloé Roy," in email.body
    assert "/fr/check-in/link/" in email.body
    assert "Enregistrer mon arrivée" in email.alternatives[0][0]

    done = client.post(link_in(email))
    assert "Votre arrivée est enregistrée" in done.content.decode()


def test_an_english_page_sends_a_french_participant_a_french_email(client, session, mailoutbox):
    EnrollmentFactory(
        session=session,
        participant=ParticipantFactory(
            email="chloe@example.org", preferred_language=Language.FRENCH
        ),
    )

    client.post(code_url(rotating_code(session)), {"email": "chloe@example.org"})

    [email] = mailoutbox
    assert email.subject.startswith("Enregistrer votre arrivée")
    assert "/fr/check-in/link/" in email.body


# The sign-in sheet


def pdf_text(response):
    reader = PdfReader(BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_sign_in_sheet_carries_the_code_of_the_day(client, facilitator, session):
    client.force_login(facilitator)

    response = client.get(reverse("facilitators:sign_in_sheet", args=[session.pk]))

    today = session.local(timezone.now()).date()
    url = f"http://testserver{code_url(day_code(session, today))}"
    text = pdf_text(response)
    assert url in text.replace("\n", "")
    assert "Check in with your phone" in text
    assert Client().get(code_url(day_code(session, today))).status_code == 200


def test_the_sign_in_sheet_of_a_session_of_several_days_carries_the_code_of_the_day_printed(
    client, facilitator, two_days
):
    client.force_login(facilitator)

    text = pdf_text(client.get(reverse("facilitators:sign_in_sheet", args=[two_days.pk])))

    parts = session_parts(two_days)
    today = two_days.local(timezone.now()).date()
    assert f"http://testserver{code_url(day_code(two_days, today))}" in text.replace("\n", "")
    yesterday = two_days.local(parts[0].starts_at).date()
    assert code_url(day_code(two_days, yesterday)) not in text.replace("\n", "")


def test_a_sign_in_sheet_printed_before_the_session_carries_its_first_day(
    client, facilitator, workshop
):
    later = SessionFactory(
        workshop=workshop, start=from_now(days=10), days=2, facilitators=[facilitator]
    )
    client.force_login(facilitator)

    text = pdf_text(client.get(reverse("facilitators:sign_in_sheet", args=[later.pk])))

    assert code_url(day_code(later, later.first_day())) in text.replace("\n", "")


def test_the_french_sign_in_sheet_carries_the_french_address(client, facilitator, french_session):
    client.force_login(facilitator)

    text = pdf_text(client.get(reverse("facilitators:sign_in_sheet", args=[french_session.pk])))

    today = french_session.local(timezone.now()).date()
    with translation.override("fr"):
        url = code_url(day_code(french_session, today))
    assert f"http://testserver{url}" in text.replace("\n", "")
    assert "Enregistrez votre arrivée avec votre téléphone" in text
