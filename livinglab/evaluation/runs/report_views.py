"""The HTML report of a run: the PDF's content as an accessible page.

Evaluators of the campaign read it for any succeeded run (the guard of the run's downloads,
`views.run_for_evaluator`); anyone reads it once the run is published, like the public PDF.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from livinglab.campaigns import audit
from livinglab.evaluation.runs import report
from livinglab.evaluation.runs.costs import report_costs
from livinglab.evaluation.runs.models import EvaluationRun
from livinglab.evaluation.runs.views import _published, _succeeded, run_for_evaluator


def _page(request, run: EvaluationRun, *, public: bool) -> TemplateResponse:
    chart_view = "evaluation_runs:public_chart" if public else "evaluation_runs:chart"
    stored_charts = [
        {
            "name": chart["name"],
            "title": chart["title"],
            "png": reverse(chart_view, args=[run.pk, chart["name"], "png"]),
            "svg": reverse(chart_view, args=[run.pk, chart["name"], "svg"]),
        }
        for chart in (run.artifacts or {}).get("charts", [])
    ]
    pdf_url = (
        reverse("evaluation_runs:public_report", args=[run.pk])
        if public
        else reverse("evaluation_runs:download", args=[run.pk, "pdf"])
    )
    return TemplateResponse(
        request,
        "evaluation/runs/report.html",
        {
            "run": run,
            "report": report.report_content(
                run.result, costs=report_costs(campaign=run.campaign, document=run.result)
            ),
            "charts": stored_charts,
            "flow_chart": next((c for c in stored_charts if c["name"] == "flow"), None),
            "pdf_url": pdf_url,
            "public": public,
        },
    )


@require_GET
@login_required
def run_report(request, run_id: int):
    """The report of any succeeded run, for the campaign's evaluators."""
    run = _succeeded(run_for_evaluator(request.user, run_id))
    audit.record(
        run.campaign,
        "livinglab.download",
        user=request.user,
        data={"run": run.pk, "format": "html"},
    )
    return _page(request, run, public=False)


@require_GET
def public_run_report(request, run_id: int):
    """The report of a published run: aggregated, suppressed data only."""
    return _page(request, _published(run_id), public=True)
