"""Certificates and their emails wholly in one language: a French session's certificate is
printed in French from the workshop's French page; the holder is emailed in their own language;
staff issuing by hand choose the language."""

import io

from django.urls import reverse

import pytest
from pypdf import PdfReader

from certificates import pdf
from certificates.choices import CertificateKind
from certificates.issuing import issue_for_enrollment
from certificates.models import Certificate, CertificateTemplate
from courses.choices import Language
from courses.models import ProgramRequirement
from home.models import OrganisationSettings
from tests.certificates.builders import PRESENT, days_ago, enrol
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    translate_page,
)

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Planification stratégique"

#: The English words of the certificate's template, its default wording and the English page,
#: none of which a French certificate prints.
CERTIFICATE_IN_ENGLISH = [
    "Certificate of completion",
    "This certifies",
    "has completed",
    "hours of union education",
    "Completed on",
    "Facilitated by",
    "Verification code",
    "Check it at",
    "Local 3247",
    "Director of Union Education",
    "Strategic Planning",
]
CERTIFICATE_IN_FRENCH = [
    "Attestation de réussite",
    "Nous attestons que Marie Tremblay a suivi avec succès la formation",
    FRENCH_TITLE,
    "6 heures d’éducation syndicale",
    "Formation terminée le",
    "Section locale 3247, Hamilton Health Care",
    "Animation : Jordan Lee",
    "Code de vérification",
    "Vérifiez-la à l’adresse",
    "Directeur·rice de l’éducation syndicale",
]

#: The English words of the certificate email's templates.
EMAIL_IN_ENGLISH = [
    "Hello",
    "Congratulations",
    "your certificate",
    "is ready",
    "Completed on",
    "Download your certificate",
    "You sign in",
    "verification code",
    "Anyone you show it to",
    "All your certificates",
    "My learning",
    "Strategic Planning",
]
EMAIL_IN_FRENCH = ["Bonjour Marie Tremblay", FRENCH_TITLE, "Formation terminée le"]


def pdf_text(content):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def assert_wholly_french(text, english, french):
    text = " ".join(text.split())
    assert [word for word in english if word in text] == []
    assert [word for word in french if word not in text] == []


@pytest.fixture
def french_page(workshop):
    return translate_page(workshop, title=FRENCH_TITLE, slug="planification-strategique")


@pytest.fixture
def local():
    return LocalFactory(number="3247", name="Hamilton Health Care")


@pytest.fixture
def french_session(session):
    session.language = Language.FRENCH
    session.save(update_fields=["language"])
    return session


def completed_by_marie(session, local):
    """Marie's completed enrolment in ``session``, closed."""
    session.status = "delivered"
    session.save(update_fields=["status"])
    participant = ParticipantFactory(name="Marie Tremblay", local=local)
    return EnrollmentFactory(session=session, participant=participant, completed=True)


def certificate_email(mailoutbox):
    """The email telling the holder their certificate is ready (closing sends others)."""
    [email] = [e for e in mailoutbox if e.subject.startswith(("Your certificate", "Votre attest"))]
    return email


def close_with_marie(session, facilitator, close, local, **participant):
    enrollment = enrol(session, "Marie Tremblay", local=local, **participant)
    close(session, {enrollment: PRESENT}, facilitator)
    return Certificate.objects.get(enrollment=enrollment)


def test_a_french_session_prints_a_certificate_wholly_in_french(
    french_session, french_page, facilitator, close, local
):
    """The holder reads English: the certificate is still in the session's language."""
    certificate = close_with_marie(
        french_session, facilitator, close, local, preferred_language=Language.ENGLISH
    )

    assert certificate.language == "fr"
    assert certificate.title == FRENCH_TITLE
    assert certificate.local_name == "Section locale 3247, Hamilton Health Care"
    text = pdf_text(pdf.render_certificate(certificate))
    assert_wholly_french(text, CERTIFICATE_IN_ENGLISH, CERTIFICATE_IN_FRENCH)


def test_the_organisation_is_named_in_the_certificates_language(
    french_session, french_page, facilitator, close, local, site_root
):
    organisation = OrganisationSettings.for_site(site_root)
    organisation.name, organisation.name_fr = "Union Education", "Éducation syndicale"
    organisation.save()

    french = close_with_marie(french_session, facilitator, close, local)
    english = issue_for_enrollment(
        completed_by_marie(SessionFactory(workshop=french_session.workshop), local).pk,
        user=None,
    )

    assert (french.issuer_name, english.issuer_name) == ("Éducation syndicale", "Union Education")
    text = pdf_text(pdf.render_certificate(french)).casefold()  # printed in capitals
    assert "éducation syndicale" in text
    assert "union education" not in text


