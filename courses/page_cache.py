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


def cache_key(request, version):
    address = f"{request.get_host()}|{request.path}|{translation.get_language()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"education:public-page:{version}:{digest}"


def cacheable_request(request):
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not getattr(request, "is_preview", False)
        and not request.user.is_authenticated
    )


def cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
        and not response.has_header("Set-Cookie")
    )


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


class CachedForVisitors:
    """Mixin for a page model: serve the page from the cache to visitors who are not signed in
    (see the module). The sessions a page lists are read from its context's
    ``upcoming_sessions``."""

    def serve(self, request, *args, **kwargs):
        longest = public_page_cache_seconds()
        if not longest or not cacheable_request(request):
            return super().serve(request, *args, **kwargs)
        key = cache_key(request, current_version())
        kept = cache.get(key)
        if kept is not None:
            content, headers = kept
            return HttpResponse(content, headers=headers)
        response = super().serve(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if cacheable_response(request, response):
            sessions = (getattr(response, "context_data", None) or {}).get("upcoming_sessions", [])
            cache.set(
                key,
                (response.content, dict(response.items())),
                seconds_until_change(sessions, longest),
            )
        return response
