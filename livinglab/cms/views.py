"""Search across prevention topics, filtered by setting, theme, age group, format, duration."""

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Locale

from livinglab.cms.forms import SearchForm
from livinglab.cms.selectors import topics_search

RESULTS_PER_PAGE = 20


def search(request):
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    results = topics_search(locale=Locale.get_active(), query=filters.pop("q", ""), **filters)
    context = {
        "form": form,
        "searched": bool(request.GET),
        "results": Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page")),
    }
    return TemplateResponse(request, "cms/search.html", context)