def test_an_english_session_prints_in_english_for_a_french_reader(
    session, french_page, facilitator, close, local
):
    certificate = close_with_marie(
        session, facilitator, close, local, preferred_language=Language.FRENCH
    )

    assert (certificate.language, certificate.title) == ("en", "Strategic Planning")
    text = pdf_text(pdf.render_certificate(certificate))
    assert "Certificate of completion" in text
    assert "Local 3247, Hamilton Health Care" in text
    assert "Director of Union Education" in text
    assert "Section locale" not in text


def test_a_workshop_not_translated_keeps_its_title_on_a_french_certificate(
    french_session, facilitator, close, local
):
    certificate = close_with_marie(french_session, facilitator, close, local)

    text = pdf_text(pdf.render_certificate(certificate))
    assert "Strategic Planning" in text
    english = [word for word in CERTIFICATE_IN_ENGLISH if word != "Strategic Planning"]
    assert_wholly_french(text, english, [w for w in CERTIFICATE_IN_FRENCH if w != FRENCH_TITLE])


def test_a_template_without_a_french_title_prints_the_english_one(
    french_session, french_page, facilitator, close, local
):
    template = CertificateTemplate.default()
    template.signatory_title_fr = "  "
    template.save()

    certificate = close_with_marie(french_session, facilitator, close, local)

    assert "Director of Union Education" in pdf_text(pdf.render_certificate(certificate))


def test_the_email_of_a_french_reader_is_wholly_in_french(
    french_session, french_page, facilitator, close, local, mailoutbox
):
    close_with_marie(french_session, facilitator, close, local, preferred_language="fr")

    email = certificate_email(mailoutbox)
    html = email.alternatives[0][0]
    assert email.subject == f"Votre attestation\u00a0: {FRENCH_TITLE}"
    assert_wholly_french(email.body, EMAIL_IN_ENGLISH, EMAIL_IN_FRENCH)
    assert_wholly_french(html, EMAIL_IN_ENGLISH, EMAIL_IN_FRENCH)
    assert '<html lang="fr">' in html


def test_the_email_of_an_english_reader_names_the_english_page(
    french_session, french_page, facilitator, close, local, mailoutbox
):
    """The certificate is in French (the session's language); the email in the holder's."""
    close_with_marie(french_session, facilitator, close, local, preferred_language="en")

    email = certificate_email(mailoutbox)
    assert email.subject == "Your certificate: Strategic Planning"
    assert "Congratulations: your certificate for Strategic Planning" in " ".join(
        email.body.split()
    )
    assert FRENCH_TITLE not in email.body


def test_staff_issue_by_hand_in_the_language_the_holder_asks_for(
    client, staff, french_session, french_page, local, mailoutbox
):
    enrollment = completed_by_marie(french_session, local)
    url = reverse("certificates_admin:issue", args=[enrollment.pk])
    client.force_login(staff)

    form = client.get(url).context["form"]
    assert form["language"].value() == "fr"  # the session's, unless asked otherwise
    client.post(url, {"language": "en"})

    certificate = Certificate.objects.get(enrollment=enrollment)
    assert (certificate.language, certificate.title) == ("en", "Strategic Planning")
    assert certificate.local_name == "Local 3247, Hamilton Health Care"


def test_a_language_that_is_not_offered_is_refused_at_the_field(
    client, staff, french_session, local
):
    enrollment = completed_by_marie(french_session, local)
    client.force_login(staff)

    response = client.post(
        reverse("certificates_admin:issue", args=[enrollment.pk]), {"language": "de"}
    )

    assert response.status_code == 200
    assert "Choose English or French." in response.text
    assert not Certificate.objects.exists()


def test_issuing_by_hand_defaults_to_the_sessions_language(french_session, french_page, local):
    enrollment = completed_by_marie(french_session, local)

    certificate = issue_for_enrollment(enrollment.pk, user=None)

    assert (certificate.language, certificate.title) == ("fr", FRENCH_TITLE)


def test_a_program_certificate_is_in_its_holders_language(
    workshop, facilitator, close, local, mailoutbox
):
    """A program spans sessions of either language: its certificate is printed in the
    language its holder reads, their local named in that language."""
    program = ProgramFactory(title="Local Executive Training", issues_certificate=True)
    ProgramRequirement.objects.create(program=program, workshop=workshop, sort_order=0)
    member = ParticipantFactory(name="Marie Tremblay", local=local, preferred_language="fr")
    session = SessionFactory(
        workshop=workshop, start=days_ago(3), hours=6, facilitators=[facilitator]
    )

    close(session, {EnrollmentFactory(session=session, participant=member): PRESENT}, facilitator)

    certificate = Certificate.objects.get(kind=CertificateKind.PROGRAM)
    assert certificate.language == "fr"
    assert certificate.local_name == "Section locale 3247, Hamilton Health Care"
    text = pdf_text(pdf.render_certificate(certificate))
    assert "Attestation de réussite" in text
    assert "Section locale 3247" in text
    assert "Certificate of completion" not in text
