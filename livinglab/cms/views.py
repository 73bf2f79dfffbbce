"""Search across prevention topics, filtered by setting, theme, age group, format, duration."""

from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from livinglab.cms.forms import SearchForm
from livinglab.cms.selectors import topics_search
from livinglab.cms.sitewide import site_data

RESULTS_PER_PAGE = 20


def search(request):
    shared = site_data(request)
    form = SearchForm(request.GET or None, vocabulary=shared)
    filters = form.cleaned_data if form.is_valid() else {}
    query = filters.pop("q", "")
    results = topics_search(locale_id=shared.locale.pk, query=query, site_data=shared, **filters)
    context = {
        "form": form,
        "searched": bool(request.GET),
        "results": Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page")),
    }
    return TemplateResponse(request, "cms/search.html", context)
