"""Signing out empties the browser of what the facilitator's phone keeps for when there is no
signal: the rosters (names, locals, marks), sign-in sheets and guides the service worker kept,
and any marks still waiting to be sent. A phone passed to someone else, or lost, keeps nothing of
the sessions once its facilitator has signed out."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

#: Asks the browser to remove the site's Cache Storage, IndexedDB and service workers (and its
#: HTTP cache). See https://www.w3.org/TR/clear-site-data/.
CLEAR_SITE_DATA = '"cache", "storage"'
#: Set on a request that signed someone out.
SIGNED_OUT = "signed_out_of_facilitation"


class ForgetOfflinePagesOnSignOut:
    """Adds ``Clear-Site-Data`` to the answer of any request that signed someone out.

    Any log-out counts: the admin's, a member's "Sign out", or anything else that calls
    ``django.contrib.auth.logout`` (which sends ``user_logged_out``, noted below)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, SIGNED_OUT, False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


@receiver(user_logged_out, dispatch_uid="facilitators-note-sign-out")
def note_sign_out(sender, request, user, **kwargs):
    """Someone who was signed in signs out: the answer to this request empties the browser.
    (Django sends the signal with no user when nobody was signed in.)"""
    if user is not None and request is not None:
        setattr(request, SIGNED_OUT, True)
