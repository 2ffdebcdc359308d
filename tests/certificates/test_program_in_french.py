"""A program's certificate names the program in its holder's language: a member who reads
French is given one titled with the program's French translation. The program's required
workshops count once, whatever its translations: a translation issues no certificate."""

import io

from wagtail.models import Locale

import pytest
from pypdf import PdfReader

from certificates import pdf
from certificates.choices import CertificateKind
from certificates.issuing import issue_program_certificates
from certificates.models import Certificate
from courses.models import ProgramRequirement
from tests.certificates.builders import PRESENT, days_ago
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    WorkshopPageFactory,
    translate_snippet,
)

pytestmark = pytest.mark.django_db

ENGLISH_TITLE = "Local Executive Training"
FRENCH_TITLE = "Formation des comités exécutifs locaux"

#: The English words of the certificate's template, none of which a French certificate prints.
CERTIFICATE_IN_ENGLISH = [
    "Certificate of completion",
    "Completed on",
    "Verification code",
    "Check it at",
    "Local 3247",
    ENGLISH_TITLE,
]


def pdf_text(content):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.fixture
def program(catalogue):
    """Local Executive Training, in English and French: two required workshops, and a
    certificate for both."""
    program = ProgramFactory(title=ENGLISH_TITLE, slug="local-executive-training")
    program.issues_certificate = True
    program.save()
    for order, title in enumerate(["Running a Local", "Local Finances"]):
        workshop = WorkshopPageFactory(parent=catalogue, title=title, program=program)
        ProgramRequirement.objects.create(program=program, workshop=workshop, sort_order=order)
    translate_snippet(program, title=FRENCH_TITLE, description="La formation de base.")
    return program


@pytest.fixture
def local():
    return LocalFactory(number="3247", name="Hamilton Health Care")


def complete_program(program, participant, facilitator, close):
    """``participant`` completes each of ``program``'s required workshops, a session each."""
    for days, workshop in enumerate(program.required_workshops(), start=3):
        session = SessionFactory(
            workshop=workshop, start=days_ago(days), hours=6, facilitators=[facilitator]
        )
        enrollment = EnrollmentFactory(session=session, participant=participant)
        close(session, {enrollment: PRESENT}, facilitator)


def test_a_french_reader_gets_the_program_certificate_under_its_french_title(
    program, facilitator, close, local
):
    member = ParticipantFactory(name="Marie Tremblay", local=local, preferred_language="fr")

    complete_program(program, member, facilitator, close)

    certificate = Certificate.objects.get(kind=CertificateKind.PROGRAM)
    assert certificate.program == program
    assert (certificate.language, certificate.title) == ("fr", FRENCH_TITLE)
    assert certificate.local_name == "Section locale 3247, Hamilton Health Care"
    text = pdf_text(pdf.render_certificate(certificate))
    assert FRENCH_TITLE in text
    assert "Section locale 3247" in text
    assert [words for words in CERTIFICATE_IN_ENGLISH if words in text] == []


def test_an_english_reader_gets_the_english_title(program, facilitator, close, local):
    member = ParticipantFactory(name="Bob Smith", local=local, preferred_language="en")

    complete_program(program, member, facilitator, close)

    certificate = Certificate.objects.get(kind=CertificateKind.PROGRAM)
    assert (certificate.language, certificate.title) == ("en", ENGLISH_TITLE)


def test_a_program_not_translated_keeps_its_title_on_a_french_certificate(
    catalogue, facilitator, close, local
):
    program = ProgramFactory(title="Bargaining Program", issues_certificate=True)
    workshop = WorkshopPageFactory(parent=catalogue, program=program)
    ProgramRequirement.objects.create(program=program, workshop=workshop, sort_order=0)
    member = ParticipantFactory(local=local, preferred_language="fr")

    complete_program(program, member, facilitator, close)

    certificate = Certificate.objects.get(kind=CertificateKind.PROGRAM)
    assert (certificate.language, certificate.title) == ("fr", "Bargaining Program")


def test_the_requirements_count_once_whatever_the_translations(program, facilitator, close, local):
    french = program.get_translation(Locale.objects.get(language_code="fr"))
    assert not french.requirements.exists()  # a translation has no required workshops
    # Even required workshops put on the translation by other means count for nothing.
    for order, workshop in enumerate(program.required_workshops()):
        ProgramRequirement.objects.create(program=french, workshop=workshop, sort_order=order)
    members = [
        ParticipantFactory(local=local, preferred_language=language) for language in ("en", "fr")
    ]

    for member in members:
        complete_program(program, member, facilitator, close)
        assert issue_program_certificates(member.pk) == []  # already holds it

    certificates = Certificate.objects.filter(kind=CertificateKind.PROGRAM)
    assert sorted(c.participant_id for c in certificates) == sorted(m.pk for m in members)
    assert {c.program_id for c in certificates} == {program.pk}
