"""Self check-in pages: the facilitator's screen with the check-in code, and the pages a
participant reaches by scanning a code or from the link emailed to them.

The rules are in ``facilitators.checkin``. Every page that reads a code or a link counts
against the ``check_in.client`` rate limit, and asking for a link by email against
``check_in_email.client`` and ``check_in_email.address``. A refusal is a page that says why,
with a 4xx status.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from courses.attendance.rules import by_day, can_take_attendance, local_moment, part_label
from courses.choices import EnrollmentStatus
from courses.ratelimits import hit, hit_all, rate_limited_response
from courses.timezones import zone_abbreviation

from . import checkin, tasks
from .checkin_forms import CheckInEmailForm
from .choices import CheckInMethod
from .views import LOGIN_URL, refuse_impossible_id

CHECK_IN_TEMPLATE = "facilitators/check_in/check_in.html"


def _local_time(session, moment):
    """A time of the session's day, as a clock shows it: "10:05 a.m. ET"."""
    local = session.local(moment)
    return f"{time_format(local)} {zone_abbreviation(local)}"


def _day_label(session, window):
    """For a session of several parts, the part checked in to ("Day 2: Tuesday, May 13")."""
    if window is None or window.part is None:
        return ""
    return part_label(session, window.part)


def _session_context(session, window=None):
    return {
        "session": session,
        # The workshop's title in the page's language.
        "workshop": session.workshop.in_language(),
        "day_label": _day_label(session, window),
    }


def _refused(request, refusal):
    context = {"refusal": refusal}
    if refusal.session is not None:
        context.update(_session_context(refusal.session))
    return render(request, "facilitators/check_in/refused.html", context, status=refusal.status)


def _done(request, session, window, result):
    return render(
        request,
        "facilitators/check_in/done.html",
        {
            **_session_context(session, window),
            "already": not result.created,
            "checked_in_at": _local_time(session, result.check_in.checked_in_at),
        },
    )


# The facilitator's screen


@never_cache
@require_safe
def check_in_code(request, session_id):
    """The session's rotating check-in code as a large QR code, for participants to scan,
    for those who take its attendance. It loads again by itself when the code changes."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), LOGIN_URL)
    refuse_impossible_id(session_id)
    session = get_object_or_404(checkin.sessions_for_check_in(), pk=session_id)
    if not can_take_attendance(request.user, session):
        raise PermissionDenied
    screen = checkin.code_screen(session)
    context = {
        **_session_context(session, screen.window),
        "screen": screen,
        "several_days": by_day(list(session.parts.all())),
        "step_minutes": max(1, checkin.code_step() // 60),
    }
    if screen.code is not None:
        context["qr"] = mark_safe(checkin.qr_svg(screen.url))  # noqa: S308 -- made by segno
        context["valid_until"] = _local_time(session, screen.valid_until)
    return render(request, "facilitators/check_in/code.html", context)


# What participants see


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check_in(request, code):
    """The page a check-in code leads to.

    A member signed in with a confirmed place in the session gets a "Check in" button (a
    POST checks in; opening the page does not). Anyone else is asked for their email address
    and answered the same whatever it is: the address is emailed a link if it is on the list.
    """
    limited = hit(request, "check_in.client")
    if limited is not None:
        return rate_limited_response(request, limited)
    try:
        scanned = checkin.scan(code)
    except checkin.CheckInRefused as refusal:
        return _refused(request, refusal)
    if request.user.is_authenticated:
        return _check_in_signed_in(request, scanned)
    return _ask_for_email(request, scanned)


def _check_in_signed_in(request, scanned):
    session, window = scanned.session, scanned.window
    enrollment = checkin.enrollment_of(request.user, session)
    if enrollment is None:
        return _refused(request, checkin.NotOnList(checkin.not_on_list_message(), session))
    if request.method == "POST":
        try:
            result = checkin.check_in(
                enrollment.pk,
                method=CheckInMethod.SIGNED_IN,
                code_kind=scanned.code.kind,
                user=request.user,
            )
        except checkin.CheckInRefused as refusal:
            return _refused(request, refusal)
        return _done(request, session, window, result)
    existing = checkin.check_in_of(enrollment, window)
    if existing is not None:
        return _done(request, session, window, checkin.CheckedIn(existing, created=False))
    return render(
        request,
        CHECK_IN_TEMPLATE,
        {**_session_context(session, window), "enrollment": enrollment, "action": request.path},
    )


def _ask_for_email(request, scanned):
    session = scanned.session
    form = CheckInEmailForm(request.POST if request.method == "POST" else None)
    context = {**_session_context(session, scanned.window), "form": form, "action": request.path}
    if request.method == "POST":
        limited = hit_all(
            request,
            ("check_in_email.client", None),
            ("check_in_email.address", request.POST.get("email", "")[:254]),
        )
        if limited is not None:
            return rate_limited_response(request, limited, CHECK_IN_TEMPLATE, context)
        if form.is_valid():
            if not form.is_bot():
                tasks.send_check_in_link.enqueue(
                    session_id=session.pk,
                    email=form.cleaned_data["email"],
                    code_kind=str(scanned.code.kind),
                )
            return redirect("facilitators:check_in_sent", code=str(scanned.code))
    return render(request, CHECK_IN_TEMPLATE, context)


@never_cache
@require_safe
def check_in_sent(request, code):
    """What anyone who asked for a check-in link is told, whether or not their address is on
    the list (so that nobody learns who is)."""
    back_url = None
    if checkin.looks_like_code(code):
        back_url = reverse("facilitators:check_in", args=[code.strip().lower()])
    return render(request, "facilitators/check_in/sent.html", {"back_url": back_url})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check_in_link(request, token):
    """The page an emailed check-in link opens: a "Check in" button. Only pressing it (a
    POST) checks in, so that mail scanners opening the link check nobody in."""
    limited = hit(request, "check_in.client")
    if limited is not None:
        return rate_limited_response(request, limited)
    try:
        link = checkin.read_link(token)
        enrollment = link.enrollment
        session = enrollment.session
        if enrollment.status != EnrollmentStatus.CONFIRMED:
            raise checkin.NotOnList(checkin.not_on_list_message(), session)
        window = checkin.open_window(session)
    except checkin.CheckInRefused as refusal:
        return _refused(request, refusal)
    if request.method == "POST":
        try:
            result = checkin.check_in(
                enrollment.pk, method=CheckInMethod.EMAIL_LINK, code_kind=link.code_kind
            )
        except checkin.CheckInRefused as refusal:
            return _refused(request, refusal)
        return _done(request, session, window, result)
    existing = checkin.check_in_of(enrollment, window)
    if existing is not None:
        return _done(request, session, window, checkin.CheckedIn(existing, created=False))
    return render(
        request,
        CHECK_IN_TEMPLATE,
        {
            **_session_context(session, window),
            "enrollment": enrollment,
            "action": request.path,
            "valid_until": local_moment(session, link.valid_until),
        },
    )
