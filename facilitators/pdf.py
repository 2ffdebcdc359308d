"""Printable PDFs for facilitators: a session's sign-in sheet and a workshop's guide.

Both are rendered by WeasyPrint from flat templates under ``facilitators/pdf/`` that carry their
own styles. Rendering never fetches anything from outside the document: only ``data:`` URLs
are followed, so a link or image pasted into a guide cannot make the server open a connection.
"""

import unicodedata

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from courses.choices import EnrollmentStatus

from . import agenda

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
    """``sign-in-sheet-<workshop slug>-<first day, in the session's time zone>.pdf``."""
    day = session.first_day()
    return f"sign-in-sheet-{session.workshop.slug}-{day.isoformat()}.pdf"


def render_sign_in_sheet(session):
    """The session's sign-in sheet, in the session's language.

    A header (workshop, dates and times in local time, place, language, facilitators), then one
    row to sign per confirmed participant, then :data:`WALK_IN_ROWS` blank rows. A session of
    several parts has a column to sign for each part (more than three: on landscape paper).
    """
    parts = list(session.parts.all())
    with translation.override(session.language):
        html = render_to_string(
            "facilitators/pdf/sign_in_sheet.html",
            {
                "session": session,
                "workshop": session.workshop,
                "parts": parts,
                "by_day": len(parts) > 1,
                "signature_columns": parts if len(parts) > 1 else [None],
                "facilitator_names": facilitator_names(session),
                "enrollments": confirmed_enrollments(session),
                "blank_rows": range(WALK_IN_ROWS),
                "page_size": page_size(),
            },
        )
    return render_pdf(html)


def guide_filename(page, session=None):
    """``facilitator-guide-<workshop slug>.pdf``, with the session's first day when the guide
    is printed for a session."""
    if session is not None:
        day = session.starts_at.astimezone(agenda.session_zone(session)).date()
        return f"facilitator-guide-{page.workshop.slug}-{day.isoformat()}.pdf"
    return f"facilitator-guide-{page.workshop.slug}.pdf"


def render_guide(page, request=None, session=None):
    """The facilitator guide ``page`` (a ``FacilitatorGuidePage``) as a printable PDF.

    Its agenda is the workshop's curriculum as published now, timed from the start of the day,
    or from ``session``'s start when it is printed for a session.
    """
    workshop = page.workshop
    context = agenda.agenda_context(page.agenda_items(session, workshop), session)
    context.update(
        page=page,
        workshop=workshop,
        session=session,
        handout_list=page.handouts.select_related("document"),
        page_size=page_size(),
    )
    html = render_to_string("facilitators/pdf/guide.html", context, request=request)
    return render_pdf(html)
