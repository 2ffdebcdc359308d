"""The facilitator's roster as an app installed on a phone: its web manifest and its service
worker, which keeps the week's rosters, sign-in sheets and guides for when there is no signal
(see ``facilitators/templates/facilitators/offline/service_worker.js``)."""

import hashlib

from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .offline import WORKER_ASSETS, language_root


@require_safe
@never_cache
def service_worker(request):
    """The worker's script. Served under the language's prefix, it may look after the whole
    language (``Service-Worker-Allowed``); it only ever answers for the facilitator's pages
    and the addresses the pages ask it to keep."""
    response = render(
        request,
        "facilitators/offline/service_worker.js",
        {
            "scope": language_root(),
            "my_sessions_url": reverse("facilitators:my_sessions"),
            "assets": [static(asset) for asset in WORKER_ASSETS],
            # A new version of the assets (their names change with their content in
            # production) makes a new worker, which lets the old assets go.
            "version": hashlib.sha256(
                "\n".join(static(asset) for asset in WORKER_ASSETS).encode()
            ).hexdigest()[:12],
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = language_root()
    return response


@require_safe
def manifest(request):
    """The web manifest that lets a facilitator install "My sessions" on their phone, in the
    active language."""
    manifest = {
        "name": gettext("My sessions to facilitate"),
        "short_name": pgettext("the app's name under its icon", "Facilitate"),
        "description": gettext(
            "Rosters, sign-in sheets and guides of your sessions, also with no signal."
        ),
        "lang": get_language(),
        "start_url": reverse("facilitators:my_sessions"),
        "scope": language_root(),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#8f1d21",
        "icons": [
            *(
                {"src": static(f"facilitators/icons/icon-{size}.png"), "sizes": f"{size}x{size}"}
                for size in (192, 512)
            ),
            {
                "src": static("facilitators/icons/icon-512.png"),
                "sizes": "512x512",
                "purpose": "maskable",
            },
        ],
    }
    for icon in manifest["icons"]:
        icon["type"] = "image/png"
    return JsonResponse(
        manifest,
        content_type="application/manifest+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
