from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from search import selectors
from search.forms import SearchForm

RESULTS_PER_PAGE = 20


@require_GET
def search(request):
    """The site search: words and filters in the address (GET), results typed and paged."""
    form = SearchForm(request.GET or None, themes=selectors.search_themes())
    status = 200
    hits = []
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            hits = selectors.site_search(
                text=data["q"],
                kind=data["kind"],
                area=data["territory"],
                theme=data["theme"],
                status=data["status"],
                request=request,
            )
        else:
            status = 400
    page = Paginator(hits, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "searched": form.is_bound and not form.errors}
    return TemplateResponse(request, "search/search.html", context, status=status)
