import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse

from courses.choices import Audience
from courses.models import Program, WorkshopPage, catalogue_filters, filter_workshops

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search_terms(query):
    """The words of a visitor's query, as plain lower-case text.

    Punctuation and upper-case words such as AND or NEAR mean something to the database's full
    text engine; a visitor typing them means nothing of the sort, so only words are kept.
    """
    words = re.sub(r"[^\w'-]+", " ", query[:MAX_QUERY_LENGTH]).lower().split()
    return " ".join(word.strip("'-") for word in words if word.strip("'-"))


def search(request):
    """Search the public workshops, optionally narrowed to a program or an audience."""
    query = request.GET.get("query", "")
    programs = list(Program.objects.all())
    filters = catalogue_filters(request.GET, programs)

    workshops = filter_workshops(
        WorkshopPage.objects.live().public().select_related("program"), filters
    )
    terms = search_terms(query)
    results = workshops.search(terms) if terms else WorkshopPage.objects.none()
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
            "programs": programs,
            "audiences": Audience.choices,
        },
    )
