"""Wagtail API v2 (pages, images, documents) and the published results of a campaign."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from livinglab.campaigns.models import Campaign
from livinglab.cms.selectors import campaign_published_results

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)


@require_GET
def campaign_results(request, slug):
    """The same published results as the campaign page, as JSON; 404 until published."""
    results = campaign_published_results(campaign=get_object_or_404(Campaign, slug=slug))
    if not results:
        raise Http404("No published results for this campaign.")
    return JsonResponse({"campaign": slug, **results})


urlpatterns = [
    path("v2/campaigns/<slug:slug>/results/", campaign_results, name="cms-campaign-results"),
    path("v2/", api_router.urls),
]
