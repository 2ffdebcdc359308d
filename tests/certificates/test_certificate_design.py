"""The certificate as a designed document: what it prints in English and in French, the
workshops of a program certificate, a PDF/A file tagged for screen readers, the "Revoked" mark
staff see on a revoked certificate, and the template's preview in the admin."""

import io
import re
import shutil
import subprocess
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

import pytest
import wagtail_factories
from pypdf import PdfReader

from certificates import pdf
from certificates.choices import CertificateKind
from certificates.issuing import revoke
from certificates.models import Certificate
from courses import pdf_rendering
from courses.models import ProgramRequirement
from tests.certificates.builders import PRESENT, days_ago
from tests.factories import (
    CertificateFactory,
    CertificateTemplateFactory,
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_facilitator_user,
    translate_page,
)

pytestmark = pytest.mark.django_db

CODE = "ABCDEFGHJKMNPQRS"


def reader(content):
    return PdfReader(io.BytesIO(content))


def pdf_text(content):
    text = " ".join(page.extract_text() for page in reader(content).pages)
    return " ".join(text.split())


def in_french(day):
    with override("fr"):
        return date_format(day, "DATE_FORMAT")


def in_english(day):
    with override("en"):
        return date_format(day, "DATE_FORMAT")


@pytest.fixture
def template():
    return CertificateTemplateFactory(
        signatory_name="Dana Whitfield",
        signatory_title="National Education Director",
        signatory_title_fr="Directrice nationale de l’éducation",
    )


@pytest.fixture
def member(participant):
    """The participant record of the signed-in ``participant`` user: the holder."""
    return ParticipantFactory(user=participant, name="Marie Tremblay", email=participant.email)


@pytest.fixture
def certificate(member, session, template):
    return CertificateFactory(
        enrollment=EnrollmentFactory(session=session, participant=member, completed=True),
        code=CODE,
        title="Strategic Planning",
        hours=Decimal("6.00"),
        completed_on=timezone.localdate(session.ends_at),
        issuer_name="Union Education",
        local_name="Local 3247, Hamilton Health Care",
        facilitator_names="Jordan Lee",
        template=template,
    )


# What it says


def test_the_certificate_prints_who_what_how_long_when_the_code_and_who_signed(certificate):
    text = pdf_text(pdf.render_certificate(certificate))

    for words in (
        "Marie Tremblay",
        "Strategic Planning",
        "6 hours",
        f"Completed on {in_english(certificate.completed_on)}",
        "ABCD-EFGH-JKMN-PQRS",
        "Dana Whitfield",
        "National Education Director",
        "Facilitated by Jordan Lee",
        "Local 3247, Hamilton Health Care",
        "Union Education",
        "Verification code",
    ):
        assert words in text, words


def test_a_french_certificate_is_printed_in_french(certificate):
    certificate.language = "fr"
    certificate.hours = Decimal("3.50")
    certificate.local_name = "Section locale 3247, Hamilton Health Care"

    text = pdf_text(pdf.render_certificate(certificate))

    for words in (
        "Attestation de réussite",
        "Marie Tremblay a suivi Strategic Planning : 3,5 heures",
        f"Formation terminée le {in_french(certificate.completed_on)}",
        "Animation : Jordan Lee",
        "Directrice nationale de l’éducation",
        "Code de vérification",
        "Vérifiez-la à l’adresse",
        "ABCD-EFGH-JKMN-PQRS",
    ):
        assert words in text, words
    for english in (
        "Certificate of completion",
        "Completed on",
        "Facilitated by",
        "Verification code",
        "Check it at",
        "National Education Director",
    ):
        assert english not in text, english


def test_the_logo_is_the_template_s_or_else_the_organisation_s(certificate, site_root):
    from home.models import OrganisationSettings

    organisation = OrganisationSettings.for_site(site_root)
    organisation.logo = wagtail_factories.ImageFactory(file__width=300, file__height=120)
    organisation.save()
    pdf._images.clear()

    assert 'class="logo" src="data:image/png;base64,' in pdf.certificate_html(certificate)

    certificate.template.logo = wagtail_factories.ImageFactory(file__width=400, file__height=160)
    html = pdf.certificate_html(certificate)
    assert html.count('class="logo" src="data:image/png;base64,') == 1
    assert pdf.image_data_url(certificate.template.logo, pdf.LOGO_RENDITION) in html


