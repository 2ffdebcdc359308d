"""Public views of the courses app: enrolling, cancelling, accepting a place offered, signing
in by link, My learning and its calendar feed, the public calendar feeds, and the requests
locals make for tailored sessions."""

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
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

from ..choices import EnrollmentStatus, SessionStatus
from ..models import (
    Enrollment,
    Participant,
    Program,
    Session,
    WorkshopIndexPage,
    WorkshopPage,
    show_in_language,
)
from ..ratelimits import hit, hit_all, rate_limited_response
from ..validators import fits_key
from . import tasks
from .calendar import session_calendar
from .confirmation import (
    LinkInvalid,
    ask_to_enrol,
    confirm,
    confirmation_max_age,
    details_for,
    pending_from_token,
)
from .emails import (
    cancel_token,
    enrollment_from_cancel_token,
    enrollment_from_offer_token,
    offer_token,
)
from .enrollment import (
    AlreadyEnrolled,
    EnrollmentError,
    OfferClosed,
    RegistrationClosed,
    accept_offer,
    cancel,
    check_registration_open,
    enrol,
    lapse_offers,
    update_own_details,
    waitlist_position,
)
from .feeds import (
    feed_token,
    participant_from_feed_token,
    personal_feed,
    public_feed,
    public_sessions,
    renew_feed_link,
)
from .forms import (
    ConfirmEnrolmentForm,
    EnrolForm,
    MyDetailsForm,
    SignedInEnrolForm,
    SignInForm,
    local_choice_label,
)
from .signin import (
    account_for,
    link_max_age_minutes,
    safe_next_url,
    user_from_link,
    uses_password,
)

#: Where the browser session keeps the enrolments made in it, so that the result page shows
#: them to the person who enrolled and to nobody else.
ENROLMENTS_SESSION_KEY = "courses_enrolments"


REMEMBERED_ENROLMENTS = 20


#: The address the last enrolment form of this browser was sent for, to say where to look.
ENROL_REQUESTED_SESSION_KEY = "courses_enrol_requested"


def _session_or_404(session_id):
    """A session of a live workshop, with what its pages show about it: ``shown_workshop`` is
    its workshop's page in the reader's language (see :func:`_show_workshop`)."""
    session = get_object_or_404(
        Session.objects.with_counts()
        .select_related("workshop__locale", "restricted_to_local")
        .prefetch_related("parts"),
        pk=session_id,
    )
    if not session.workshop.live:
        raise Http404
    return _show_workshop(session)


def _show_workshop(session):
    """Set ``session.shown_workshop``: its workshop's page in the active language, or the page
    it was scheduled on when the workshop is not translated (its title then marked with its own
    language, which the session's workshop should come with: ``workshop__locale``). Looked up
    once per page, whatever else the page shows."""
    session.shown_workshop = session.workshop.in_language()
    return session


def participant_of(user):
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(user=user).select_related("local").first()


def _remember_enrolment(request, enrollment):
    remembered = request.session.get(ENROLMENTS_SESSION_KEY, [])
    request.session[ENROLMENTS_SESSION_KEY] = [*remembered, enrollment.pk][-REMEMBERED_ENROLMENTS:]


def _enrol_context(session, form, **extra):
    return {
        "session": session,
        "workshop": session.shown_workshop,
        "form": form,
        "registration_open": session.is_registration_open(),
        **extra,
    }


