"""The organisation's brand colours on the site's pages: ``{% load brand %}{% brand_style %}``
in the ``<head>`` of a base template, after the site's stylesheet."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from home.models import OrganisationSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def brand_style(context):
    """A link to the stylesheet of the brand colours chosen in the organisation's settings
    (``home.views.brand_stylesheet``, which the site's URLs must include as
    ``"brand_stylesheet"``), or nothing when the colours are the stylesheet's own.

    A link rather than a ``<style>`` element: the Content-Security-Policy refuses inline
    styles, and a public page kept by the page cache could not carry a fresh nonce.
    """
    request = context.get("request")
    if request is None:
        return ""
    fingerprint = OrganisationSettings.for_request(request).brand_fingerprint()
    if fingerprint is None:
        return ""
    return format_html(
        '<link rel="stylesheet" href="{}?v={}">', reverse("brand_stylesheet"), fingerprint
    )
