"""The facilitator's roster as an app installed on a phone: its web manifest and its service
worker, which keeps the week's rosters, sign-in sheets and guides for when there is no signal
(see ``facilitators/templates/facilitators/offline/service_worker.js``)."""

import hashlib

from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
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
    """The web manifest that lets a facilitator install "My sessions" on their phone."""
    return render(
        request,
        "facilitators/offline/manifest.webmanifest",
        {"start_url": reverse("facilitators:my_sessions"), "scope": language_root()},
        content_type="application/manifest+json; charset=utf-8",
    )
