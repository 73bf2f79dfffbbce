"""Forest plots of pooled evidence: public (aggregates of published, suppressed results)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from livinglab.evaluation.pooled import charts
from livinglab.evaluation.pooled.models import PooledEvidence
from livinglab.evaluation.runs import artifacts
from livinglab.evaluation.runs.views import CHART_TYPES


@require_GET
def forest_plot(request, evidence_id: int, file_format: str):
    """The stored plot, drawn again (and stored) when the private storage lost it."""
    if file_format not in CHART_TYPES:
        raise Http404
    evidence = get_object_or_404(
        PooledEvidence.objects.select_related("indicator", "theme"), pk=evidence_id
    )
    content = artifacts.read_file((evidence.charts or {}).get(file_format))
    if content is None:
        charts.write_forest_plot(evidence=evidence)
        content = artifacts.read_file(evidence.charts[file_format])
    response = HttpResponse(content, content_type=CHART_TYPES[file_format])
    response["X-Content-Type-Options"] = "nosniff"
    return response
