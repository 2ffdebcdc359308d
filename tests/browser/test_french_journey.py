"""A member who reads French finds a workshop by its French title, enrols in a French session,
is emailed in French, and once the session is closed downloads a certificate wholly in French.

/fr/search/ → the French workshop page → "S’inscrire" → the enrol form in French → "Consultez
vos courriels" → the emailed link → "Confirmer ma place" → "Inscription confirmée" (the email in
French) → the session takes place and is closed → Ma formation → the certificate's PDF.
"""

import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone, translation

from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from courses.attendance.rules import close_session, mark_attendance
from courses.choices import AttendanceStatus, EnrollmentStatus, Language
from courses.models import Enrollment, Session
from tests.courses.calendars import attachment
from tests.factories import (
    LocalFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_facilitator_user,
    translate_page,
)

ENGLISH_TITLE = "Strategic Planning"
FRENCH_TITLE = "Planification stratégique"
MEMBER_NAME = "Geneviève Lévesque"
MEMBER_EMAIL = "genevieve.levesque@example.org"

CONFIRM_LINK = re.compile(r"https?://\S+/enrolments/confirm/\S+/")

#: The English words of the enrolment emails' templates, of the session's details and of the
#: English page, none of which the French emails say.
EMAIL_IN_ENGLISH = [
    "Hello",
    "Confirm your place",
    "You are enrolled",
    "Where",
    "Language:",
    "French",
    "Cannot come",
    "About the workshop",
    "All your enrolments",
    "My learning",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    ENGLISH_TITLE,
]
#: The English words of the certificate's template and the English page.
CERTIFICATE_IN_ENGLISH = [
    "Certificate of completion",
    "This certifies",
    "has completed",
    "Completed on",
    "Facilitated by",
    "Verification code",
    "Check it at",
    "Local 3247",
    "Director of Union Education",
    ENGLISH_TITLE,
]


def on_live_server(url):
    """An absolute link from an email (made for the configured site URL) as a local path."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def emails_to(outbox, address, subject):
    return [email for email in outbox if email.to == [address] and email.subject == subject]


def english_words_in(text, english):
    text = " ".join(text.split())
    return [word for word in english if word in text]


def started_an_hour_ago():
    """An hour ago, but never before midnight: the session is today and not over yet."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(now - timedelta(hours=1), midnight).replace(second=0, microsecond=0)


def hold_session_now(session):
    """The session, scheduled in two weeks, moves to today (it has begun)."""
    start = started_an_hour_ago()
    part = session.parts.get()
    part.starts_at, part.ends_at = start, start + timedelta(hours=6)
    part.save()
    Session.objects.get(pk=session.pk).save()  # its start and end follow its parts


def test_a_member_does_everything_in_french(
    page, live_server, catalogue, mailoutbox, my_learning_certificates
):
    # Build and read everything before the browser starts asking the live server for pages.
    facilitator = make_facilitator_user(username="facilitator", first_name="Luc")
    workshop = WorkshopPageFactory(
        parent=catalogue, title=ENGLISH_TITLE, slug="strategic-planning", duration_hours=6
    )
    translate_page(workshop, title=FRENCH_TITLE, slug="planification-strategique")
    LocalFactory(number="3247", name="Laval")
    session = SessionFactory(
        workshop=workshop,
        language=Language.FRENCH,
        venue="Bureau de la section locale 3247",
        city="Laval",
        facilitators=[facilitator],
    )
    with translation.override("fr"):
        search_url = reverse("search")
        my_learning_url = reverse("courses:my_learning")

    # The member looks for the workshop by its French title.
    page.goto(search_url)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    main = page.get_by_role("main")
    main.get_by_label("Rechercher", exact=True).fill("planification")
    main.get_by_role("button", name="Rechercher", exact=True).click()
    main.get_by_role("link", name=FRENCH_TITLE).click()

    expect(page).to_have_url(re.compile(r"/fr/.*planification-strategique/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(FRENCH_TITLE)
    sessions = page.get_by_role("region", name="Prochaines séances")
    expect(sessions).to_contain_text("Français")
    sessions.get_by_role("link", name=re.compile(r"^S’inscrire\b")).click()

    expect(page).to_have_url(re.compile(rf"/fr/.*{session.pk}/.*/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(FRENCH_TITLE)
    page.get_by_label("Votre nom").fill(MEMBER_NAME)
    page.get_by_label("Courriel", exact=True).fill(MEMBER_EMAIL)
    page.get_by_label("Votre section locale").fill("3247")
    page.get_by_role("radio", name="Français").check()
    page.get_by_role("button", name="M’envoyer un lien de confirmation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez vos courriels")
    page.wait_for_load_state("networkidle")  # the server is idle: the database is ours again
    [confirm_email] = emails_to(
        mailoutbox, MEMBER_EMAIL, f"Confirmez votre place\u00a0: {FRENCH_TITLE}"
    )
    assert english_words_in(confirm_email.body, EMAIL_IN_ENGLISH) == []
    page.goto(on_live_server(CONFIRM_LINK.search(confirm_email.body).group()))
    page.get_by_role("button", name="Confirmer ma place").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription confirmée")
    page.wait_for_load_state("networkidle")
    enrollment = Enrollment.objects.get(participant__email=MEMBER_EMAIL)
    assert enrollment.status == EnrollmentStatus.CONFIRMED
    [enrolled] = emails_to(mailoutbox, MEMBER_EMAIL, f"Inscription confirmée\u00a0: {FRENCH_TITLE}")
    for text in (enrolled.body, enrolled.alternatives[0][0]):
        assert english_words_in(text, EMAIL_IN_ENGLISH) == []
        assert FRENCH_TITLE in text
    calendar_text = attachment(enrolled).decode()
    assert FRENCH_TITLE in calendar_text and ENGLISH_TITLE not in calendar_text

    # The session takes place; the facilitator marks the member present and closes it.
    hold_session_now(session)
    mark_attendance(session.pk, {enrollment.pk: (AttendanceStatus.PRESENT, None)}, user=facilitator)
    close_session(session.pk, user=facilitator)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert (certificate.language, certificate.title) == ("fr", FRENCH_TITLE)
    [certificate_email] = emails_to(
        mailoutbox, MEMBER_EMAIL, f"Votre attestation\u00a0: {FRENCH_TITLE}"
    )
    assert english_words_in(certificate_email.body, EMAIL_IN_ENGLISH) == []

    # Confirming signed the member in: Ma formation holds the certificate.
    page.goto(my_learning_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma formation")
    certificates = page.get_by_role("region", name="Attestations")
    expect(certificates.get_by_role("heading", level=3)).to_have_text(FRENCH_TITLE)
    with page.expect_download() as download_info:
        certificates.get_by_role(
            "link", name=f"Télécharger l’attestation (PDF) ({FRENCH_TITLE})"
        ).click()
    with open(download_info.value.path(), "rb") as file:
        content = file.read()
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(content)).pages)
    assert english_words_in(text, CERTIFICATE_IN_ENGLISH) == []
    flat = " ".join(text.split())
    for french in ("Attestation de réussite", FRENCH_TITLE, MEMBER_NAME, "Section locale 3247"):
        assert french in flat
