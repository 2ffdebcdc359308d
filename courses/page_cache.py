"""Public pages served again from the cache to visitors who are not signed in.

The home page, the catalogue and the workshop pages are read far more often than anything on
them changes. A visitor who is not signed in, asking for one with no query string, gets the
page as it was last rendered for the same address, language and site, if nothing it shows has
changed since:

- Every cached page carries the cache's *version*. Saving or deleting anything the public
  pages show (a page published, moved or made private, a seat taken or freed, a session or
  program changed, the site's settings) moves the version on once the transaction commits,
  so the next request renders afresh: places left are never staler than the next request.
- A page listing sessions expires when the first of them starts or closes its registration,
  so that nobody is offered a place that can no longer be taken.
- Signed-in people, previews, anything with a query string, and a response that sets a cookie
  or uses a form's security token are never cached, and never served from the cache.

:class:`VisitorPageCacheMiddleware` serves a kept page before the address is routed to it, so
that a page served again costs one round trip to the cache and little else.

With several web processes the cache must be shared (Redis in production), as the rate limits
need already; ``EDUCATION_PUBLIC_PAGE_CACHE_SECONDS = 0`` turns it off.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation

from .conf import public_page_cache_seconds

VERSION_KEY = "education:public-pages:version"


def current_version():
    """The cache's version, started at the current time (in nanoseconds) when the cache has
    none, so that a version lost with the cache never names pages cached before."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _move_on():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: whatever is cached is under no version in use
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def something_shown_changed():
    """Render public pages afresh from the next request after the current transaction commits
    (at once when there is none)."""
    transaction.on_commit(_move_on)


def cache_key(request):
    """Where the page at this address, in this language and on this host, is kept."""
    address = f"{request.get_host()}|{request.path}|{translation.get_language()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"education:public-page:{digest}"


def cacheable_request(request):
    """A GET with no query string from a browser that holds no session and no message."""
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
        and not response.has_header("Set-Cookie")
    )


def look_up(request):
    """``(key, version, response)``: the page kept for this request's address under the
    cache's current version, or None as the response. One round trip to the cache when the
    page is kept."""
    key = cache_key(request)
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return key, current_version(), None
    kept = found.get(key)
    if kept is None or kept[0] != version:
        return key, version, None
    _version, content, headers = kept
    return key, version, HttpResponse(content, headers=headers)


def keep(key, version, response, seconds):
    cache.set(key, (version, response.content, dict(response.items())), seconds)


def seconds_until_change(sessions, longest, now=None):
    """``longest``, or less when one of ``sessions`` starts or closes its registration sooner."""
    now = now or timezone.now()
    moments = [
        moment
        for session in sessions
        for moment in (session.registration_deadline, session.starts_at)
        if moment is not None and moment > now
    ]
    if not moments:
        return longest
    return max(1, min(longest, int((min(moments) - now).total_seconds())))


#: Set on a request by :class:`VisitorPageCacheMiddleware` when it looked the page up:
#: ``(key, version)``.
ASKED = "visitor_page_cache"


class VisitorPageCacheMiddleware:
    """Serves the pages kept for visitors before the address is even routed to a page.

    Without it the pages still keep themselves (see :class:`CachedForVisitors`), but every
    request first goes through the rest of the middleware and Wagtail's routing to the page.
    Place it after ``LocaleMiddleware`` (the language is part of the address kept) and before
    ``CsrfViewMiddleware`` and ``AuthenticationMiddleware``: a page served from the cache
    needs neither. The response kept is the one the middleware after it made, headers
    included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not public_page_cache_seconds() or not cacheable_request(request):
            return self.get_response(request)
        key, version, kept = look_up(request)
        if kept is not None:
            return kept
        setattr(request, ASKED, (key, version))
        response = self.get_response(request)
        seconds = getattr(response, "kept_for_visitors", None)
        if seconds and cacheable_response(request, response):
            keep(key, version, response, seconds)
        return response


class CachedForVisitors:
    """Mixin for a page model: serve the page from the cache to visitors who are not signed in
    (see the module). The sessions a page lists are read from its context's
    ``upcoming_sessions``."""

    def serve(self, request, *args, **kwargs):
        longest = public_page_cache_seconds()
        if (
            not longest
            or not cacheable_request(request)
            or request.user.is_authenticated
            or getattr(request, "is_preview", False)
        ):
            return super().serve(request, *args, **kwargs)
        asked = getattr(request, ASKED, None)
        if asked is None:  # no middleware: the page looks itself up
            key, version, kept = look_up(request)
            if kept is not None:
                return kept
        response = super().serve(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        seconds = seconds_until_change(context.get("upcoming_sessions", []), longest)
        if asked is not None:  # the middleware keeps it, with the headers added on the way out
            response.kept_for_visitors = seconds
            return response
        if hasattr(response, "render"):
            response.render()
        if cacheable_response(request, response):
            keep(key, version, response, seconds)
        return response
