"""Printable PDFs for facilitators: a session's sign-in sheet and a workshop's guide.

Both are rendered by WeasyPrint from flat templates under ``facilitators/pdf/`` that carry their
own styles. Rendering never fetches anything from outside the document: only ``data:`` URLs
are followed, so a link or image pasted into a guide cannot make the server open a connection.
"""

import unicodedata

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from courses.choices import EnrollmentStatus

#: Blank rows at the end of the sign-in sheet, for people who come without a confirmed seat.
WALK_IN_ROWS = 8


def page_size():
    """The paper the PDFs are laid out on: ``FACILITATORS_PDF_PAGE_SIZE``, "letter" or "A4"."""
    return getattr(settings, "FACILITATORS_PDF_PAGE_SIZE", "letter")


def render_pdf(html):
    """The PDF of ``html``, with nothing fetched but ``data:`` URLs."""
    # WeasyPrint takes a moment to import: only pay for it when a PDF is asked for.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()


def name_sort_key(name):
    """Sort names as people read them: case and accents aside (Émilie with the E's)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def confirmed_enrollments(session):
    """The session's confirmed enrolments, sorted by the participant's name."""
    enrollments = session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).select_related(
        "participant__local"
    )
    return sorted(
        enrollments,
        key=lambda enrollment: (name_sort_key(enrollment.participant.name), enrollment.pk),
    )


def facilitator_names(session):
    return [
        user.get_full_name() or user.get_username()
        for user in session.facilitators.order_by("last_name", "first_name", "username")
    ]


def sign_in_sheet_filename(session):
    """``sign-in-sheet-<workshop slug>-<first day, local time>.pdf``."""
    day = timezone.localdate(session.starts_at)
    return f"sign-in-sheet-{session.workshop.slug}-{day.isoformat()}.pdf"


def render_sign_in_sheet(session):
    """The session's sign-in sheet, in the session's language.

    A header (workshop, dates and times in local time, place, language, facilitators), then one
    row to sign per confirmed participant, then :data:`WALK_IN_ROWS` blank rows.
    """
    with translation.override(session.language):
        html = render_to_string(
            "facilitators/pdf/sign_in_sheet.html",
            {
                "session": session,
                "workshop": session.workshop,
                "parts": session.parts.all(),
                "facilitator_names": facilitator_names(session),
                "enrollments": confirmed_enrollments(session),
                "blank_rows": range(WALK_IN_ROWS),
                "page_size": page_size(),
            },
        )
    return render_pdf(html)


def guide_filename(page):
    return f"facilitator-guide-{page.workshop.slug}.pdf"


def render_guide(page, request=None):
    """The facilitator guide ``page`` (a ``FacilitatorGuidePage``) as a printable PDF."""
    html = render_to_string(
        "facilitators/pdf/guide.html",
        {
            "page": page,
            "workshop": page.workshop,
            "handout_list": page.handouts.select_related("document"),
            "page_size": page_size(),
        },
        request=request,
    )
    return render_pdf(html)
