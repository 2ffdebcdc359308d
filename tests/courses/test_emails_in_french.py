"""Every email a French-speaking member or local receives is wholly in French: its subject,
text and HTML carry none of the English template's words, and name the workshop by its French
page."""

import re

from django.utils import timezone

import pytest

from courses.attendance.emails import send_outcome_email
from courses.choices import AttendanceStatus, EnrollmentStatus, Language
from courses.models import Attendance, PendingEnrollment
from courses.requests.emails import send_request_email
from courses.sessions.emails import send_enrollment_email, send_enrollment_request_email
from courses.sessions.signin import send_sign_in_email
from courses.sessions.states import seen_state
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
    translate_page,
)

pytestmark = pytest.mark.django_db

ENGLISH_TITLE = "Stopping Workplace Bullying"
FRENCH_TITLE = "Mettre fin à l’intimidation au travail"

#: Words of the English templates (greetings, labels, sentences), of the session's details in
#: English (days, months, language names) and the English page's title. Matched whole, so that
#: "Online" does not match "en ligne" and "is" does not match "Louis".
ENGLISH_WORDS = [
    "Hello",
    "Dear",
    "Where",
    "When",
    "Language",
    "English",
    "French",
    "Online",
    "Reference",
    "Workshop",
    "Local",
    "Before",
    "Now",
    "Why",
    "you",
    "your",
    "the",
    "and",
    "of",
    "is",
    "to",
    "with",
    "link",
    "session",
    "enrolment",
    "waitlist",
    "reminder",
    "cancelled",
    "confirmed",
    "My learning",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "a.m.",
    "p.m.",
    ENGLISH_TITLE,
]
#: Addresses and links, whose letters are not words anyone reads.
LINKS = re.compile(r"https?://\S+|\S+@\S+")
TAGS = re.compile(r"<[^>]+>")


