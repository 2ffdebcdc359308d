"""Rate limits on the public endpoints that send email or check a secret, on the one that
suggests locals as someone types, and on the one that takes the attendance phones kept offline.

Each limit has a name and a rate ("5/h": five requests an hour). Counting is done by
django-ratelimit in Django's cache, so every web process shares the counts when the cache is
shared (Redis in production). A site changes a rate, or turns one off with ``None``, in its
``EDUCATION_RATE_LIMITS`` setting::

    EDUCATION_RATE_LIMITS = {"sign_in.address": "3/h", "certificate_lookup.client": None}

A view counts a request with :func:`hit`; when a limit is reached it answers with
:func:`rate_limited_response`: a page in the person's language, status 429, that says when to
try again and keeps what they typed (the view renders its own form again).
"""

import ipaddress
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from django_ratelimit.core import get_usage

#: The limits and their default rates. "client" limits count per network address of the
#: browser, "address" limits per email address typed, whoever types it.
DEFAULT_RATE_LIMITS = {
    # Asking for a sign-in link.
    "sign_in.client": "20/h",
    "sign_in.address": "5/h",
    # Asking to enrol in a session (each request emails the address typed).
    "enrol.client": "30/h",
    "enrol.address": "5/h",
    # Asking for a tailored session (acknowledged by email).
    "request_form.client": "10/h",
    "request_form.address": "5/d",
    # Looking up a certificate by its code.
    "certificate_lookup.client": "60/h",
    # Asking for a password reset link (staff and facilitators, at the admin).
    "password_reset.client": "10/h",
    "password_reset.address": "3/h",
    # Opening or using a private link: sign-in, enrolment confirmation, cancelling, a
    # request's status, a password reset.
    "link.client": "60/h",
    # Reading a member's private calendar feed, per feed address (calendar apps poll it; a
    # forged or revoked address counts against the client as "link.client").
    "feed.address": "30/h",
    # Checking in at a session: opening or using a check-in code or an emailed check-in link.
    # A whole room may share one network address (the venue's Wi-Fi), hence the high rate.
    "check_in.client": "300/h",
    # Asking for a check-in link by email (each request may email the address typed).
    "check_in_email.client": "100/h",
    "check_in_email.address": "5/h",
    # Suggesting locals as someone types in a form's local field: generous, since typing a
    # number or a name asks at almost every key, and a whole office may share one address.
    "local_suggestions.client": "120/m",
    # Sending the attendance a phone took offline, per facilitator: generous, since a phone
    # sends again whatever was not answered each time it finds a signal.
    "offline_sync.user": "120/m",
}


def rate(name):
    """The rate of the limit ``name`` in this site, or None when it is turned off."""
    configured = getattr(settings, "EDUCATION_RATE_LIMITS", {})
    if name in configured:
        return configured[name]
    return DEFAULT_RATE_LIMITS[name]


def client_ip(request):
    """The network address of the browser that made ``request``.

    Behind ``EDUCATION_PROXY_COUNT`` trusted proxies (each adding itself to
    ``X-Forwarded-For``), the address the outermost proxy saw; otherwise ``REMOTE_ADDR``.
    Something that is not an address there is ignored (``REMOTE_ADDR`` is used instead). An
    IPv6 client counts as its /64 network, which one household or machine usually holds whole.
    Used for rate limits and for locking out password log-ins.
    """
    address = None
    proxies = getattr(settings, "EDUCATION_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = _ip(forwarded[-proxies])
    address = address or _ip(request.META.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _ip(text):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Limited:
    """A limit that a request went over, and how long until it may try again."""

    name: str
    retry_after: int  # seconds

    @property
    def retry_at(self):
        return timezone.now() + timedelta(seconds=self.retry_after)

    @property
    def retry_after_minutes(self):
        return max(1, math.ceil(self.retry_after / 60))

    def message(self):
        """Says, in the active language, when to try again."""
        minutes = self.retry_after_minutes
        return ngettext(
            "Too many attempts in a short time. Please try again in %(minutes)d minute.",
            "Too many attempts in a short time. Please try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}


def hit(request, name, value=None):
    """Count this request against the limit ``name``; the :class:`Limited` it went over, or
    None while it is within the limit.

    ``value`` is what the limit counts per (an email address, lower-cased by this function);
    by default the client's network address.
    """
    limit = rate(name)
    if limit is None:
        return None
    key = client_ip(request) if value is None else str(value).strip().lower()
    usage = get_usage(
        request,
        group=f"education.{name}",
        key=lambda group, request: key,
        rate=limit,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return Limited(name=name, retry_after=max(1, int(usage["time_left"])))


def hit_all(request, *limits):
    """Count this request against each ``(name, value)`` pair; the first limit gone over, or
    None. Every limit is counted, so that one cannot be used to dodge another."""
    over = [hit(request, name, value) for name, value in limits]
    return next((limited for limited in over if limited is not None), None)


def rate_limited_response(request, limited, template="courses/rate_limited.html", context=None):
    """A 429 answer for ``limited``: ``template`` rendered with ``context`` (a view passes its
    own form, bound to what the person typed) and ``rate_limited``, with ``Retry-After``."""
    context = {**(context or {}), "rate_limited": limited}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response
