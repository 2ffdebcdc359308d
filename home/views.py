"""Pages of the union's site that are not Wagtail pages."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation

from wagtail.models import Locale, Page


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
