"""Downloads for facilitators: a session's sign-in sheet and a facilitator guide, as PDFs."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from courses.attendance.rules import can_take_attendance
from courses.models import Session

from . import guide_pdfs, pdf
from .models import FacilitatorGuidePage
from .privacy import is_guide_reader
from .views import refuse_impossible_id

#: Facilitators and staff sign in with a password on the Wagtail admin's log-in page.
LOGIN_URL = "wagtailadmin_login"


def pdf_response(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=filename
    )
    return response


@never_cache
@require_safe
def sign_in_sheet(request, session_id):
    """The printable sign-in sheet, for the session's facilitators and the education staff."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), LOGIN_URL)
    refuse_impossible_id(session_id)
    session = get_object_or_404(
        Session.objects.select_related("workshop__locale").prefetch_related("parts"), pk=session_id
    )
    if not can_take_attendance(request.user, session):
        raise PermissionDenied
    workshop = pdf.sheet_workshop(session)
    return pdf_response(
        pdf.render_sign_in_sheet(session, workshop),
        pdf.sign_in_sheet_filename(session, workshop),
    )


@never_cache
@require_safe
def guide_pdf(request, page_id):
    """A published facilitator guide as a PDF, for facilitators and the education staff, in
    the guide's own language.

    The guide's own view restrictions (or its ancestors') still apply, as when it is served.
    The PDF is read from storage (see ``facilitators.guide_pdfs``) only once they have passed.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), LOGIN_URL)
    refuse_impossible_id(page_id)
    page = get_object_or_404(
        FacilitatorGuidePage.objects.live().select_related("locale"), pk=page_id
    )
    if not is_guide_reader(request.user) or not all(
        restriction.accept_request(request) for restriction in page.get_view_restrictions()
    ):
        raise PermissionDenied
    # ``?session=<id>``: clock times from that session's start, for those who may see it.
    session = page.session_for(request)
    workshop = page.workshop
    # Rendered once per published revision and kept where nothing serves it but this view.
    return pdf_response(
        guide_pdfs.guide_pdf(page, session=session, workshop=workshop),
        pdf.guide_filename(page, session, workshop=workshop),
    )
