"""Certificates as PDFs: rendered once by WeasyPrint, stored, and served from storage after.

The page is landscape US Letter by default (``CERTIFICATES_PAGE_SIZE``, for North America;
"A4" elsewhere), printed from the certificate's :class:`~certificates.models.CertificateTemplate`
in the certificate's language, with the verification code and a QR code (made by segno, inline
SVG) that opens the public verification page. A program certificate lists the workshops its
holder completed for it, with their dates.

The design is drawn by this module and its stylesheet alone: a double frame, corner ornaments,
a divider and a seal, all SVG made here in the template's accent colour (as CSS backgrounds,
so that screen readers pass over them), the template's logo (or the organisation's), and the
DejaVu typefaces, which WeasyPrint's Debian packages bring (``fonts-dejavu-core``) and the
PDF embeds. The PDF is a PDF/A-3u document, tagged for screen readers, titled and in the
certificate's language (see :data:`PDF_OPTIONS`).

A revoked certificate keeps its stored file as it was; staff who download it are given a copy
rendered on the spot with a "Revoked" mark across the page (:func:`render_revoked`).

Rendering costs little more than WeasyPrint's own work on the same HTML (see
``tests/benchmarks/test_certificate_render.py``): the layout is flat (no nested flex or grid),
images come as ``data:`` URLs read once per image and kept, and each thread keeps its WeasyPrint
font configuration, the stylesheet shared by every certificate (parsed once) and an image cache
across renders. Nothing outside the document is ever fetched.
"""

import base64
import functools
import math
import re
from decimal import Decimal
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from wagtail.models import Site

import segno

from courses import pdf_rendering
from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import Enrollment, ProgramRequirement, in_language
from courses.timezones import in_zone, zone_named

from . import conf
from .choices import CertificateKind
from .models import Certificate, CertificateTemplate, certificate_upload_to, format_hours, new_code

#: Where the template's images are drawn from: Wagtail rendition filters, small enough to keep.
LOGO_RENDITION = "max-600x240|format-png"
SIGNATURE_RENDITION = "max-600x200|format-png"
STYLESHEET = "certificates/pdf/certificate.css"
DEFAULT_ACCENT_COLOUR = "#8f1d21"
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
#: Rendered images kept in memory, as ``data:`` URLs, by (image, file, filter).
IMAGE_CACHE_SIZE = 32
#: What WeasyPrint is asked to make of a certificate: an archival PDF/A-3 document whose text
#: is Unicode (level U), with a structure tree that screen readers follow. Its title and
#: language come from the document's ``<title>`` and ``<html lang>``.
PDF_OPTIONS = {"pdf_variant": "pdf/a-3u", "pdf_tags": True}
#: A program certificate with more workshops than this lists them in two columns.
WORKSHOPS_IN_ONE_COLUMN = 4

_images = {}


def verification_url(certificate):
    """The absolute URL of the certificate's public verification page."""
    return conf.base_url() + certificate.get_absolute_url()


def qr_payload(certificate):
    """What the QR code on the certificate encodes: its absolute verification URL."""
    return verification_url(certificate)


#: How QR codes are drawn: one unit a module, with the quiet zone of four modules.
QR_SVG_OPTIONS = {"scale": 1, "border": 4, "omitsize": True, "dark": "#000", "light": "#fff"}


def qr_svg(payload):
    """The QR code of ``payload`` as inline SVG, with its quiet zone, sized by the stylesheet."""
    return segno.make(payload, error="m").svg_inline(**QR_SVG_OPTIONS)


def qr_figure(payload, label):
    """:func:`qr_svg` in an SVG of its own titled ``label``: the text a screen reader reads
    for the figure (WeasyPrint's tags take a figure's description from its SVG title)."""
    qr = segno.make(payload, error="m")
    size = qr.symbol_size(scale=1, border=QR_SVG_OPTIONS["border"])[0]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" '
        f'viewBox="0 0 {size} {size}"><title>{escape(label)}</title>'
        f"{qr.svg_inline(**QR_SVG_OPTIONS)}</svg>"
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


