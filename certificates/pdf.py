"""Certificates as PDFs: rendered once by WeasyPrint, stored, and served from storage after.

The page is landscape US Letter by default (``CERTIFICATES_PAGE_SIZE``, for North America;
"A4" elsewhere), printed from the certificate's :class:`~certificates.models.CertificateTemplate`
in the certificate's language, with the verification code and a QR code (made by segno, inline
SVG) that opens the public verification page.

Rendering costs little more than WeasyPrint's own work on the same HTML (see
``tests/benchmarks/test_certificate_render.py``): the layout is flat (no nested flex or grid),
images come as ``data:`` URLs read once per image and kept, and each thread keeps its WeasyPrint
font configuration, the stylesheet shared by every certificate (parsed once) and an image cache
across renders. Nothing outside the document is ever fetched.
"""

import base64
import re
from decimal import Decimal

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

import segno

from courses import pdf_rendering

from . import conf
from .models import Certificate, CertificateTemplate, certificate_upload_to, format_hours, new_code

#: Where the template's images are drawn from: Wagtail rendition filters, small enough to keep.
LOGO_RENDITION = "max-600x240|format-png"
SIGNATURE_RENDITION = "max-600x200|format-png"
STYLESHEET = "certificates/pdf/certificate.css"
DEFAULT_ACCENT_COLOUR = "#8f1d21"
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
#: Rendered images kept in memory, as ``data:`` URLs, by (image, file, filter).
IMAGE_CACHE_SIZE = 32

_images = {}


def verification_url(certificate):
    """The absolute URL of the certificate's public verification page."""
    return conf.base_url() + certificate.get_absolute_url()


def qr_payload(certificate):
    """What the QR code on the certificate encodes: its absolute verification URL."""
    return verification_url(certificate)


def qr_svg(payload):
    """The QR code of ``payload`` as inline SVG, with its quiet zone, sized by the stylesheet."""
    return segno.make(payload, error="m").svg_inline(
        scale=1, border=4, omitsize=True, dark="#000", light="#fff"
    )


def image_data_url(image, spec):
    """A rendition of a Wagtail image as a ``data:`` URL, made once and kept in memory."""
    if image is None:
        return ""
    key = (image.pk, image.file.name, spec)
    url = _images.get(key)
    if url is None:
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as file:
            content = file.read()
        url = "data:image/png;base64," + base64.b64encode(content).decode("ascii")
        if len(_images) >= IMAGE_CACHE_SIZE:
            _images.clear()
        _images[key] = url
    return url


def fill_wording(wording, *, name, title, hours):
    """The template's wording as HTML, its placeholders replaced by the (escaped) facts.

    ``{name}``, ``{title}`` and ``{hours}`` are replaced; any other brace is printed as is.
    """
    html = escape(wording)
    for placeholder, value, css_class in (
        ("{name}", name, "holder"),
        ("{title}", title, "title"),
        ("{hours}", hours, "hours"),
    ):
        html = html.replace(placeholder, f'<span class="{css_class}">{escape(value)}</span>')
    return mark_safe(html)  # noqa: S308 -- every part is escaped above


def accent_colour(template):
    """The template's accent colour, if it is a well-formed ``#rrggbb`` (it goes into CSS)."""
    colour = template.accent_colour or ""
    return colour if HEX_COLOUR.fullmatch(colour) else DEFAULT_ACCENT_COLOUR