def test_the_ornaments_are_drawn_here_in_the_accent_colour(certificate):
    certificate.template.accent_colour = "#1d4e8f"

    html = pdf.certificate_html(certificate)

    assert "border-color: #1d4e8f;" in html
    assert html.count("data:image/svg+xml,") == 6  # four corners, the divider, the seal
    assert "%231d4e8f" in html
    assert "http:" not in html.split("<body")[0]  # nothing to fetch


@pytest.fixture
def program(catalogue):
    """Local Executive Training: two required workshops, the first translated into French."""
    program = ProgramFactory(title="Local Executive Training", issues_certificate=True)
    for order, title in enumerate(
        ["Union Structure and Local Officers' Roles", "Handling Conflict"]
    ):
        workshop = WorkshopPageFactory(parent=catalogue, title=title, program=program)
        ProgramRequirement.objects.create(program=program, workshop=workshop, sort_order=order)
    translate_page(
        program.required_workshops()[0],
        title="Structure syndicale et rôle des dirigeants",
        slug="structure-syndicale",
    )
    return program


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_program_certificate_lists_its_workshops_with_their_dates(
    program, facilitator, close, language
):
    member = ParticipantFactory(
        name="Marie Tremblay", local=LocalFactory(number="3247"), preferred_language=language
    )
    days = {}
    for start, workshop in zip((30, 9), program.required_workshops(), strict=True):
        session = SessionFactory(
            workshop=workshop, start=days_ago(start), hours=6, facilitators=[facilitator]
        )
        close(
            session, {EnrollmentFactory(session=session, participant=member): PRESENT}, facilitator
        )
        days[workshop.title] = session.last_day()
    certificate = Certificate.objects.get(kind=CertificateKind.PROGRAM)

    text = pdf_text(pdf.render_certificate(certificate))

    first, second = days.values()
    if language == "en":
        assert "Workshops completed" in text
        assert f"Union Structure and Local Officers' Roles {in_english(first)}" in text
        assert f"Handling Conflict {in_english(second)}" in text
    else:
        assert "Ateliers terminés" in text
        assert f"Structure syndicale et rôle des dirigeants {in_french(first)}" in text
        assert f"Handling Conflict {in_french(second)}" in text  # not translated
        assert "Union Structure" not in text


def test_a_workshop_certificate_lists_no_workshops(certificate):
    assert pdf.completed_workshops(certificate) == []
    assert "Workshops completed" not in pdf_text(pdf.render_certificate(certificate))


# A PDF/A file for screen readers


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Certificate of completion"), ("fr", "Attestation de réussite")],
)
def test_the_pdf_is_titled_in_its_language_tagged_and_pdf_a(certificate, language, heading):
    certificate.language = language

    document = reader(pdf.render_certificate(certificate))

    root = document.trailer["/Root"]
    assert root["/Lang"] == language
    assert document.metadata.title == f"{heading} – Strategic Planning – Marie Tremblay"
    assert document.metadata.author == "Union Education"
    assert root["/MarkInfo"]["/Marked"] in (True, "true", "/true")
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true", "/true")
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp
    assert b'pdfaid:conformance="U"' in xmp
    assert f"{heading} – Strategic Planning".encode() in xmp
    assert "/OutputIntents" in root


def test_images_and_the_qr_code_have_text_for_screen_readers(certificate):
    certificate.template.signature_image = wagtail_factories.ImageFactory(
        file__width=300, file__height=100
    )
    certificate.template.logo = wagtail_factories.ImageFactory(file__width=400, file__height=160)

    html = pdf.certificate_html(certificate)

    assert 'alt="Union Education"' in html
    assert 'alt="Signature: Dana Whitfield"' in html
    assert "<title>Verification page</title>" + pdf.qr_svg(pdf.qr_payload(certificate)) in html
    certificate.language = "fr"
    assert "<title>Page de vérification</title>" in pdf.certificate_html(certificate)


def test_other_pdfs_stay_plain_unless_they_ask():
    html = "<!doctype html><html lang=en><title>Sheet</title><p>Sign here</p></html>"

    plain = reader(pdf_rendering.render_pdf(html)).trailer["/Root"]
    tagged = reader(pdf_rendering.render_pdf(html, **pdf.PDF_OPTIONS)).trailer["/Root"]

    assert "/StructTreeRoot" not in plain
    assert "/Metadata" not in plain
    assert "/StructTreeRoot" in tagged
    assert "/Metadata" in tagged


