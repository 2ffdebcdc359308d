"""What the facilitator's phone keeps for when there is no signal, and what its roster script
says: the pages of the sessions of today and the coming week, and the script's sentences in
the page's language."""

from datetime import timedelta

from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext, ngettext

from courses.attendance.rules import by_day, session_parts

#: The static files the worker keeps as soon as it is installed.
WORKER_ASSETS = (
    "css/education.css",
    "facilitators/js/roster.js",
    "courses/js/local_suggest.js",
    "facilitators/js/print.js",
    "facilitators/icons/icon-192.png",
)

#: How far ahead the phone keeps sessions: today and the coming week.
KEPT_DAYS = 8


def language_root():
    """``/en/`` or ``/fr/``: the part of the site the worker looks after (the facilitator's
    pages and the guides under the workshops), in the active language. On a site whose
    addresses carry no language, only the facilitator's pages (the guides are then not kept):
    the worker never looks after the whole site, its admin included."""
    my_sessions = reverse("facilitators:my_sessions")
    prefix = f"/{get_language() or ''}/"
    return prefix if my_sessions.startswith(prefix) else my_sessions


def user_tag(user):
    """Who is signed in, as the phone's worker knows them: a tag made with the site's secret,
    which names nobody. What the phone keeps is let go when another tag comes."""
    return salted_hmac("facilitators.offline.user", str(user.pk)).hexdigest()[:20]


def kept_sessions(sessions, now):
    """The sessions of ``sessions`` whose rosters the phone keeps: those under way or starting
    before the end of the coming week, and those over but not closed yet."""
    horizon = now + timedelta(days=KEPT_DAYS)
    return [session for session in sessions if session.starts_at < horizon]


def offline_pages(sessions, my_sessions_url):
    """The addresses (paths) the phone keeps for ``sessions``: "My sessions", each roster (each
    day's, for a session of several days), its sign-in sheet, and its guide with the guide's
    PDF (``session.guide``, when there is one)."""
    pages = [my_sessions_url]
    for session in sessions:
        roster = reverse("facilitators:roster", args=[session.pk])
        pages.append(roster)
        parts = session_parts(session)
        if by_day(parts):
            pages.extend(f"{roster}?part={part.pk}" for part in parts)
        pages.append(reverse("facilitators:sign_in_sheet", args=[session.pk]))
        guide = getattr(session, "guide", None)
        if guide is not None:
            pages.append(guide.url)
            pages.append(reverse("facilitators:guide_pdf", args=[guide.pk]))
    return list(dict.fromkeys(pages))


def _counted(forms):
    """Both forms of a counted sentence, with ``%(count)s`` left for the script to fill: the one
    for a count of one (in French, also of zero) and the other. ``forms(n)`` is the sentence's
    ``ngettext`` for ``n``."""
    return forms(1), forms(2)


def roster_texts():
    """The sentences the roster's script shows, as ``data-`` attributes: ``{name: text}``; a
    counted one comes as ``<name>-one`` and ``<name>-other``."""
    texts = {
        "offline": gettext(
            "No connection: what you mark is kept on this phone and sent when it returns. "
            "Stay signed in until then: signing out empties the phone."
        ),
        "sign-in": gettext(
            "The marks kept on this phone were not sent: sign in again, then come back to this "
            "page."
        ),
        "not-sent": gettext(
            "The marks kept on this phone could not be sent now: they stay on it and are sent "
            "again."
        ),
        "need-name": gettext("Enter the person’s name."),
        "need-email": gettext("Enter a valid email address, such as name@example.org."),
        "close-offline": gettext("Closing the session needs a connection: connect, then close."),
    }
    counted = {
        "unsaved": _counted(
            lambda n: ngettext("%(count)s change not saved.", "%(count)s changes not saved.", n)
        ),
        "pending": _counted(
            lambda n: ngettext(
                "%(count)s mark kept on this phone, not sent yet.",
                "%(count)s marks kept on this phone, not sent yet.",
                n,
            )
        ),
        "shown": _counted(
            lambda n: ngettext("%(count)s person shown", "%(count)s people shown", n)
        ),
        "close-pending": _counted(
            lambda n: ngettext(
                "%(count)s mark kept on this phone is not sent yet: it is being sent; close "
                "once it is.",
                "%(count)s marks kept on this phone are not sent yet: they are being sent; "
                "close once they are.",
                n,
            )
        ),
    }
    for name, (one, other) in counted.items():
        texts[f"{name}-one"] = one
        texts[f"{name}-other"] = other
    return texts
