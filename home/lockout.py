"""Locking out password log-ins after repeated failures (django-axes), configured by the
``AXES_*`` settings.

Staff and facilitators sign in with a password at /admin/login/. After ``AXES_FAILURE_LIMIT``
failures in a row for one username from one client (the network address given by
``courses.ratelimits.client_ip``), that username is locked out for that client until
``AXES_COOLOFF_TIME`` has passed since the last failure, or until staff lift the lockout in the
admin: even the right password is refused meanwhile. Somebody else, or the same person on
another network, is not affected, so that nobody can lock a colleague out from afar.

Members' sign-in links are not password log-ins: they are never counted nor locked here (they
have their own rate limit).
"""

import logging
import math

from django.db.models import Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from wagtail.log_actions import log

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt

from courses.ratelimits import client_ip

logger = logging.getLogger(__name__)

LIFT_ACTION = "home.lift_lockout"


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a password log-in while its username is locked out for the client asking.

    It signs nobody in itself: the backends after it check the password. Without a request
    (a management command, the test client's ``login``) there is no client to lock out, and
    the other backends decide alone.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def is_not_a_password_log_in(request, credentials):
    """Whether this attempt is something other than a password log-in (a sign-in link), which
    is neither counted nor locked out. ``AXES_WHITELIST_CALLABLE``."""
    return not (credentials or {}).get("password")


def seconds_until_unlocked(username, ip_address, request=None):
    """How long until ``username`` may sign in again from ``ip_address``: the cool-off time
    after the last failure. None when lockouts never end by themselves."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    if last is None:
        return math.ceil(cool_off.total_seconds())
    return max(1, math.ceil((last + cool_off - timezone.now()).total_seconds()))


def lockout_message(seconds):
    if seconds is None:
        return gettext(
            "Too many failed sign-ins with this username from your network. For your "
            "security, signing in is paused: ask the education team to lift the lockout."
        )
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed sign-ins with this username from your network. For your security, "
        "signing in is paused: please try again in %(minutes)d minute, or ask the education "
        "team to lift the lockout.",
        "Too many failed sign-ins with this username from your network. For your security, "
        "signing in is paused: please try again in %(minutes)d minutes, or ask the education "
        "team to lift the lockout.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked-out log-in (``AXES_LOCKOUT_CALLABLE``): status 429 with
    ``Retry-After``, in the person's language.

    At the log-in page, it is that page again with the username typed and the message in
    place of the form's error; anywhere else, a page that says the same.
    """
    username = get_client_username(request, credentials) or ""
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    seconds = seconds_until_unlocked(username, ip_address, request)
    message = lockout_message(seconds)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    template_name = getattr(original_response, "template_name", None)
    if form is not None and form.is_bound and template_name:
        form.errors.clear()
        form.add_error(None, message)
        response = TemplateResponse(request, template_name, context, status=429)
        response.render()
    else:
        response = render(request, "home/locked_out.html", {"message": message}, status=429)
    if seconds is not None:
        response["Retry-After"] = str(seconds)
    return response


# What the admin shows and does


def with_lockout_status(queryset, now=None):
    """``queryset`` of attempts, each annotated with ``recent_failures``: the failures of its
    username from its network address that still count (those within the cool-off time)."""
    cool_off = get_cool_off()
    recent = AccessAttempt.objects.filter(
        username=OuterRef("username"), ip_address=OuterRef("ip_address")
    )
    if cool_off is not None:
        recent = recent.filter(attempt_time__gte=(now or timezone.now()) - cool_off)
    total = (
        recent.order_by()
        .values("username", "ip_address")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return queryset.annotate(recent_failures=Coalesce(Subquery(total[:1]), 0))


def is_locked(attempt):
    """Whether the username and address of ``attempt`` (annotated by
    :func:`with_lockout_status`) are locked out."""
    return attempt.recent_failures >= get_failure_limit(None, None)


def same_client(attempt):
    """Every attempt with the username and network address of ``attempt``, whatever the
    browser: together they make one lockout."""
    attempts = AccessAttempt.objects.all()
    for field in ("username", "ip_address"):
        value = getattr(attempt, field)
        attempts = attempts.filter(
            **({field: value} if value is not None else {f"{field}__isnull": True})
        )
    return attempts


def lift(attempt, user):
    """Lift the lockout of ``attempt``'s username from its address: forget their failures.
    Logged in Wagtail's history, with who did it."""
    data = {"username": attempt.username, "ip_address": attempt.ip_address}
    log(
        instance=attempt,
        action=LIFT_ACTION,
        user=user,
        title=f"{attempt.username} ({attempt.ip_address})",
        data=data,
    )
    count, _ = same_client(attempt).delete()
    logger.info(
        "Sign-in lockout lifted by %s for %s from %s (%d records).",
        user.get_username(),
        attempt.username,
        attempt.ip_address,
        count,
    )
    return count
