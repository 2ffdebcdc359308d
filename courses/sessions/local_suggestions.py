"""The locals suggested as someone types in a form's local field.

The forms with a local field (enrolling, confirming a place, a member's details, a request for
a tailored session and the roster's walk-in) take a local's number or name as text, so they
work without a script; with one, the field asks :func:`local_suggestions` for the locals that
match what is typed, instead of each page carrying every local of the union.

Only what is public of a local is answered: its number, name and city.
"""

import re

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET

from ..models import Local
from ..models.union import LOCAL_NUMBER
from ..ratelimits import hit
from .forms import local_choice_label

#: The most locals suggested at once.
MAX_SUGGESTIONS = 10

#: What is typed past this length is no local's number or name: nothing is suggested.
MAX_QUERY_LENGTH = 50

#: The fewest letters typed before names are suggested (a single digit suggests numbers).
MIN_NAME_LENGTH = 2

#: The most words of a name matched (each must begin a word of the local's name or city).
MAX_WORDS = 5

#: What may come before a word in a name or a city: "Saint-Jean", "Hôpital (Laval)", "L'Érable".
WORD_STARTS = (" ", "-", "(", "'", "’", "/")

#: How long a browser or a shared cache may keep an answer: locals change rarely.
CACHE_SECONDS = 300


def suggestion_label(local):
    """How a suggestion reads: the local as the field takes it, and its city when it has one."""
    label = local_choice_label(local)
    return f"{label}, {local.city}" if local.city else label


def _begins_a_word(field, word):
    condition = Q(**{f"{field}__istartswith": word})
    for start in WORD_STARTS:
        condition |= Q(**{f"{field}__icontains": f"{start}{word}"})
    return condition


def _by_name(words):
    condition = Q()
    for word in words:
        condition &= _begins_a_word("name", word) | _begins_a_word("city", word)
    return condition


def suggest_locals(text):
    """The locals that match ``text`` (at most :data:`MAX_SUGGESTIONS`), in one query.

    Text that begins with a number ("32", "Local 32", "#32") suggests the locals whose number
    begins with it, the local of that very number first, then the shorter numbers. Other text
    suggests the locals each of whose words begins a word of their name or city, those whose
    name begins with the text first. Nothing for text too short or too long, or that no local
    could have (a NUL character).
    """
    text = " ".join((text or "").split())
    if not text or len(text) > MAX_QUERY_LENGTH or "\x00" in text:
        return []
    match = LOCAL_NUMBER.match(text)
    if match:
        number = match.group(1)
        locals_ = Local.objects.filter(number__istartswith=number).annotate(
            rank=Case(
                When(number__iexact=number, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        order = ("rank", Length("number"), "number")
    else:
        if len(text) < MIN_NAME_LENGTH:
            return []
        words = [word for word in re.split(r"[\s,]+", text) if word][:MAX_WORDS]
        if not words:
            return []
        locals_ = Local.objects.filter(_by_name(words)).annotate(
            rank=Case(
                When(name__istartswith=text, then=Value(0)),
                When(_begins_a_word("name", text), then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        order = ("rank", "name", Length("number"), "number")
    return list(locals_.only("number", "name", "city").order_by(*order)[:MAX_SUGGESTIONS])


@require_GET
def local_suggestions(request):
    """``?q=<text>``: ``{"results": [{"value": ..., "label": ...}, ...]}``, the locals that
    match, each with what to put in the field and how to show it.

    Counted against the client's rate limit ``local_suggestions.client``; over it, status 429
    with no results. Public data, kept by caches a few minutes; the answer sets no cookie.
    """
    limited = hit(request, "local_suggestions.client")
    if limited is not None:
        response = JsonResponse({"results": []}, status=429)
        response["Retry-After"] = str(limited.retry_after)
        add_never_cache_headers(response)
        return response
    text = request.GET.get("q", "")
    results = [
        {"value": local_choice_label(local), "label": suggestion_label(local)}
        for local in suggest_locals(text)
    ]
    response = JsonResponse({"results": results})
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
