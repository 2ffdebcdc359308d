import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse

from wagtail.models import Locale

from courses.choices import Audience
from courses.models import (
    Program,
    WorkshopPage,
    catalogue_filters,
    filter_workshops,
    show_programs,
)

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
MAX_RESULTS = 500
MIN_STEM_LENGTH = 5


def search_terms(query):
    """The words of a visitor's query, as plain lower-case text.

    Punctuation and upper-case words such as AND or NEAR mean something to the database's full
    text engine; a visitor typing them means nothing of the sort, so only words are kept.
    """
    words = re.sub(r"[^\w'-]+", " ", query[:MAX_QUERY_LENGTH]).lower().split()
    return " ".join(word.strip("'-") for word in words if word.strip("'-"))


def matched(terms, text):
    """How many of ``terms`` a word of ``text`` names, or shares a stem with ("bully", "bullying").

    Words are compared by their common beginning, so a plural or another form of a word counts.
    """
    words = re.findall(r"\w+", text.lower())
    return sum(1 for term in terms if any(same_word(term, word) for word in words))


def same_word(term, word):
    shorter, longer = sorted((term, word), key=len)
    return term == word or (len(shorter) >= MIN_STEM_LENGTH and longer.startswith(shorter))


def rank(workshops, terms):
    """Workshops whose title names the most terms first, then those whose summary does.

    Within each group the search engine's own relevance order is kept. The database search
    backends weigh where a word appears in different ways (SQLite scores a whole row at once),
    so the order that visitors see is settled here.
    """
    words = set(re.findall(r"\w+", terms))
    return sorted(
        workshops,
        key=lambda workshop: (-matched(words, workshop.title), -matched(words, workshop.summary)),
    )


def find(workshops, terms):
    """Workshops matching every term; when none do, those whose title begins words with them.

    The database search backends match whole words only, so "bully" would miss "Bullying"
    without the second look.
    """
    results = list(workshops.search(terms)[:MAX_RESULTS])
    if not results:
        results = list(workshops.autocomplete(terms)[:MAX_RESULTS])
    return results


def search(request):
    """Search the public workshops in the reader's language, optionally narrowed to a program
    or an audience."""
    query = request.GET.get("query", "")
    programs = list(Program.objects.in_default_language())
    filters = catalogue_filters(request.GET, programs)
    show_programs(programs)

    workshops = filter_workshops(
        WorkshopPage.objects.live()
        .public()
        .filter(locale=Locale.get_active())
        .select_related("program"),
        filters,
    )
    terms = search_terms(query)
    results = rank(find(workshops, terms), terms) if terms else []
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        page = paginator.page(1)

    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query.replace("\x00", "").strip()[:MAX_QUERY_LENGTH],
            "search_results": page,
            "filters": filters,
            "programs": sorted(programs, key=lambda program: program.shown.title.casefold()),
            "audiences": Audience.choices,
        },
    )
