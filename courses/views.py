"""Public views of the courses app: enrolling, cancelling, signing in by link, My learning, and
the requests locals make for tailored sessions."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from wagtail import hooks
from wagtail.models import Site

from . import tasks
from .calendar import session_calendar
from .choices import EnrollmentStatus, RequestStatus, SessionStatus
from .emails import (
    education_contact_email,
    enrollment_from_cancel_token,
    request_from_status_token,
    request_status_token,
)
from .enrollment import (
    AlreadyEnrolled,
    EnrollmentError,
    RegistrationClosed,
    cancel,
    enrol_person,
    waitlist_position,
)
from .forms import EnrolForm, SignInForm, local_choice_label
from .models import (
    Enrollment,
    Local,
    Participant,
    Session,
    SessionRequest,
    WorkshopIndexPage,
)
from .request_forms import SessionRequestForm, requestable_workshops
from .requests import status_history, submit_request
from .signin import link_max_age_minutes, safe_next_url, user_from_link

#: Where the browser session keeps the enrolments made in it, so that the result page shows
#: them to the person who enrolled and to nobody else.
ENROLMENTS_SESSION_KEY = "courses_enrolments"
REMEMBERED_ENROLMENTS = 20


def _session_or_404(session_id):
    """A session of a live workshop, with what its pages show about it."""
    session = get_object_or_404(
        Session.objects.with_counts()
        .select_related("workshop", "restricted_to_local")
        .prefetch_related("parts"),
        pk=session_id,
    )
    if not session.workshop.live:
        raise Http404
    return session


def _participant_of(user):
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(user=user).select_related("local").first()


# Enrolling


def enrol_form(request, session_id):
    """Show a session and take a member's enrolment in it (or on its waitlist)."""
    session = _session_or_404(session_id)
    registration_open = session.is_registration_open()
    already_enrolled = None
    participant = _participant_of(request.user)
    initial = {}
    if participant is not None:
        initial = {
            "name": participant.name,
            "email": participant.email,
            "local": local_choice_label(participant.local) if participant.local else "",
            "preferred_language": participant.preferred_language,
        }
    form = EnrolForm(request.POST if request.method == "POST" else None, initial=initial)

    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = enrol_person(
                session.pk,
                name=data["name"],
                email=data["email"],
                local=data["local"],
                preferred_language=data["preferred_language"],
                accessibility_needs=data["accessibility_needs"],
                childcare_needs=data["childcare_needs"],
            )
        except AlreadyEnrolled as error:
            form.add_error(None, error.message)
            already_enrolled = error.enrollment
        except RegistrationClosed as error:
            form.add_error(None, error.message)
            registration_open = False
        except EnrollmentError as error:
            form.add_error(None, error.message)
        else:
            remembered = request.session.get(ENROLMENTS_SESSION_KEY, [])
            remembered = [*remembered, result.enrollment.pk][-REMEMBERED_ENROLMENTS:]
            request.session[ENROLMENTS_SESSION_KEY] = remembered
            return redirect("courses:enrol_result", session_id=session.pk)

    return render(
        request,
        "courses/enrol.html",
        {
            "session": session,
            "workshop": session.workshop,
            "form": form,
            "registration_open": registration_open,
            "already_enrolled": already_enrolled,
            "locals": Local.objects.only("number", "name"),
        },
    )


def enrol_result(request, session_id):
    """What became of an enrolment made in this browser: confirmed, or waitlisted at position N."""
    remembered = request.session.get(ENROLMENTS_SESSION_KEY, [])
    enrollment = (
        Enrollment.objects.filter(pk__in=remembered, session_id=session_id)
        .select_related("participant", "session__workshop")
        .prefetch_related("session__parts")
        .order_by("-created_at", "-pk")
        .first()
    )
    if enrollment is None:
        return redirect("courses:enrol", session_id=session_id)
    return render(
        request,
        "courses/enrol_result.html",
        {
            "enrollment": enrollment,
            "session": enrollment.session,
            "workshop": enrollment.session.workshop,
            "position": waitlist_position(enrollment),
        },
    )


