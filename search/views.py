from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse

from courses.choices import Audience
from courses.models import Program, WorkshopPage, catalogue_filters, filter_workshops

RESULTS_PER_PAGE = 10


def search(request):
    """Search the public workshops, optionally narrowed to a program or an audience."""
    query = request.GET.get("query", "").strip()
    programs = list(Program.objects.all())
    filters = catalogue_filters(request.GET, programs)

    workshops = filter_workshops(
        WorkshopPage.objects.live().public().select_related("program"), filters
    )
    results = workshops.search(query) if query else WorkshopPage.objects.none()
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        page = paginator.page(1)

    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query,
            "search_results": page,
            "filters": filters,
            "programs": programs,
            "audiences": Audience.choices,
        },
    )