def certificate_context(certificate, *, sample=False):
    """What the certificate template shows (hours are formatted in the active language)."""
    template = certificate.template or CertificateTemplate.default() or CertificateTemplate()
    heading, wording = template.texts(certificate.language)
    url = verification_url(certificate)
    return {
        "certificate": certificate,
        "template": template,
        "heading": heading,
        "wording": fill_wording(
            wording,
            name=certificate.holder_name,
            title=certificate.title,
            hours=format_hours(certificate.hours),
        ),
        "signatory_title": template.signatory_title_in(certificate.language),
        "accent_colour": accent_colour(template),
        "logo_url": image_data_url(template.logo, LOGO_RENDITION) if template.logo_id else "",
        "signature_url": (
            image_data_url(template.signature_image, SIGNATURE_RENDITION)
            if template.signature_image_id
            else ""
        ),
        "qr_svg": mark_safe(qr_svg(qr_payload(certificate))),  # noqa: S308 -- made by segno
        "verification_url": url,
        "verification_base": url.rsplit("/", 2)[0] + "/",
        "page_size": conf.page_size(),
        "sample": sample,
    }


def stylesheet():
    """The layout shared by every certificate (the template ``certificates/pdf/certificate.css``,
    which a site may override)."""
    return render_to_string(STYLESHEET)


def certificate_html(certificate, *, sample=False, shared_stylesheet=False):
    """The certificate as one self-contained HTML document, ready for WeasyPrint.

    With ``shared_stylesheet``, the layout is left out, for :func:`render_html` to add the one
    it has parsed once.
    """
    with translation.override(certificate.language or "en"):
        context = certificate_context(certificate, sample=sample)
        context["stylesheet"] = "" if shared_stylesheet else stylesheet()
        return render_to_string("certificates/pdf/certificate.html", context)


def render_html(html):
    """The PDF of certificate HTML made with ``shared_stylesheet=True``, reusing this thread's
    WeasyPrint state (shared with every PDF the site prints, see ``courses.pdf_rendering``),
    with the certificates' stylesheet parsed once."""
    shared = pdf_rendering.renderer().stylesheet(STYLESHEET, stylesheet)
    return pdf_rendering.render_pdf(html, [shared])


def render_certificate(certificate):
    """The certificate's PDF, as bytes."""
    return render_html(certificate_html(certificate, shared_stylesheet=True))


def _stored(name):
    return bool(name) and Certificate._meta.get_field("pdf").storage.exists(name)


def ensure_pdf(certificate):
    """The certificate's stored PDF: rendered and stored first only if it is missing.

    No lock is held while rendering: should two processes render the same missing file at
    once, the first to record its file wins and the other deletes its own copy.
    """
    if _stored(certificate.pdf.name):
        return certificate.pdf
    missing_name = certificate.pdf.name or ""
    content = render_certificate(certificate)
    storage = certificate.pdf.storage
    name = storage.save(
        certificate_upload_to(certificate, certificate.pdf_filename()), ContentFile(content)
    )
    rendered_at = timezone.now()
    recorded = Certificate.objects.filter(pk=certificate.pk, pdf=missing_name).update(
        pdf=name, pdf_rendered_at=rendered_at
    )
    if recorded:
        certificate.pdf.name, certificate.pdf_rendered_at = name, rendered_at
    else:
        storage.delete(name)
        certificate.pdf.name, certificate.pdf_rendered_at = Certificate.objects.values_list(
            "pdf", "pdf_rendered_at"
        ).get(pk=certificate.pk)
    return certificate.pdf


def sample_certificate(template, *, language="en"):
    """An unsaved certificate with made-up facts, to preview ``template``."""
    return Certificate(
        code=new_code(),
        kind="workshop",
        holder_name="Marie Tremblay",
        local_name="Local 3247, Ottawa" if language == "en" else "Section locale 3247, Ottawa",
        title="Strategic Planning for Locals" if language == "en" else "Planification stratégique",
        hours=Decimal(6),
        completed_on=timezone.localdate(),
        facilitator_names="Jordan Lee, Sam Roy",
        issuer_name=conf.issuer_name(language),
        language=language,
        template=template,
    )


def render_preview(template, *, language="en"):
    """``template`` printed with sample facts and marked as a sample, as PDF bytes."""
    certificate = sample_certificate(template, language=language)
    return render_html(certificate_html(certificate, sample=True, shared_stylesheet=True))