def calendar_file(request, session_id):
    """The session as an iCalendar file, to add it to a calendar."""
    session = get_object_or_404(
        Session.objects.select_related("workshop").prefetch_related("parts"), pk=session_id
    )
    response = HttpResponse(session_calendar(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{session.workshop.slug}.ics"
    )
    return response


# Cancelling from the link in an email


def cancel_by_link(request, token):
    """Cancel an enrolment from the signed link in its emails, after the member confirms."""
    enrollment_id = enrollment_from_cancel_token(token)
    enrollment = None
    if enrollment_id is not None:
        enrollment = (
            Enrollment.objects.select_related("participant", "session__workshop")
            .prefetch_related("session__parts")
            .filter(pk=enrollment_id)
            .first()
        )
    if enrollment is None:
        return render(request, "courses/cancel_invalid.html", status=404)

    can_cancel = enrollment.member_can_cancel()
    if request.method == "POST" and can_cancel:
        was_waitlisted = enrollment.status == EnrollmentStatus.WAITLISTED
        try:
            cancel(enrollment.pk)
        except EnrollmentError:  # the session started a moment ago
            return redirect(request.path)
        return render(
            request,
            "courses/cancel_done.html",
            {
                "enrollment": enrollment,
                "session": enrollment.session,
                "workshop": enrollment.session.workshop,
                "was_waitlisted": was_waitlisted,
            },
        )
    return render(
        request,
        "courses/cancel_confirm.html",
        {
            "enrollment": enrollment,
            "session": enrollment.session,
            "workshop": enrollment.session.workshop,
            "can_cancel": can_cancel,
        },
    )


# Signing in by emailed link


def sign_in(request):
    """Ask for a sign-in link by email. The answer never tells whether the address is known."""
    next_url = safe_next_url(
        request.POST.get("next") or request.GET.get("next"), reverse("courses:my_learning")
    )
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        tasks.send_sign_in_email.enqueue(email=form.cleaned_data["email"], next_url=next_url)
        return redirect("courses:sign_in_sent")
    return render(request, "courses/sign_in.html", {"form": form, "next": next_url})


def sign_in_sent(request):
    return render(request, "courses/sign_in_sent.html", {"max_age_minutes": link_max_age_minutes()})


def sign_in_link(request):
    """Log in the member a sign-in link is for, then send them on; a spent link says so."""
    next_url = safe_next_url(request.GET.get("next"), reverse("courses:my_learning"))
    user = user_from_link(request)
    if user is None:
        return render(
            request,
            "courses/sign_in.html",
            {"form": SignInForm(), "next": next_url, "link_failed": True},
            status=400,
        )
    login(request, user)  # also spends the link: it is valid only until the next login
    return redirect(next_url)


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("/")


# My learning


def learning_record(participant, now=None):
    """A participant's enrolments sorted for My learning, with waitlist positions and hours.

    Costs a fixed number of queries however many enrolments there are.
    """
    now = now or timezone.now()
    enrollments = list(
        participant.enrollments.select_related("session__workshop")
        .prefetch_related("session__parts")
        .order_by("session__starts_at", "pk")
    )
    upcoming, waitlisted, past = [], [], []
    for enrollment in enrollments:
        session = enrollment.session
        over = session.status != SessionStatus.SCHEDULED or session.ends_at <= now
        if session.status == SessionStatus.CANCELLED:
            past.append(enrollment)
        elif enrollment.status == EnrollmentStatus.CANCELLED:
            continue  # the member cancelled: nothing to show
        elif over:
            if enrollment.status == EnrollmentStatus.CONFIRMED:
                past.append(enrollment)
        elif enrollment.status == EnrollmentStatus.CONFIRMED:
            upcoming.append(enrollment)
        else:
            waitlisted.append(enrollment)
        enrollment.can_cancel = enrollment.member_can_cancel(now)
    past.reverse()  # most recent first

    positions = {}
    if waitlisted:
        queue = Enrollment.objects.filter(
            session_id__in={e.session_id for e in waitlisted}, status=EnrollmentStatus.WAITLISTED
        ).order_by("session_id", "created_at", "pk")
        previous_session, position = None, 0
        for pk, session_id in queue.values_list("pk", "session_id"):
            position = position + 1 if session_id == previous_session else 1
            previous_session = session_id
            positions[pk] = position
    for enrollment in waitlisted:
        enrollment.position = positions.get(enrollment.pk)

    completed = [e for e in past if e.completed]
    return {
        "upcoming": upcoming,
        "waitlisted": waitlisted,
        "past": past,
        "completed_count": len(completed),
        "hours_completed": sum(e.session.workshop.duration_hours for e in completed),
    }


def my_learning(request):
    """A signed-in member's enrolments, waitlists, past sessions and hours."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("courses:sign_in"))
    participant = _participant_of(request.user)
    context = {
        "participant": participant,
        "catalogue": WorkshopIndexPage.objects.live().public().first(),
    }
    if participant is not None:
        context.update(learning_record(participant))
        context["extra_sections"] = my_learning_sections(request, participant)
    return render(request, "courses/my_learning.html", context)


MY_LEARNING_HOOK = "register_my_learning_section"


def my_learning_sections(request, participant):
    """HTML sections that other apps add to My learning, in hook order.

    A function registered with ``@hooks.register("register_my_learning_section")`` receives the
    request and the signed-in member's ``Participant`` and returns HTML (already escaped, for
    example from ``render_to_string``) or ``None`` to add nothing. Each function should run a
    fixed number of queries whatever the size of the member's record.
    """
    sections = []
    for section in hooks.get_hooks(MY_LEARNING_HOOK):
        html = section(request, participant)
        if html:
            sections.append(html)
    return sections


@require_http_methods(["GET", "POST"])
def my_learning_cancel(request, enrollment_id):
    """Cancel one of the signed-in member's own enrolments, or leave a waitlist.

    GET asks for confirmation; POST cancels.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("courses:my_learning"), reverse("courses:sign_in"))
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("participant", "session__workshop").prefetch_related(
            "session__parts"
        ),
        pk=enrollment_id,
        participant__user=request.user,
    )
    title = enrollment.session.workshop.title
    if request.method == "GET":
        return render(
            request,
            "courses/cancel_confirm.html",
            {
                "enrollment": enrollment,
                "session": enrollment.session,
                "workshop": enrollment.session.workshop,
                "can_cancel": enrollment.member_can_cancel(),
                "keep_url": reverse("courses:my_learning"),
            },
        )
    if not enrollment.is_active:
        messages.info(request, _("This enrolment was already cancelled."))
    else:
        was_waitlisted = enrollment.status == EnrollmentStatus.WAITLISTED
        try:
            cancel(enrollment.pk)
        except EnrollmentError as refusal:
            messages.error(request, refusal.message)
        else:
            _tell_cancelled(request, was_waitlisted, title)
    return redirect("courses:my_learning")


