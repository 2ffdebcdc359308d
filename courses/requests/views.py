"""The public pages of a local's request for a tailored session: the form, its thanks and the
private status page."""

from django.core.validators import slug_unicode_re as slug_re
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from wagtail.models import Site

from ..choices import RequestStatus
from ..mail import education_contact_email
from ..models import SessionRequest, WorkshopPage
from ..ratelimits import hit, hit_all, rate_limited_response
from ..sessions.forms import local_choice_label
from ..sessions.views import participant_of
from .emails import request_from_status_token, request_status_token
from .forms import SessionRequestForm, requestable_workshop, requestable_workshops
from .rules import status_history, submit_request

#: Where the browser session keeps the requests sent from it, so that the thank-you page shows
#: them to the person who sent them and to nobody else.
REQUESTS_SESSION_KEY = "courses_session_requests"


REMEMBERED_REQUESTS = 10


def session_request_form(request, page):
    """The request form of a ``SessionRequestPage``: show it, or record the request sent.

    ``?workshop=<slug>`` chooses a workshop offered on request; otherwise the page's own choice.
    """
    initial = {}
    workshops = requestable_workshops()
    chosen = None
    if (slug := request.GET.get("workshop")) and slug_re.fullmatch(slug):
        # The slug of the workshop's page in any language.
        pages = WorkshopPage.objects.filter(slug=slug).values("translation_key")
        chosen = workshops.filter(translation_key__in=pages).first()
    if chosen is None and page.default_workshop_id:
        chosen = requestable_workshop(workshops, page.default_workshop)
    if chosen is not None:
        initial["workshop"] = chosen.pk
    participant = participant_of(request.user)
    if participant is not None:
        initial.update(
            contact_name=participant.name,
            email=participant.email,
            local=local_choice_label(participant.local) if participant.local else "",
        )

    form = SessionRequestForm(
        request.POST if request.method == "POST" else None, initial=initial, workshops=workshops
    )
    context = {
        "form": form,
        "has_workshops": workshops.exists(),
    }
    if request.method == "POST":
        limited = hit_all(
            request,
            ("request_form.client", None),
            ("request_form.address", request.POST.get("email", "")[:254]),
        )
        if limited is not None:
            response = page.render(
                request,
                template="courses/requests/request_form.html",
                context_overrides={**context, "rate_limited": limited},
            )
            response.status_code = 429
            response["Retry-After"] = str(limited.retry_after)
            return response
        if form.is_valid():
            if form.is_bot():
                # Answer as if it went through, so that the program learns nothing.
                return redirect(page.get_url(request) + page.reverse_subpage("thanks"))
            session_request = submit_request(
                **form.request_fields(), site=Site.find_for_request(request), user=request.user
            )
            remembered = request.session.get(REQUESTS_SESSION_KEY, [])
            remembered = [*remembered, session_request.pk][-REMEMBERED_REQUESTS:]
            request.session[REQUESTS_SESSION_KEY] = remembered
            return redirect(page.get_url(request) + page.reverse_subpage("thanks"))

    return page.render(
        request, template="courses/requests/request_form.html", context_overrides=context
    )


def session_request_thanks(request, page):
    """The request just sent from this browser: its reference and where to follow it."""
    remembered = request.session.get(REQUESTS_SESSION_KEY, [])
    session_request = (
        SessionRequest.objects.filter(pk__in=remembered)
        .select_related("workshop", "local")
        .order_by("-created_at", "-pk")
        .first()
    )
    if session_request is None:
        return redirect(page.get_url(request))
    return page.render(
        request,
        template="courses/requests/request_thanks.html",
        context_overrides={
            "session_request": session_request,
            "status_url": reverse(
                "courses:request_status", args=[request_status_token(session_request)]
            ),
        },
    )


@never_cache
def request_status(request, token):
    """Where one request stands, for whoever holds its private link (sent in every email)."""
    limited = hit(request, "link.client")
    if limited is not None:
        return rate_limited_response(request, limited)
    request_id, expired = request_from_status_token(token)
    session_request = None
    if request_id is not None:
        session_request = (
            SessionRequest.objects.select_related("workshop", "local", "session")
            .prefetch_related("session__parts")
            .filter(pk=request_id)
            .first()
        )
    contact_email = education_contact_email(Site.find_for_request(request))
    if session_request is None:
        return render(
            request,
            "courses/requests/status_invalid.html",
            {"contact_email": contact_email},
            status=404,
        )
    if expired:
        return render(
            request,
            "courses/requests/status_expired.html",
            {"session_request": session_request, "contact_email": contact_email},
            status=410,
        )
    session = session_request.session
    show_session = session is not None and session_request.status in (
        RequestStatus.SCHEDULED,
        RequestStatus.DELIVERED,
    )
    return render(
        request,
        "courses/requests/status.html",
        {
            "session_request": session_request,
            "history": status_history(session_request),
            "session": session if show_session else None,
            "contact_email": contact_email,
        },
    )