def _svg_data_url(svg):
    return "data:image/svg+xml," + quote(svg, safe="")


@functools.lru_cache(maxsize=16)
def ornaments(colour):
    """The certificate's ornaments drawn in ``colour`` (a well-formed ``#rrggbb``), as
    ``data:`` URLs of SVG images: ``corners`` (top left, top right, bottom right, bottom left),
    ``divider`` and ``seal``. Made once per colour."""
    corner = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        '<g transform="rotate({angle} 32 32)" stroke="{colour}" fill="none">'
        '<path d="M2 64V15A13 13 0 0 1 15 2H64" stroke-width="2.4"/>'
        '<path d="M9 64V23A14 14 0 0 1 23 9H64" stroke-width="0.8"/>'
        '<path d="M20 13L27 20L20 27L13 20Z" fill="{colour}" stroke="none"/>'
        '<circle cx="36" cy="20" r="1.6" fill="{colour}" stroke="none"/>'
        '<circle cx="20" cy="36" r="1.6" fill="{colour}" stroke="none"/>'
        "</g></svg>"
    )
    corners = [
        _svg_data_url(corner.format(angle=angle, colour=colour)) for angle in (0, 90, 180, 270)
    ]
    divider = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 12">'
        f'<g stroke="{colour}" fill="{colour}">'
        '<path d="M0 6H104M136 6H240" stroke-width="0.8"/>'
        '<path d="M120 0.5L125.5 6L120 11.5L114.5 6Z" stroke="none"/>'
        '<circle cx="109" cy="6" r="1.5" stroke="none"/>'
        '<circle cx="131" cy="6" r="1.5" stroke="none"/>'
        "</g></svg>"
    )
    points = " ".join(
        f"{50 + radius * math.sin(step * math.pi / 24):.2f},"
        f"{50 - radius * math.cos(step * math.pi / 24):.2f}"
        for step in range(48)
        for radius in ((48 if step % 2 == 0 else 44),)
    )
    seal = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<polygon points="{points}" fill="#fff" stroke="{colour}" stroke-width="1.2"/>'
        f'<circle cx="50" cy="50" r="39" fill="none" stroke="{colour}" stroke-width="2"/>'
        f'<circle cx="50" cy="50" r="35.5" fill="none" stroke="{colour}" stroke-width="0.6"/>'
        "</svg>"
    )
    return {
        "corners": corners,
        "divider": _svg_data_url(divider),
        "seal": _svg_data_url(seal),
    }


def organisation_logo():
    """The logo of the organisation that issues certificates, for templates without one of
    their own: the ``logo`` of the site setting that names the issuer
    (``CERTIFICATES_ISSUER_SETTING``, such as ``"home.OrganisationSettings.name"``), for the
    default site; None when there is none."""
    setting_path = getattr(settings, "CERTIFICATES_ISSUER_SETTING", "")
    model_label = setting_path.rpartition(".")[0]
    if not model_label:
        return None
    model = apps.get_model(model_label)
    if "logo" not in {field.name for field in model._meta.get_fields()}:
        return None
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    organisation = model.for_site(site)
    return organisation.logo if organisation.logo_id else None


def logo_data_url(template):
    """The logo printed at the top: the template's, else the organisation's, else none."""
    logo = template.logo if template.logo_id else organisation_logo()
    return image_data_url(logo, LOGO_RENDITION) if logo is not None else ""


def completed_workshops(certificate):
    """``[(title, day)]``: the workshops of a program certificate, in the program's order, each
    with the day its holder completed it (the last time on or before the certificate's date),
    titled in the certificate's language when the workshop is translated into it. Empty for a
    workshop certificate. Three queries."""
    if certificate.kind != CertificateKind.PROGRAM or not certificate.program_id:
        return []
    workshops = [
        requirement.workshop
        for requirement in ProgramRequirement.objects.filter(program_id=certificate.program_id)
        .select_related("workshop")
        .order_by("sort_order")
    ]
    days = {}
    for workshop_id, ends_at, zone in Enrollment.objects.filter(
        participant_id=certificate.participant_id,
        session__workshop__in=workshops,
        session__status=SessionStatus.DELIVERED,
        status=EnrollmentStatus.CONFIRMED,
        completed=True,
    ).values_list("session__workshop_id", "session__ends_at", "session__time_zone"):
        days.setdefault(workshop_id, []).append(in_zone(ends_at, zone_named(zone)).date())
    for workshop_id, completed in days.items():
        earlier = [day for day in completed if day <= certificate.completed_on]
        days[workshop_id] = max(earlier or completed)
    translations = in_language(workshops, certificate.language or "en")
    return [
        (translations.get(workshop.translation_key, workshop).title, days.get(workshop.pk))
        for workshop in workshops
    ]