# The "Revoked" mark


@pytest.fixture
def revoked(certificate, staff):
    """The certificate, stored as issued, then revoked."""
    pdf.ensure_pdf(certificate)
    revoke(certificate.pk, reason="Issued by mistake.", user=staff)
    certificate.refresh_from_db()
    return certificate


def stored_bytes(certificate):
    with certificate.pdf.open("rb") as file:
        return file.read()


def downloaded(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_staff_download_a_revoked_certificate_marked_revoked_and_the_file_stays(
    client_as, staff, revoked
):
    name, rendered_at, stored = revoked.pdf.name, revoked.pdf_rendered_at, stored_bytes(revoked)
    day = in_english(timezone.localdate(revoked.revoked_at))

    public = client_as(staff).get(f"/en/certificates/{CODE}/pdf/")
    admin = client_as(staff).get(reverse("certificates_admin:download", args=[revoked.pk]))

    for response in (public, admin):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "-revoked.pdf" in response["Content-Disposition"]
        text = pdf_text(downloaded(response))
        assert "REVOKED" in text.upper()
        assert f"Revoked on {day}." in text
        assert "Marie Tremblay" in text
    revoked.refresh_from_db()
    assert (revoked.pdf.name, revoked.pdf_rendered_at) == (name, rendered_at)
    assert stored_bytes(revoked) == stored
    assert "Revoked" not in pdf_text(stored)


def test_a_french_revoked_certificate_is_marked_in_french(client_as, staff, revoked):
    Certificate.objects.filter(pk=revoked.pk).update(language="fr")
    day = in_french(timezone.localdate(revoked.revoked_at))

    response = client_as(staff).get(f"/en/certificates/{CODE}/pdf/")

    assert f"Révoquée le {day}." in pdf_text(downloaded(response))


def test_a_valid_certificate_carries_no_mark(client_as, staff, certificate):
    response = client_as(staff).get(f"/en/certificates/{CODE}/pdf/")

    assert response.status_code == 200
    assert "Revoked" not in pdf_text(downloaded(response))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("holder", "verification page"),
        ("another_participant", 403),
        ("facilitator", 403),
        ("unassigned_facilitator", 403),
    ],
)
def test_nobody_else_gets_a_revoked_certificate(client_as, users, revoked, role, expected):
    people = dict(users, holder=users["participant"])
    people["unassigned_facilitator"] = make_facilitator_user(username="unassigned")

    response = client_as(people[role]).get(f"/en/certificates/{CODE}/pdf/")

    assert response.get("Content-Type", "").split(";")[0] != "application/pdf"
    if expected == 403:
        assert response.status_code == 403
    elif expected == "login":
        assert response.status_code == 302
        assert "/sign-in/" in response["Location"]
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/en/certificates/{CODE}/"


# The template's preview in the admin


def template_url(name, *args):
    return reverse(f"wagtailsnippets_certificates_certificatetemplate:{name}", args=args)


def form_data(template, **changes):
    data = {
        "name": template.name,
        "heading": template.heading,
        "wording": template.wording,
        "heading_fr": template.heading_fr,
        "wording_fr": template.wording_fr,
        "signatory_name": template.signatory_name,
        "signatory_title": template.signatory_title,
        "signatory_title_fr": template.signatory_title_fr,
        "signature_image": "",
        "logo": "",
        "accent_colour": template.accent_colour,
    }
    data.update(changes)
    return data


