"""The runs admin as Wagtail viewsets: evaluations per campaign, and the sample size planner."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet

from livinglab.evaluation.runs import admin_views


class RunsViewSet(ViewSet):
    menu_label = _("Évaluations")
    icon = "view"
    menu_order = 220
    url_prefix = "evaluation-runs"

    def get_urlpatterns(self):
        return [
            path("", admin_views.runs_index, name="index"),
            path("campaign/<int:campaign_id>/", admin_views.campaign_runs, name="campaign"),
            path("campaign/<int:campaign_id>/start/", admin_views.run_start, name="start"),
            path("run/<int:run_id>/", admin_views.run_detail, name="detail"),
            path("run/<int:run_id>/publish/", admin_views.run_publish, name="publish"),
            path("run/<int:run_id>/withdraw/", admin_views.run_withdraw, name="withdraw"),
        ]


class SampleSizeViewSet(ViewSet):
    menu_label = _("Nombre de sujets nécessaires")
    icon = "calculator"
    menu_order = 221
    url_prefix = "evaluation-runs/sample-size"

    def get_urlpatterns(self):
        return [path("", admin_views.sample_size_planner, name="index")]
