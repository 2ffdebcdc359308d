"""Certificate PDFs (certificates.pdf): what they say, their QR code, their template, and that a
stored PDF is never rendered again."""

import io
from decimal import Decimal

from django.test import override_settings

import pytest
import segno
import wagtail_factories
from pypdf import PdfReader

from certificates import pdf
from certificates.models import Certificate
from tests.factories import CertificateFactory, CertificateTemplateFactory

pytestmark = pytest.mark.django_db

LETTER_LANDSCAPE = (792, 612)  # points
A4_LANDSCAPE = (842, 595)


def pdf_text(content):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def page_sizes(content):
    return [
        (round(page.mediabox.width), round(page.mediabox.height))
        for page in PdfReader(io.BytesIO(content)).pages
    ]


@pytest.fixture
def certificate(db):
    return CertificateFactory(
        holder_name="Marie Tremblay",
        title="Strategic Planning",
        hours=Decimal("6.00"),
        code="ABCDEFGHJKMNPQRS",
    )


@pytest.fixture
def count_renders(monkeypatch):
    """The number of certificate PDFs rendered while the test runs."""
    renders = []
    render = pdf.render_certificate

    def counting(certificate):
        renders.append(certificate.pk)
        return render(certificate)

    monkeypatch.setattr(pdf, "render_certificate", counting)
    return renders


def test_the_pdf_says_who_what_how_long_and_the_code(certificate):
    content = pdf.render_certificate(certificate)

    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "Marie Tremblay" in text
    assert "Strategic Planning" in text
    assert "6 hours" in text
    assert "ABCD-EFGH-JKMN-PQRS" in text
    assert "Jordan Facilitator" in text
    assert page_sizes(content) == [LETTER_LANDSCAPE]


def test_our_render_prints_what_a_bare_render_of_the_same_html_prints(certificate):
    """Our renders add the shared stylesheet parsed once; the self-contained HTML carries it."""
    from weasyprint import HTML

    ours = pdf.render_certificate(certificate)
    bare = HTML(string=pdf.certificate_html(certificate)).write_pdf()

    assert pdf_text(ours) == pdf_text(bare)
    assert page_sizes(ours) == page_sizes(bare) == [LETTER_LANDSCAPE]
    assert "font-family" in pdf.certificate_html(certificate)
    assert "font-family" not in pdf.certificate_html(certificate, shared_stylesheet=True)


@override_settings(CERTIFICATES_PAGE_SIZE="A4")
def test_the_paper_size_is_a_setting(certificate):
    assert page_sizes(pdf.render_certificate(certificate)) == [A4_LANDSCAPE]


def test_part_hours_are_printed_as_people_write_them(certificate):
    certificate.hours = Decimal("4.50")

    assert "4.5 hours" in pdf_text(pdf.render_certificate(certificate))


def test_the_qr_code_encodes_the_absolute_verification_url(certificate):
    assert (
        pdf.verification_url(certificate) == "http://testserver/en/certificates/ABCDEFGHJKMNPQRS/"
    )
    assert pdf.qr_payload(certificate) == pdf.verification_url(certificate)

    html = pdf.certificate_html(certificate)

    expected = segno.make(pdf.verification_url(certificate), error="m")
    assert pdf.qr_svg(pdf.qr_payload(certificate)) in html
    assert expected.svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff") in html
    assert (
        segno.make("http://testserver/en/certificates/SOMETHINGELSE000/").svg_inline() not in html
    )


@override_settings(CERTIFICATES_BASE_URL="https://education.example.org/")
def test_the_verification_url_follows_the_configured_site(certificate):
    assert (
        pdf.qr_payload(certificate)
        == "https://education.example.org/en/certificates/ABCDEFGHJKMNPQRS/"
    )


def test_the_wording_comes_from_the_template_with_the_facts_escaped(certificate):
    certificate.template = CertificateTemplateFactory(
        heading="Award of completion",
        wording="Know that {name} finished {title} ({hours} hours) {not a placeholder}.",
    )
    certificate.holder_name = "Ana <b>Lima</b>"

    html = pdf.certificate_html(certificate)

    assert "Award of completion" in html
    assert "Ana &lt;b&gt;Lima&lt;/b&gt;" in html
    assert "<b>Lima" not in html
    assert "{not a placeholder}" in html
    text = pdf_text(pdf.render_certificate(certificate))
    assert "Know that" in text
    assert "Ana <b>Lima</b>" in text
    assert "finished Strategic Planning (6 hours)" in text


