"""The evaluation admin menu: measurement, catalogue, runs and planning, one ViewSetGroup."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from livinglab.evaluation.measurement.viewsets import IndicatorViewSet, MeasurementViewSet
from livinglab.evaluation.pooled.viewsets import PooledEvidenceViewSet
from livinglab.evaluation.runs.viewsets import RunsViewSet, SampleSizeViewSet


class EvaluationGroup(ViewSetGroup):
    menu_label = _("Évaluation")
    menu_icon = "view"
    menu_order = 210
    items = (
        MeasurementViewSet("evaluation_admin"),
        IndicatorViewSet("indicators"),
        RunsViewSet("evaluation_runs_admin"),
        SampleSizeViewSet("evaluation_sample_size"),
        PooledEvidenceViewSet("evaluation_pooled_admin"),
    )