def english_words(text):
    """The English words in ``text`` (tags, links and addresses left out)."""
    text = " ".join(LINKS.sub(" ", TAGS.sub(" ", text)).split())
    return [word for word in ENGLISH_WORDS if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def assert_wholly_french(email):
    html = email.alternatives[0][0]
    assert english_words(email.subject) == []
    assert english_words(email.body) == []
    assert english_words(html) == []
    assert '<html lang="fr">' in html


@pytest.fixture
def workshop(catalogue):
    page = WorkshopPageFactory(
        parent=catalogue, title=ENGLISH_TITLE, slug="stopping-workplace-bullying"
    )
    translate_page(page, title=FRENCH_TITLE, slug="mettre-fin-a-l-intimidation")
    return page


@pytest.fixture
def local():
    return LocalFactory(number="3247", name="Laval")


@pytest.fixture
def session(workshop, local):
    """A French session in Laval, in two weeks."""
    return SessionFactory(
        workshop=workshop,
        language=Language.FRENCH,
        venue="Bureau de la section locale 3247",
        address="1600, boulevard Saint-Martin Est",
        city="Laval",
        restricted_to_local=local,
    )


@pytest.fixture
def member(local):
    return ParticipantFactory(
        name="Geneviève Lévesque",
        email="genevieve@example.org",
        local=local,
        preferred_language=Language.FRENCH,
    )


ENROLMENT_KINDS = {
    "confirmed": EnrollmentStatus.CONFIRMED,
    "waitlisted": EnrollmentStatus.WAITLISTED,
    "promoted": EnrollmentStatus.CONFIRMED,
    "offered": EnrollmentStatus.OFFERED,
    "offer_lapsed": EnrollmentStatus.WAITLISTED,
    "cancelled": EnrollmentStatus.CANCELLED,
    "session_cancelled": EnrollmentStatus.CANCELLED,
    "reminder": EnrollmentStatus.CONFIRMED,
}


@pytest.mark.parametrize("kind", ENROLMENT_KINDS)
def test_each_enrolment_email_is_wholly_in_french(session, member, kind):
    enrollment = EnrollmentFactory(
        session=session, participant=member, status=ENROLMENT_KINDS[kind]
    )
    if kind == "offered":
        enrollment.offered_until = timezone.now() + timezone.timedelta(days=2)
        enrollment.save(update_fields=["offered_until"])
    if kind == "session_cancelled":
        session.status = "cancelled"
        session.cancellation_reason = "La salle a été inondée."
        session.save(update_fields=["status", "cancellation_reason"])

    email = send_enrollment_email(enrollment, kind)

    assert FRENCH_TITLE in email.subject
    assert_wholly_french(email)


def test_the_change_email_is_wholly_in_french(session, member):
    enrollment = EnrollmentFactory(session=session, participant=member)
    after = seen_state(session)
    earlier = timezone.datetime.fromisoformat(after["parts"][0][0]) - timezone.timedelta(days=1)
    before = {
        **after,
        "venue": "Salle du conseil",
        "parts": [[earlier.isoformat(), after["parts"][0][1]]],
    }

    email = send_enrollment_email(enrollment, "changed", before=before, after=after)

    assert email is not None, "the place and time changed: the member is told"
    assert_wholly_french(email)


@pytest.mark.parametrize("kind", ["confirm", "already", "not_eligible", "prerequisite"])
def test_each_email_about_a_request_to_enrol_is_wholly_in_french(session, member, kind):
    if kind == "prerequisite":
        session.workshop.prerequisites.add(
            WorkshopPageFactory(parent=session.workshop.get_parent(), title="Union Basics")
        )
        translate_page(
            session.workshop.prerequisites.get(), title="Notions de base", slug="notions"
        )
    if kind == "confirm":
        pending = PendingEnrollment.objects.create(
            session=session,
            email="nouvelle@example.org",
            name="Nouvelle Personne",
            local=member.local,
            preferred_language=Language.FRENCH,
            expires_at=timezone.now() + timezone.timedelta(hours=24),
        )
        email = send_enrollment_request_email(kind, pending=pending)
    else:
        email = send_enrollment_request_email(kind, session=session, email=member.email)

    assert FRENCH_TITLE in email.subject
    assert_wholly_french(email)


@pytest.mark.parametrize("completed", [True, False])
def test_the_outcome_email_is_wholly_in_french(session, member, completed):
    enrollment = EnrollmentFactory(session=session, participant=member, completed=completed)
    Attendance.objects.create(
        enrollment=enrollment,
        status=AttendanceStatus.PRESENT if completed else AttendanceStatus.ABSENT,
        hours_attended=6 if completed else 0,
    )

    assert_wholly_french(send_outcome_email(enrollment))


def test_the_sign_in_email_is_wholly_in_french(member, mailoutbox):
    assert send_sign_in_email(member.email)

    [email] = mailoutbox
    assert_wholly_french(email)


@pytest.mark.parametrize("kind", ["received", "in_review", "scheduled", "delivered", "declined"])
def test_each_email_about_a_request_from_a_local_is_wholly_in_french(
    catalogue, local, session, kind
):
    workshop = session.workshop
    workshop.offered_on_request = True
    workshop.save()
    session_request = SessionRequestFactory(
        workshop=workshop,
        local=local,
        language=Language.FRENCH,
        goals="Planifier les trois prochaines années.",
        session=session if kind == "scheduled" else None,
        decline_reason="Aucune personne animatrice n’est libre ce mois-ci."
        if kind == "declined"
        else "",
    )

    email = send_request_email(session_request, kind)

    assert FRENCH_TITLE in email.body
    assert_wholly_french(email)


def test_the_list_finds_the_english_of_an_english_email(session, member):
    """The same email to a member who reads English is caught by the list."""
    member.preferred_language = Language.ENGLISH
    member.save(update_fields=["preferred_language"])
    enrollment = EnrollmentFactory(session=session, participant=member)

    email = send_enrollment_email(enrollment, "confirmed")

    assert {"Hello", "Where", "Language", "French", ENGLISH_TITLE} <= set(english_words(email.body))