def test_the_accent_colour_is_used_only_when_well_formed(certificate):
    certificate.template = CertificateTemplateFactory(accent_colour="#1d4e8f")
    assert "border-color: #1d4e8f;" in pdf.certificate_html(certificate)

    certificate.template.accent_colour = "red; } body { display: none"
    html = pdf.certificate_html(certificate)
    assert "display: none" not in html
    assert "border-color: #8f1d21;" in html


def test_a_certificate_in_french_is_printed_from_the_french_wording(certificate):
    certificate.language = "fr"
    certificate.hours = Decimal("3.50")

    text = pdf_text(pdf.render_certificate(certificate))

    assert "Attestation de réussite" in text
    assert "Nous attestons que" in text
    assert "Marie Tremblay" in text
    assert "3,5 heures" in text  # French decimals


def test_the_logo_and_signature_are_embedded_once_made(certificate, monkeypatch):
    template = CertificateTemplateFactory(
        logo=wagtail_factories.ImageFactory(file__width=400, file__height=160),
        signature_image=wagtail_factories.ImageFactory(file__width=300, file__height=100),
    )
    certificate.template = template
    pdf._images.clear()

    html = pdf.certificate_html(certificate)

    assert html.count('src="data:image/png;base64,') == 2
    content = pdf.render_certificate(certificate)
    images = [image for page in PdfReader(io.BytesIO(content)).pages for image in page.images]
    assert len(images) == 2
    # The next certificate reuses the images read for this one.
    monkeypatch.setattr(
        type(template.logo), "get_rendition", lambda *args: pytest.fail("rendered again")
    )
    assert pdf.certificate_html(certificate).count('src="data:image/png;base64,') == 2


def test_ensure_pdf_renders_and_stores_once(certificate, count_renders):
    stored = pdf.ensure_pdf(certificate)

    assert count_renders == [certificate.pk]
    certificate.refresh_from_db()
    assert certificate.pdf.name == stored.name
    assert certificate.pdf.name.startswith("certificates/")
    assert certificate.pdf.name.endswith("/certificate-strategic-planning-marie-tremblay-ABCD.pdf")
    assert certificate.pdf_rendered_at is not None
    with certificate.pdf.open("rb") as file:
        assert "Marie Tremblay" in pdf_text(file.read())

    pdf.ensure_pdf(certificate)
    pdf.ensure_pdf(Certificate.objects.get(pk=certificate.pk))

    assert count_renders == [certificate.pk]


def test_a_missing_file_is_rendered_again(certificate, count_renders):
    stored = pdf.ensure_pdf(certificate)
    stored.storage.delete(stored.name)

    pdf.ensure_pdf(Certificate.objects.get(pk=certificate.pk))

    assert count_renders == [certificate.pk, certificate.pk]
    certificate.refresh_from_db()
    assert certificate.pdf.storage.exists(certificate.pdf.name)


@override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def test_of_two_renders_at_once_the_first_stored_wins(certificate, count_renders):
    """Two processes found the file missing and rendered it: the second keeps the first's."""
    late = Certificate.objects.get(pk=certificate.pk)  # read before the first one stored
    first = pdf.ensure_pdf(certificate).name

    assert pdf.ensure_pdf(late).name == first

    assert count_renders == [certificate.pk, certificate.pk]
    certificate.refresh_from_db()
    assert certificate.pdf.name == first
    storage = certificate.pdf.storage
    folders, _files = storage.listdir("certificates")
    stored = [
        f"certificates/{folder}/{name}"
        for folder in folders
        for name in storage.listdir(f"certificates/{folder}")[1]
    ]
    assert stored == [first]  # the second copy is deleted


def test_file_names_say_what_and_whose(certificate):
    certificate.title = "Négocier : l’essentiel"
    certificate.holder_name = "Émilie O’Brien"

    assert certificate.pdf_filename() == "certificate-negocier-lessentiel-emilie-obrien-ABCD.pdf"


def test_the_preview_prints_sample_facts_and_says_so():
    template = CertificateTemplateFactory(heading="Preview heading")

    text = pdf_text(pdf.render_preview(template))
    french = pdf_text(pdf.render_preview(template, language="fr"))

    assert "Preview heading" in text
    assert "Marie Tremblay" in text
    assert "sample: not a certificate" in text.lower()
    assert "Attestation de réussite" in french
    assert not Certificate.objects.exists()
