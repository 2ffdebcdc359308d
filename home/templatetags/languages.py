"""The site's pages in each of its languages: the language switcher and ``hreflang`` links."""

import hashlib

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import Substr
from django.urls import reverse, translate_url
from django.utils import translation

from wagtail.models import Page, Site

from courses.conf import public_page_cache_seconds
from courses.models import SessionRequestPage, WorkshopIndexPage
from courses.page_cache import VERSION_KEY

register = template.Library()


def _translations(page):
    """``{language code: live page}``: ``page`` and its live translations."""
    pages = (
        Page.objects.live().filter(translation_key=page.translation_key).select_related("locale")
    )
    return {other.locale.language_code: other for other in pages}


@register.simple_tag(takes_context=True)
def language_versions(context):
    """The page being read in each of the site's languages, in ``LANGUAGES`` order: a list of
    ``{"code", "name", "url", "translated", "current"}``.

    A Wagtail page links to its translation, or, when it has none in a language yet, to the
    page saying so (which offers the languages it is in). Any other view links to the same
    address in the other language.
    """
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    is_page = isinstance(page, Page) and page.pk is not None and page.live
    translations = _translations(page) if is_page else {}
    current = translation.get_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        translated = True
        if is_page:
            other = translations.get(code)
            if other is not None:
                url = other.get_url(request)
            else:
                translated = False
                with translation.override(code):
                    url = reverse("untranslated", args=[page.pk])
        else:
            url = translate_url(request.get_full_path(), code)
        versions.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "translated": translated,
                "current": code == current,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def site_links(context):
    """``{"home": url, "catalogue": url, "request": url}``: the request's site's home page,
    workshop catalogue and form to request a session, in the active language (or in the
    default language, where they have no translation); an empty address for one the site does
    not have. One query, remembered for the rest of the request."""
    request = context.get("request")
    links = getattr(request, "_site_links", None)
    if links is not None:
        return links
    site = Site.find_for_request(request) if request is not None else None
    key = _site_links_key(request, site)
    links = cache.get(key) if key else None
    if links is None:
        found = _site_pages(site) if site is not None else {}
        links = {
            kind: (found[kind].get_url(request) if kind in found else None) or ""
            for kind in ("home", "catalogue", "request")
        }
        links["home"] = links["home"] or "/"
        if key:
            cache.set(key, links, public_page_cache_seconds())
    if request is not None:
        request._site_links = links
    return links


def _site_links_key(request, site):
    """Where the links of ``site`` asked for by ``request`` are kept between requests, while
    the public pages are (they change when a page, a site or a locale is saved, as the public
    pages do: see ``courses.page_cache``); None when the public pages are not cached, or
    have no version yet (a page served to a visitor starts it)."""
    if request is None or site is None or not public_page_cache_seconds():
        return None
    version = cache.get(VERSION_KEY)
    if version is None:
        return None
    address = f"{request.get_host()}|{site.pk}|{translation.get_language()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"education:site-links:{version}:{digest}"


def _site_pages(site):
    """``{kind: live page}`` of ``site``: its root page ("home"), first catalogue and first
    request form, each in the active language where it is translated, else in the default
    language. Pages are found under the site's root page and its translations (each language's
    pages sit under its own translation of the root), and nowhere else."""
    language = translation.get_language()
    root = site.root_page
    kinds = {
        ContentType.objects.get_for_model(WorkshopIndexPage).pk: "catalogue",
        ContentType.objects.get_for_model(SessionRequestPage).pk: "request",
    }
    roots = Page.objects.filter(translation_key=root.translation_key, depth=root.depth)
    pages = (
        Page.objects.live()
        .annotate(root_path=Substr("path", 1, root.depth * Page.steplen))
        .filter(root_path__in=roots.values("path"))
        .filter(
            Q(translation_key=root.translation_key, depth=root.depth)
            | Q(content_type__in=list(kinds))
        )
        .filter(locale__language_code__in={language, settings.LANGUAGE_CODE})
        .select_related("locale")
        .order_by("depth", "path")
    )
    found = {}
    for page in pages:
        kind = "home" if page.depth == root.depth else kinds[page.content_type_id]
        if kind not in found or (
            page.locale.language_code == language and found[kind].locale.language_code != language
        ):
            found[kind] = page
    return found
