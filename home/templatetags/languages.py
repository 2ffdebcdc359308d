"""The site's pages in each of its languages: the language switcher and ``hreflang`` links."""

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse, translate_url
from django.utils import translation

from wagtail.models import Page

from courses.models import WorkshopIndexPage

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
    """``{"home": url, "catalogue": url}``: the home page and the workshop catalogue in the
    active language (or in the default language, where they have no translation). One query,
    remembered for the rest of the request."""
    request = context.get("request")
    links = getattr(request, "_site_links", None)
    if links is not None:
        return links
    language = translation.get_language()
    pages = (
        Page.objects.live()
        .filter(Q(depth=2) | Q(content_type=ContentType.objects.get_for_model(WorkshopIndexPage)))
        .filter(locale__language_code__in={language, settings.LANGUAGE_CODE})
        .select_related("locale")
        .order_by("depth", "path")
    )
    found = {}
    for page in pages:
        kind = "home" if page.depth == 2 else "catalogue"
        if kind not in found or page.locale.language_code == language:
            found[kind] = page
    links = {
        "home": (found["home"].get_url(request) if "home" in found else None) or "/",
        "catalogue": found["catalogue"].get_url(request) if "catalogue" in found else "",
    }
    if request is not None:
        request._site_links = links
    return links
