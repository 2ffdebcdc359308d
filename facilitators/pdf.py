"""Printable PDFs for facilitators: a session's sign-in sheet and a workshop's guide.

Both are rendered by WeasyPrint from flat templates under ``facilitators/pdf/`` that carry their
own styles, each wholly in one language: a sign-in sheet in its session's, a guide in its own
page's (whatever the language of the page it was asked from). Rendering never fetches anything
from outside the document: only ``data:`` URLs are followed, so a link or image pasted into a
guide cannot make the server open a connection.
"""

import unicodedata

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from courses import pdf_rendering
from courses.choices import EnrollmentStatus, SessionStatus

from . import agenda, checkin

#: Blank rows at the end of the sign-in sheet, for people who come without a confirmed seat.
WALK_IN_ROWS = 8


def page_size():
    """The paper the PDFs are laid out on: ``FACILITATORS_PDF_PAGE_SIZE``, "letter" or "A4"."""
    return getattr(settings, "FACILITATORS_PDF_PAGE_SIZE", "letter")


def render_pdf(html):
    """The PDF of ``html``, with nothing fetched but ``data:`` URLs, by this thread's WeasyPrint
    state (font configuration and all), shared with every PDF the site prints."""
    return pdf_rendering.render_pdf(html)


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


def sheet_workshop(session):
    """The page of the session's workshop in the session's language (the page it was scheduled
    on when the workshop is not translated into it): what its sign-in sheet names."""
    return session.workshop.in_language(session.language)


def sign_in_sheet_filename(session, workshop=None):
    """``sign-in-sheet-<workshop slug>-<first day, in the session's time zone>.pdf``, in the
    session's language (``feuille-de-presence-…`` in French), ``workshop`` being
    :func:`sheet_workshop`."""
    workshop = workshop or sheet_workshop(session)
    day = session.first_day()
    with translation.override(session.language):
        name = pgettext("file name", "sign-in-sheet")
    return f"{name}-{workshop.slug}-{day.isoformat()}.pdf"


def sheet_check_in(session, parts, now=None):
    """The check-in code a sign-in sheet printed now carries, as its template shows it: the
    code of the day (:func:`facilitators.checkin.sheet_day`), its URL in the session's
    language and its QR code; None for a session cancelled or closed."""
    if session.status != SessionStatus.SCHEDULED:
        return None
    day = checkin.sheet_day(session, now or timezone.now(), parts)
    url = checkin.check_in_url(checkin.day_code(session, day), session.language)
    return {
        "url": url,
        "qr": mark_safe(checkin.qr_svg(url)),  # noqa: S308 -- made by segno
        "day": day,
    }


def render_sign_in_sheet(session, workshop=None, now=None):
    """The session's sign-in sheet, wholly in the session's language: its words, its dates and
    the workshop's title (``workshop``, by default :func:`sheet_workshop`).

    A header (workshop, dates and times in local time, place, language, facilitators, and the
    check-in code of the day it is printed, see :func:`sheet_check_in`), then one row to sign
    per confirmed participant, then :data:`WALK_IN_ROWS` blank rows. A session of several
    parts has a column to sign for each part (more than three: on landscape paper).
    """
    workshop = workshop or sheet_workshop(session)
    parts = list(session.parts.all())
    with translation.override(session.language):
        html = render_to_string(
            "facilitators/pdf/sign_in_sheet.html",
            {
                "session": session,
                "workshop": workshop,
                "parts": parts,
                "by_day": len(parts) > 1,
                "signature_columns": parts if len(parts) > 1 else [None],
                "facilitator_names": facilitator_names(session),
                "enrollments": confirmed_enrollments(session),
                "blank_rows": range(WALK_IN_ROWS),
                "check_in": sheet_check_in(session, parts, now),
                "page_size": page_size(),
            },
        )
    return render_pdf(html)


def guide_language(page):
    """The language a guide is printed in: its page's own."""
    return page.locale.language_code


def guide_filename(page, session=None, workshop=None):
    """``facilitator-guide-<workshop slug>.pdf`` in the guide's language (``guide-d-animation-…``
    in French), with the session's first day when the guide is printed for a session.
    ``workshop`` is the guide's (its parent page), when already at hand."""
    slug = (workshop or page.workshop).slug
    with translation.override(guide_language(page)):
        name = pgettext("file name", "facilitator-guide")
    if session is not None:
        day = session.starts_at.astimezone(agenda.session_zone(session)).date()
        return f"{name}-{slug}-{day.isoformat()}.pdf"
    return f"{name}-{slug}.pdf"


def render_guide(page, request=None, session=None, workshop=None):
    """The facilitator guide ``page`` (a ``FacilitatorGuidePage``) as a printable PDF, wholly in
    the guide's own language (a French guide is printed in French, whatever the language of the
    page it was asked from). ``workshop`` is the guide's (its parent page), when already at hand.

    Its agenda is the workshop's curriculum as published now, timed from the start of the day,
    or from ``session``'s start when it is printed for a session.
    """
    workshop = workshop or page.workshop
    with translation.override(guide_language(page)):
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