def enrol_form(request, session_id):
    """Enrol in a session (or join its waitlist).

    A signed-in member enrols in one click. Anyone else gives their details and gets an email
    at the address they typed with a link to confirm the place: nothing is booked until the
    owner of the address confirms (``courses.sessions.confirmation``). The answer to the form is the
    same whatever the state of the address.
    """
    session = _session_or_404(session_id)
    participant = participant_of(request.user)
    if participant is not None:
        return _enrol_signed_in(request, session, participant)

    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        limited = hit_all(
            request,
            ("enrol.client", None),
            ("enrol.address", request.POST.get("email", "")[:254]),
        )
        if limited is not None:
            return rate_limited_response(
                request, limited, "courses/enrol.html", _enrol_context(session, form)
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form.is_bot():
                    # The same answer as a person gets, and nothing sent.
                    check_registration_open(session)
                else:
                    ask_to_enrol(
                        session.pk,
                        email=data["email"],
                        name=data["name"],
                        local=data["local"],
                        preferred_language=data["preferred_language"],
                        accessibility_needs=data["accessibility_needs"],
                        childcare_needs=data["childcare_needs"],
                    )
            except RegistrationClosed as error:
                form.add_error(None, error.message)
                return render(
                    request,
                    "courses/enrol.html",
                    _enrol_context(session, form, registration_open=False),
                )
            request.session[ENROL_REQUESTED_SESSION_KEY] = data["email"]
            return redirect("courses:enrol_requested", session_id=session.pk)
    return render(request, "courses/enrol.html", _enrol_context(session, form))


def _enrol_signed_in(request, session, participant):
    form = SignedInEnrolForm(request.POST if request.method == "POST" else None)
    registration_open = session.is_registration_open()
    already_enrolled = None
    if request.method == "POST":
        limited = hit(request, "enrol.client")
        if limited is not None:
            return rate_limited_response(
                request,
                limited,
                "courses/enrol.html",
                _enrol_context(session, form, participant=participant),
            )
        if form.is_valid():
            try:
                result = enrol(
                    session.pk,
                    participant.pk,
                    accessibility_needs=form.cleaned_data["accessibility_needs"],
                    childcare_needs=form.cleaned_data["childcare_needs"],
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
                _remember_enrolment(request, result.enrollment)
                return redirect("courses:enrol_result", session_id=session.pk)
    return render(
        request,
        "courses/enrol.html",
        _enrol_context(
            session,
            form,
            participant=participant,
            registration_open=registration_open,
            already_enrolled=already_enrolled,
        ),
    )


def enrol_requested(request, session_id):
    """After the form: look in your inbox. Says the same whatever the address's state."""
    session = _session_or_404(session_id)
    email = request.session.get(ENROL_REQUESTED_SESSION_KEY)
    if not email:
        return redirect("courses:enrol", session_id=session.pk)
    return render(
        request,
        "courses/enrol_requested.html",
        {
            "session": session,
            "workshop": session.shown_workshop,
            "email": email,
            "max_age_hours": max(1, round(confirmation_max_age() / 3600)),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_enrolment(request, token):
    """The page behind the link emailed to confirm an enrolment: it shows the details and a
    "Confirm my place" button. Only pressing it (a POST) books the place, so that mail
    scanners opening the link change nothing.

    Confirming proves the address, so it also signs the member in (unless someone is already
    signed in in this browser, or the address belongs to staff, who use their password).
    """
    limited = hit(request, "link.client")
    if limited is not None:
        return rate_limited_response(request, limited)
    try:
        pending = pending_from_token(token)
    except LinkInvalid as error:
        return render(
            request, "courses/confirm_invalid.html", {"message": error.message}, status=404
        )
    if not pending.session.workshop.live:
        raise Http404
    if request.method == "POST":
        # Pressing the button reads only what booking needs; the page is put together only
        # when it is shown again (a mistake in the form, a refusal).
        form = ConfirmEnrolmentForm(request.POST)
        if form.is_valid():
            try:
                result = confirm(pending.pk, **form.cleaned_data)
            except LinkInvalid as error:
                return render(
                    request, "courses/confirm_invalid.html", {"message": error.message}, status=404
                )
            except EnrollmentError as error:
                return render(
                    request,
                    "courses/confirm_refused.html",
                    {**_confirm_context(pending, form), "refusal": error.message},
                )
            _remember_enrolment(request, result.enrollment)
            _sign_in_confirmed(request, result.enrollment.participant)
            return redirect("courses:enrol_result", session_id=pending.session_id)
        return render(request, "courses/confirm_enrolment.html", _confirm_context(pending, form))
    participant, details = details_for(pending)
    initial = {
        "name": details["name"],
        "local": local_choice_label(details["local"]) if details["local"] else "",
        "preferred_language": details["preferred_language"],
        # What a stranger may have typed is not put before a member we know.
        "accessibility_needs": "" if participant is not None else pending.accessibility_needs,
        "childcare_needs": "" if participant is not None else pending.childcare_needs,
    }
    form = ConfirmEnrolmentForm(initial=initial)
    return render(
        request,
        "courses/confirm_enrolment.html",
        _confirm_context(pending, form, known=participant is not None),
    )


def _confirm_context(pending, form, known=None):
    session = _session_or_404(pending.session_id)
    if known is None:
        known = Participant.objects.with_email(pending.email).exists()
    return {
        "session": session,
        "workshop": session.shown_workshop,
        "pending": pending,
        "known": known,
        "form": form,
    }


def _sign_in_confirmed(request, participant):
    if request.user.is_authenticated:
        return
    user, created = account_for(participant)
    # An account made a moment ago has no permissions to look up: it never uses a password.
    if user is not None and (created or not uses_password(user)):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")


def enrol_result(request, session_id):
    """What became of an enrolment made in this browser: confirmed, or waitlisted at position N."""
    remembered = request.session.get(ENROLMENTS_SESSION_KEY, [])
    enrollment = (
        Enrollment.objects.filter(pk__in=remembered, session_id=session_id)
        .select_related("participant", "session__workshop__locale")
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
            "workshop": _show_workshop(enrollment.session).shown_workshop,
            "position": waitlist_position(enrollment),
            "signed_in_as_owner": request.user.is_authenticated
            and enrollment.participant.user_id == request.user.pk,
        },
    )


def calendar_file(request, session_id):
    """The session as an iCalendar file, for anyone: without an online session's meeting link,
    which only confirmed participants get (:func:`my_calendar_file`)."""
    session = get_object_or_404(
        Session.objects.select_related("workshop").prefetch_related("parts"), pk=session_id
    )
    return _calendar_response(session, include_meeting_link=False)


def _calendar_response(session, *, include_meeting_link):
    response = HttpResponse(
        session_calendar(session, include_meeting_link=include_meeting_link),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{session.workshop.slug}.ics"
    )
    return response


def _enrollment_of_link(enrollment_id):
    """The enrolment a signed link names (None for a link that names none or a deleted one),
    with what its page shows."""
    if enrollment_id is None:
        return None
    return (
        Enrollment.objects.select_related("participant", "session__workshop__locale")
        .prefetch_related("session__parts")
        .filter(pk=enrollment_id)
        .first()
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel_by_link(request, token):
    """Cancel an enrolment from the signed link in its emails, after the member confirms."""
    limited = hit(request, "link.client")
    if limited is not None:
        return rate_limited_response(request, limited)
    enrollment = _enrollment_of_link(enrollment_from_cancel_token(token))
    if enrollment is None:
        return render(request, "courses/cancel_invalid.html", status=404)

    can_cancel = enrollment.member_can_cancel()
    workshop = _show_workshop(enrollment.session).shown_workshop
    if request.method == "POST" and can_cancel:
        was_waitlisted = enrollment.status in (
            EnrollmentStatus.WAITLISTED,
            EnrollmentStatus.OFFERED,
        )
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
                "workshop": workshop,
                "was_waitlisted": was_waitlisted,
            },
        )
    return render(
        request,
        "courses/cancel_confirm.html",
        {
            "enrollment": enrollment,
            "session": enrollment.session,
            "workshop": workshop,
            "can_cancel": can_cancel,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def accept_offer_link(request, token):
    """The page behind the link emailed with a place offered: the session, until when the
    place is kept, and an "Accept the place" button. Only pressing it (a POST) takes the place,
    so that mail scanners opening the link change nothing."""
    limited = hit(request, "link.client")
    if limited is not None:
        return rate_limited_response(request, limited)
    enrollment = _enrollment_of_link(enrollment_from_offer_token(token))
    if enrollment is None:
        return render(request, "courses/offer.html", {"state": "invalid"}, status=404)
    refusal = None
    if request.method == "POST":
        try:
            accept_offer(enrollment.pk)
        except OfferClosed as error:
            refusal = error.message
        enrollment.refresh_from_db()
    now = timezone.now()
    if enrollment.status == EnrollmentStatus.CONFIRMED:
        state = "accepted"
    elif (
        enrollment.status == EnrollmentStatus.OFFERED
        and enrollment.offered_until is not None
        and enrollment.offered_until > now
        and enrollment.session.status == SessionStatus.SCHEDULED
    ):
        state = "open"
    else:
        state = "closed"
    return render(
        request,
        "courses/offer.html",
        {
            "state": state,
            "refusal": refusal,
            "enrollment": enrollment,
            "session": enrollment.session,
            "workshop": _show_workshop(enrollment.session).shown_workshop,
            "cancel_url": reverse("courses:cancel_enrollment", args=[cancel_token(enrollment)]),
        },
    )


def sign_in(request):
    """Ask for a sign-in link by email. The answer never tells whether the address is known."""
    next_url = safe_next_url(
        request.POST.get("next") or request.GET.get("next"), reverse("courses:my_learning")
    )
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        limited = hit_all(
            request,
            ("sign_in.client", None),
            ("sign_in.address", request.POST.get("email", "")[:254]),
        )
        if limited is not None:
            return rate_limited_response(
                request, limited, "courses/sign_in.html", {"form": form, "next": next_url}
            )
        if form.is_valid():
            if not form.is_bot():
                tasks.send_sign_in_email.enqueue(
                    email=form.cleaned_data["email"], next_url=next_url
                )
            return redirect("courses:sign_in_sent")
    return render(request, "courses/sign_in.html", {"form": form, "next": next_url})


def sign_in_sent(request):
    return render(request, "courses/sign_in_sent.html", {"max_age_minutes": link_max_age_minutes()})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_link(request):
    """The page a sign-in link opens: a "Sign in" button. Only pressing it (a POST) signs the
    member in and uses the link up, so that mail scanners opening the link leave it working.
    """
    next_url = safe_next_url(
        request.POST.get("next") or request.GET.get("next"), reverse("courses:my_learning")
    )
    limited = hit(request, "link.client")
    if limited is not None:
        return rate_limited_response(request, limited)
    user = user_from_link(request)
    if user is None:
        return render(
            request,
            "courses/sign_in.html",
            {"form": SignInForm(), "next": next_url, "link_failed": True},
            status=400,
        )
    if request.method == "POST":
        login(request, user)  # also spends the link: it is valid only until the next login
        return redirect(next_url)
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect(next_url)  # already signed in here: the link stays unused
    return render(
        request,
        "courses/sign_in_link.html",
        {"next": next_url, "action": request.get_full_path()},
    )


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("/")


def learning_record(participant, now=None):
    """A participant's enrolments sorted for My learning, with waitlist positions and hours.

    Costs a fixed number of queries however many enrolments there are.
    """
    now = now or timezone.now()
    enrollments = list(
        participant.enrollments.select_related("session__workshop__locale")
        .prefetch_related("session__parts")
        .order_by("session__starts_at", "pk")
    )
    upcoming, offered, waitlisted, past = [], [], [], []
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
        elif enrollment.status == EnrollmentStatus.OFFERED:
            enrollment.offer_url = reverse("courses:accept_offer", args=[offer_token(enrollment)])
            offered.append(enrollment)
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
        "offered": offered,
        "waitlisted": waitlisted,
        "past": past,
        "completed_count": len(completed),
        "hours_completed": sum(e.session.workshop.duration_hours for e in completed),
    }


def my_learning(request):
    """A signed-in member's enrolments, waitlists, past sessions and hours."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("courses:sign_in"))
    participant = participant_of(request.user)
    context = {
        "participant": participant,
        "catalogue": WorkshopIndexPage.objects.live().public().first(),
    }
    if participant is not None:
        record = learning_record(participant)
        # Offers whose time is up in the sessions this member waits for are settled now, so
        # that the page (and the next person's offer) never waits for the hourly clock.
        waiting_in = {e.session_id for e in record["offered"] + record["waitlisted"]}
        if waiting_in and lapse_offers(session_ids=waiting_in):
            record = learning_record(participant)
        # Each workshop as the reader's language has it: one query for the whole record.
        show_in_language(
            enrollment.session
            for kind in ("upcoming", "offered", "waitlisted", "past")
            for enrollment in record[kind]
        )
        context.update(record)
        context["extra_sections"] = my_learning_sections(request, participant)
        participant.user = request.user
        feed_url = request.build_absolute_uri(
            reverse("courses:my_feed", args=[feed_token(participant)])
        )
        context["feed_url"] = feed_url
        context["feed_webcal_url"] = "webcal://" + feed_url.split("://", 1)[-1]
        context["feed_renewable"] = not request.user.has_usable_password()
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
        Enrollment.objects.select_related(
            "participant", "session__workshop__locale"
        ).prefetch_related("session__parts"),
        pk=enrollment_id,
        participant__user=request.user,
    )
    workshop = _show_workshop(enrollment.session).shown_workshop
    if request.method == "GET":
        return render(
            request,
            "courses/cancel_confirm.html",
            {
                "enrollment": enrollment,
                "session": enrollment.session,
                "workshop": workshop,
                "can_cancel": enrollment.member_can_cancel(),
                "keep_url": reverse("courses:my_learning"),
            },
        )
    if not enrollment.is_active:
        messages.info(request, _("This enrolment was already cancelled."))
    else:
        was_waitlisted = enrollment.status in (
            EnrollmentStatus.WAITLISTED,
            EnrollmentStatus.OFFERED,
        )
        try:
            cancel(enrollment.pk)
        except EnrollmentError as refusal:
            messages.error(request, refusal.message)
        else:
            _tell_cancelled(request, was_waitlisted, workshop.title)
    return redirect("courses:my_learning")


def my_calendar_file(request, enrollment_id):
    """A confirmed member's own calendar file for a session: with the meeting link of an
    online session, which the public file leaves out."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("courses:my_learning"), reverse("courses:sign_in"))
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("session__workshop").prefetch_related("session__parts"),
        pk=enrollment_id,
        participant__user=request.user,
        status=EnrollmentStatus.CONFIRMED,
    )
    return _calendar_response(enrollment.session, include_meeting_link=True)


def _feed_response(content, filename, *, cache):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=filename
    )
    response["Cache-Control"] = cache
    return response


@require_http_methods(["GET", "HEAD"])
def my_feed(request, token):
    """A member's private calendar feed, for calendar apps (which send no cookie): whoever
    holds the address reads it, until the member makes a new one.

    Calendar services poll many members' feeds from a few network addresses, so reads count per
    feed address; only addresses that fail (forged or revoked) count per client."""
    participant = participant_from_feed_token(token)
    limited = hit(request, "feed.address", value=token) if participant else None
    if participant is None:
        limited = hit(request, "link.client")
    if limited is not None:
        response = HttpResponse(limited.message(), status=429, content_type="text/plain")
        response["Retry-After"] = str(limited.retry_after)
        return response
    if participant is None:
        return HttpResponse(
            _("This calendar link no longer works: My learning has the current one."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    return _feed_response(
        personal_feed(participant), "my-learning.ics", cache="private, max-age=300"
    )


@require_POST
def new_feed_link(request):
    """Make a new address for the signed-in member's calendar feed: the old one stops working."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("courses:my_learning"), reverse("courses:sign_in"))
    participant = participant_of(request.user)
    if participant is None:
        return redirect("courses:my_learning")
    participant.user = request.user
    if renew_feed_link(participant):
        update_session_auth_hash(request, request.user)  # stay signed in here
        messages.success(
            request,
            _(
                "Your calendar has a new address: the old one no longer works. Subscribe to the "
                "new one in your calendar app."
            ),
        )
    else:
        messages.info(
            request,
            _("You sign in with a password: changing it gives your calendar a new address."),
        )
    return redirect(reverse("courses:my_learning") + "#calendar-heading")


PUBLIC_FEED_CACHE = "public, max-age=900"


@require_http_methods(["GET", "HEAD"])
def workshop_feed(request, workshop_id):
    """The public calendar feed of a workshop's upcoming sessions, whichever of its pages (in
    each language) they were scheduled on and whichever page the feed is asked for by."""
    if not fits_key(WorkshopPage, workshop_id):
        raise Http404
    workshop = get_object_or_404(WorkshopPage.objects.live().public(), pk=workshop_id)
    pages = WorkshopPage.objects.live().public().filter(translation_key=workshop.translation_key)
    sessions = public_sessions().filter(workshop__in=pages)
    return _feed_response(
        public_feed(sessions, name=workshop.title),
        f"{workshop.slug}.ics",
        cache=PUBLIC_FEED_CACHE,
    )


@require_http_methods(["GET", "HEAD"])
def program_feed(request, slug):
    """The public calendar feed of the upcoming sessions of a program's workshops, named in the
    reader's language."""
    program = get_object_or_404(Program.objects.in_default_language(), slug=slug)
    workshops = WorkshopPage.objects.live().public().filter(program=program)
    sessions = public_sessions().filter(workshop__in=workshops)
    return _feed_response(
        public_feed(sessions, name=program.shown.title),
        f"{program.slug}.ics",
        cache=PUBLIC_FEED_CACHE,
    )


@require_http_methods(["GET", "POST"])
def my_details(request):
    """A signed-in member's name, local and language: only they (and staff) change them.

    A new local is recorded but not confirmed: the union confirms membership of a local, so
    changing it here does not open sessions restricted to that local.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("courses:sign_in"))
    participant = participant_of(request.user)
    if participant is None:
        return redirect("courses:my_learning")
    initial = {
        "name": participant.name,
        "local": local_choice_label(participant.local) if participant.local else "",
        "preferred_language": participant.preferred_language,
    }
    form = MyDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = update_own_details(participant, **form.cleaned_data)
        if changed:
            messages.success(request, _("Your details are saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("courses:my_learning")
    return render(
        request,
        "courses/my_details.html",
        {
            "participant": participant,
            "form": form,
        },
    )


def _tell_cancelled(request, was_waitlisted, title):
    if was_waitlisted:
        message = _("You left the waitlist for “%(workshop)s”.")
    else:
        message = _("Your enrolment in “%(workshop)s” is cancelled.")
    messages.success(request, message % {"workshop": title})