def _tell_cancelled(request, was_waitlisted, title):
    if was_waitlisted:
        message = _("You left the waitlist for “%(workshop)s”.")
    else:
        message = _("Your enrolment in “%(workshop)s” is cancelled.")
    messages.success(request, message % {"workshop": title})


# Requests from locals for tailored sessions

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
    if slug := request.GET.get("workshop"):
        chosen = workshops.filter(slug=slug).first()
    if chosen is None and page.default_workshop_id:
        chosen = workshops.filter(pk=page.default_workshop_id).first()
    if chosen is not None:
        initial["workshop"] = chosen.pk
    participant = _participant_of(request.user)
    if participant is not None:
        initial.update(
            contact_name=participant.name,
            email=participant.email,
            local=local_choice_label(participant.local) if participant.local else "",
        )

    form = SessionRequestForm(
        request.POST if request.method == "POST" else None, initial=initial, workshops=workshops
    )
    if request.method == "POST" and form.is_valid():
        session_request = submit_request(
            **form.request_fields(), site=Site.find_for_request(request), user=request.user
        )
        remembered = request.session.get(REQUESTS_SESSION_KEY, [])
        remembered = [*remembered, session_request.pk][-REMEMBERED_REQUESTS:]
        request.session[REQUESTS_SESSION_KEY] = remembered
        return redirect(page.get_url(request) + page.reverse_subpage("thanks"))

    return page.render(
        request,
        template="courses/requests/request_form.html",
        context_overrides={
            "form": form,
            "locals": Local.objects.only("number", "name"),
            "has_workshops": workshops.exists(),
        },
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