def revoked_on(certificate):
    """The day ``certificate`` was revoked, in the site's time zone (today, if it has no date)."""
    return timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None


def certificate_context(certificate, *, sample=False, revoked=False):
    """What the certificate template shows (hours are formatted in the active language).

    With ``revoked``, it shows a "Revoked" mark across the page, with the day it was revoked.
    """
    template = certificate.template or CertificateTemplate.default() or CertificateTemplate()
    heading, wording = template.texts(certificate.language)
    url = verification_url(certificate)
    colour = accent_colour(template)
    workshops = completed_workshops(certificate)
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
        "hours": format_hours(certificate.hours),
        "signatory_title": template.signatory_title_in(certificate.language),
        "accent_colour": colour,
        "ornaments": ornaments(colour),
        "logo_url": logo_data_url(template),
        "signature_url": (
            image_data_url(template.signature_image, SIGNATURE_RENDITION)
            if template.signature_image_id
            else ""
        ),
        # made by segno and escaped by qr_figure
        "qr_svg": mark_safe(qr_figure(qr_payload(certificate), gettext("Verification page"))),  # noqa: S308
        "verification_url": url,
        "verification_base": url.rsplit("/", 2)[0] + "/",
        "workshops": workshops,
        "workshops_in_columns": len(workshops) > WORKSHOPS_IN_ONE_COLUMN,
        "page_size": conf.page_size(),
        "sample": sample,
        "revoked": revoked,
        "revoked_on": revoked_on(certificate) if revoked else None,
    }


def stylesheet():
    """The layout shared by every certificate (the template ``certificates/pdf/certificate.css``,
    which a site may override)."""
    return render_to_string(STYLESHEET)


def certificate_html(certificate, *, sample=False, shared_stylesheet=False, revoked=False):
    """The certificate as one self-contained HTML document, ready for WeasyPrint.

    With ``shared_stylesheet``, the layout is left out, for :func:`render_html` to add the one
    it has parsed once. With ``revoked``, it carries the "Revoked" mark.
    """
    with translation.override(certificate.language or "en"):
        context = certificate_context(certificate, sample=sample, revoked=revoked)
        context["stylesheet"] = "" if shared_stylesheet else stylesheet()
        return render_to_string("certificates/pdf/certificate.html", context)


def render_html(html):
    """The PDF of certificate HTML made with ``shared_stylesheet=True``, reusing this thread's
    WeasyPrint state (shared with every PDF the site prints, see ``courses.pdf_rendering``),
    with the certificates' stylesheet parsed once."""
    shared = pdf_rendering.renderer().stylesheet(STYLESHEET, stylesheet)
    return pdf_rendering.render_pdf(html, [shared], **PDF_OPTIONS)


def render_certificate(certificate):
    """The certificate's PDF, as bytes: what is stored and handed to its holder."""
    return render_html(certificate_html(certificate, shared_stylesheet=True))


def render_revoked(certificate):
    """The PDF of a revoked certificate with a "Revoked" mark and the day across the page, as
    bytes, for staff who look it up. Rendered on each request and never stored: the stored
    file stays as it was issued."""
    return render_html(certificate_html(certificate, shared_stylesheet=True, revoked=True))


def revoked_filename(certificate):
    """``certificate-…-<code>-revoked.pdf``: the file name of :func:`render_revoked`'s PDF."""
    return certificate.pdf_filename().removesuffix(".pdf") + "-revoked.pdf"


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
