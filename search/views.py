from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse

from courses.choices import Audience
from courses.models import Program, WorkshopPage

RESULTS_PER_PAGE = 10


def search(request):
    """Search the public workshops, optionally narrowed to a program or an audience."""
    query = request.GET.get("query", "").strip()
    program = request.GET.get("program", "")
    audience = request.GET.get("audience", "")

    workshops = WorkshopPage.objects.live().public()
    if program:
        workshops = workshops.filter(program__slug=program)
    if audience in Audience.values:
        workshops = workshops.filter(audience=audience)
    else:
        audience = ""

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
            "filters": {"program": program, "audience": audience},
            "programs": Program.objects.all(),
            "audiences": Audience.choices,
        },
    )
