"""Pages of the union's site that are not Wagtail pages."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from wagtail.models import Locale, Page

from .models import OrganisationSettings

#: How long a browser keeps the brand stylesheet at an address that names its colours.
BRAND_STYLESHEET_SECONDS = 365 * 24 * 60 * 60


def untranslated(request, page_id):
    """Where the language switcher leads from a page not yet translated into the language
    chosen: says so, in that language, and links to the page in the languages it is in. A page
    that has been translated since goes straight to its translation."""
    page = get_object_or_404(Page.objects.live().filter(depth__gt=1).specific(), pk=page_id)
    if page.get_url(request) is None:  # a page of no site
        raise Http404
    locale = Locale.get_active()
    versions = (
        Page.objects.live().filter(translation_key=page.translation_key).select_related("locale")
    )
    here = next((version for version in versions if version.locale_id == locale.pk), None)
    if here is not None and here.get_url(request):
        return redirect(here.get_url(request))
    # A private page's title is for those who may read it.
    private = any(version.get_view_restrictions().exists() for version in versions)
    originals = [
        {
            "url": version.get_url(request),
            "title": "" if private else version.title,
            "language": translation.get_language_info(version.locale.language_code),
        }
        for version in versions
        if version.get_url(request)
    ]
    return render(
        request,
        "home/untranslated.html",
        {"originals": originals, "language": translation.get_language_info(locale.language_code)},
    )


@require_safe
def brand_stylesheet(request):
    """The organisation's brand colours (``OrganisationSettings``) as CSS custom properties,
    which ``education.css`` uses before its own colours. Pages link to it with the ``brand_style``
    template tag, whose address carries the colours' fingerprint (``?v=``): at that address it
    is kept for a year, since new colours get a new address; at any other it is checked again
    on every use. Only validated ``#rrggbb`` values are ever written (see
    ``OrganisationSettings.brand_colours``)."""
    organisation = OrganisationSettings.for_request(request)
    lines = [f"    {name}: {value};" for name, value in organisation.brand_colours().items()]
    response = HttpResponse(
        ":root {\n" + "".join(f"{line}\n" for line in lines) + "}\n",
        content_type="text/css; charset=utf-8",
    )
    fingerprint = organisation.brand_fingerprint()
    if fingerprint is not None and request.GET.get("v") == fingerprint:
        patch_cache_control(response, public=True, max_age=BRAND_STYLESHEET_SECONDS, immutable=True)
    else:
        patch_cache_control(response, no_cache=True)
    return response
