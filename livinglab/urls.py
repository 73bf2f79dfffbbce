"""URL configuration: Wagtail admin, health, app URLs, then Wagtail pages (fr default, /en/)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from livinglab.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("livinglab.cms.api")),  # CMS: API v2 and published results
    path("evaluation/pooled/", include("livinglab.evaluation.pooled.urls")),  # forest plots
    path("evaluation/", include("livinglab.evaluation.runs.urls")),  # runs: progress, downloads
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path(
        "questionnaire/", include("livinglab.evaluation.measurement.urls")
    ),  # online questionnaires
    path("", include("livinglab.cms.urls")),  # CMS: /recherche/ (before the page catch-all)
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