def refused(response):
    """Wagtail answers 403, or sends the user to the dashboard or the log-in page."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (response.url == "/admin/" or response.url.startswith("/admin/login/"))
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Certificate of achievement", "Sample: not a certificate", "Director of the Year"]),
        ("fr", ["Attestation de participation", "Spécimen : ceci n’est pas une attestation"]),
    ],
)
def test_staff_see_the_template_as_they_edit_it_in_both_languages(
    client, staff, template, language, words
):
    client.force_login(staff)
    url = template_url("preview_on_edit", template.pk)
    edited = form_data(
        template,
        heading="Certificate of achievement",
        heading_fr="Attestation de participation",
        signatory_title="Director of the Year",
    )

    assert client.post(url, edited).json()["is_valid"] is True
    response = client.get(url, {"mode": language})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.get("X-Frame-Options", "SAMEORIGIN") == "SAMEORIGIN"  # the panel's frame
    text = pdf_text(response.content).lower()  # the sample mark is in capitals
    for expected in [*words, "Marie Tremblay", "Dana Whitfield"]:
        assert expected.lower() in text, expected
    template.refresh_from_db()
    assert template.heading == "Certificate of completion"  # previewed, not saved


def test_the_edit_page_has_the_preview_panel(client, staff, template):
    client.force_login(staff)

    page = client.get(template_url("edit", template.pk))

    assert page.status_code == 200
    assert template_url("preview_on_edit", template.pk) in page.text
    assert f"{template_url('preview_pdf', template.pk)}?language=fr" in page.text


@pytest.mark.parametrize("role", ["anonymous", "participant", "another_participant", "facilitator"])
def test_only_staff_preview_templates(client_as, users, template, role):
    client = client_as(users[role])
    edit_preview = template_url("preview_on_edit", template.pk)

    posted = client.post(edit_preview, form_data(template))
    shown = client.get(edit_preview, {"mode": "fr"})
    saved = client.get(template_url("preview_pdf", template.pk), {"language": "fr"})

    for response in (posted, shown, saved):
        assert refused(response), (response.status_code, response.get("Location"))
        assert response.get("Content-Type", "").split(";")[0] != "application/pdf"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_preview_the_saved_template_in_both_languages(client, staff, template, language):
    client.force_login(staff)

    response = client.get(template_url("preview_pdf", template.pk), {"language": language})

    assert response.status_code == 200
    document = reader(response.content)
    assert document.trailer["/Root"]["/Lang"] == language
    assert ("Attestation de réussite" if language == "fr" else "Certificate of completion") in (
        pdf_text(response.content)
    )
    assert not Certificate.objects.exists()


# Checked by tools outside the project


def external_tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: qpdf, poppler-utils; .ci/run installs them)")
    return path


def certificate_pdfs(certificate, program_certificate, staff_rendering):
    """Every kind of certificate PDF: workshop in English and French, program, revoked."""
    english = pdf.render_certificate(certificate)
    certificate.language = "fr"
    french = pdf.render_certificate(certificate)
    certificate.language = "en"
    return {
        "workshop, English": english,
        "workshop, French": french,
        "program": pdf.render_certificate(program_certificate),
        "revoked, as staff get it": staff_rendering,
    }


@pytest.fixture
def every_pdf(certificate, program, facilitator, close, staff, client_as):
    member = ParticipantFactory(name="Ana Lima", local=LocalFactory(number="3247"))
    for start, workshop in zip((30, 9), program.required_workshops(), strict=True):
        session = SessionFactory(
            workshop=workshop, start=days_ago(start), hours=6, facilitators=[facilitator]
        )
        close(
            session, {EnrollmentFactory(session=session, participant=member): PRESENT}, facilitator
        )
    program_certificate = Certificate.objects.get(kind=CertificateKind.PROGRAM)
    pdf.ensure_pdf(certificate)
    revoke(certificate.pk, reason="Issued by mistake.", user=staff)
    response = client_as(staff).get(reverse("certificates:download", args=[certificate.code]))
    certificate.refresh_from_db()
    return certificate_pdfs(certificate, program_certificate, downloaded(response))


def test_every_certificate_pdf_passes_qpdf_and_is_tagged_for_pdfinfo(every_pdf, tmp_path):
    qpdf, pdfinfo = external_tool("qpdf"), external_tool("pdfinfo")
    for kind, content in every_pdf.items():
        assert content.startswith(b"%PDF-"), kind
        path = tmp_path / "certificate.pdf"
        path.write_bytes(content)
        checked = subprocess.run([qpdf, "--check", path], capture_output=True, text=True)
        assert checked.returncode == 0, f"{kind}: {checked.stdout}{checked.stderr}"
        assert "No syntax or stream encoding errors found" in checked.stdout, kind
        info = subprocess.run([pdfinfo, path], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), f"{kind}: {info}"
        assert re.search(r"^Title:\s+\S", info, re.M), f"{kind}: {info}"
