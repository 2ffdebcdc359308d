"""The site's Content-Security-Policy header (django-csp), configured in the settings'
``CONTENT_SECURITY_POLICY``."""

from django.conf import settings
from django.middleware import locale
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.http import url_has_allowed_host_and_scheme

from wagtail.models import Locale, Page, Site

from csp.middleware import CSPMiddleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, except on PDF files.

    A browser shows a PDF (a sign-in sheet, a facilitator guide, a handout) in its own viewer,
    which Chrome runs as an embedded plugin under the file's policy: ``object-src 'none'``
    would leave the page blank. A PDF runs none of our scripts, so it goes without the header.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/pdf":
            return response
        return super().process_response(request, response)


class PageInOtherLanguageMiddleware:
    """An address in one language of a page that exists in another leads to the page.

    Pages are found under their language's prefix, each language with its own slugs: the
    English "/en/workshops/grievances/" is French at "/fr/ateliers/griefs/". An address made by
    changing only the prefix (an old link sent on to the reader's language, a hand-edited URL)
    finds nothing in that language's pages. Before answering 404, this looks the address up
    among the default language's pages and sends the reader to that page's translation, or,
    when it has none yet, to the page saying so. Place it after ``LocaleMiddleware``.

    The rest of the address goes along to the translation: the route below the page (its own
    routes, such as a form's "thanks/") and the query string. Only an address on the request's
    own site is redirected to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        language = translation.get_language()
        default = settings.LANGUAGE_CODE
        prefix = f"/{language}/"
        if language == default or not request.path_info.startswith(prefix):
            return response
        path = request.path_info[len(prefix) - 1 :]
        if hasattr(request, "_wagtail_route_for_request"):
            del request._wagtail_route_for_request
        with translation.override(default):
            route = Page.route_for_request(request, path)
        del request._wagtail_route_for_request
        if route is None:
            return response
        page = route[0]
        here = page.get_translation_or_none(Locale.get_active())
        if here is None or not here.live or not here.get_url(request):
            return redirect(reverse("untranslated", args=[page.pk]))
        target = here.get_url(request) + _route_below(request, page, path)
        query = request.META.get("QUERY_STRING", "")
        if query:
            target = f"{target}?{iri_to_uri(query)}"
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return response
        return redirect(target)


def _route_below(request, page, path):
    """The part of ``path`` (an address relative to the site's root) below ``page``, which
    routed it: empty for the page itself, the route for a page with routes of its own."""
    site = Site.find_for_request(request)
    components = [component for component in path.split("/") if component]
    rest = components[page.depth - site.root_page.depth :]
    if not rest:
        return ""
    below = "/".join(rest) + ("/" if path.endswith("/") else "")
    return escape_uri_path(below)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, except that an address outside the language prefixes whose own view answers
    404 (an admin page for a record that does not exist) keeps its 404: only an address that
    matched nothing is sent on to the same address in the reader's language."""

    def process_response(self, request, response):
        if response.status_code == 404 and getattr(request, "resolver_match", None):
            language = translation.get_language()
            response.headers.setdefault("Content-Language", language)
            return response
        return super().process_response(request, response)
