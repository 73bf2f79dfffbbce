"""Run progress and downloads: every response checks the user's rights on the campaign.

A run's files are in the private storage (`artifacts.run_storage()`), never under MEDIA_ROOT:
these views are the only way out, for evaluators of the campaign, or for anyone once the run
is published (its charts and report: aggregated, suppressed data only).
"""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from livinglab.campaigns import audit, permissions
from livinglab.evaluation.runs import artifacts, dispatch, opendata
from livinglab.evaluation.runs.models import EvaluationRun

DOWNLOAD_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
CHART_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def run_for_evaluator(user, run_id: int) -> EvaluationRun:
    """The run when the user evaluates its campaign; 404 when they cannot even see it."""
    run = get_object_or_404(EvaluationRun.objects.select_related("campaign"), pk=run_id)
    if not permissions.can_view(user, run.campaign):
        raise Http404
    if not permissions.can_evaluate(user, run.campaign):
        raise PermissionDenied
    return run


def progress_payload(run: EvaluationRun) -> dict:
    finished = run.status in (EvaluationRun.Status.SUCCEEDED, EvaluationRun.Status.FAILED)
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "percent": run.percent,
        "step": run.step,
        "error": run.error,
        "finished": finished,
        "waiting_for_queue": dispatch.dispatch_failed(run),
        "result_url": reverse("evaluation_runs_admin:detail", args=[run.pk])
        if run.status == EvaluationRun.Status.SUCCEEDED
        else None,
    }


@require_GET
@never_cache
@login_required
def run_progress(request, run_id: int):
    run = run_for_evaluator(request.user, run_id)
    if dispatch.dispatch_failed(run):
        # The page of the user waiting for this run polls here: while the broker was down the
        # run could not be sent, so send it again (at most every few seconds, see services).
        dispatch.evaluation_run_redispatch(run_id=run.pk)
        run.refresh_from_db()
    return JsonResponse(progress_payload(run))


def _stored_or_rendered(run: EvaluationRun, file_format: str) -> bytes:
    """The run's file from storage; rebuilt from the results when storage lacks it."""
    stored = artifacts.read_file((run.artifacts or {}).get(file_format))
    return stored if stored is not None else artifacts.render(run.result, file_format)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _succeeded(run: EvaluationRun) -> EvaluationRun:
    if run.status != EvaluationRun.Status.SUCCEEDED or not run.result:
        raise Http404
    return run


@require_GET
@login_required
def run_download(request, run_id: int, file_format: str):
    if file_format not in DOWNLOAD_TYPES:
        raise Http404
    run = _succeeded(run_for_evaluator(request.user, run_id))
    content = _stored_or_rendered(run, file_format)
    audit.record(
        run.campaign,
        "livinglab.download",
        user=request.user,
        data={"run": run.pk, "format": file_format},
    )
    name = "report" if file_format == "pdf" else "results"
    filename = f"{run.campaign.slug}-evaluation-{run.pk}-{name}.{file_format}"
    return _attachment(content, DOWNLOAD_TYPES[file_format], filename)


def _chart(run: EvaluationRun, name: str, file_format: str) -> bytes:
    if file_format not in CHART_TYPES:
        raise Http404
    for chart in (run.artifacts or {}).get("charts", []):
        if chart["name"] == name:
            stored = artifacts.read_file(chart.get(file_format))
            if stored is not None:
                return stored
    raise Http404


@require_GET
@login_required
def run_chart(request, run_id: int, name: str, file_format: str):
    run = _succeeded(run_for_evaluator(request.user, run_id))
    content = _chart(run, name, file_format)
    audit.record(
        run.campaign,
        "livinglab.download",
        user=request.user,
        data={"run": run.pk, "format": file_format, "chart": name},
    )
    response = HttpResponse(content, content_type=CHART_TYPES[file_format])
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _published(run_id: int) -> EvaluationRun:
    run = get_object_or_404(
        EvaluationRun, pk=run_id, status=EvaluationRun.Status.SUCCEEDED, published_at__isnull=False
    )
    return run


@require_GET
def public_chart(request, run_id: int, name: str, file_format: str):
    """Charts of published runs are public: aggregated, suppressed data only."""
    content = _chart(_published(run_id), name, file_format)
    response = HttpResponse(content, content_type=CHART_TYPES[file_format])
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def public_report(request, run_id: int):
    run = _published(run_id)
    content = _stored_or_rendered(run, "pdf")
    response = HttpResponse(content, content_type=mimetypes.types_map[".pdf"])
    response["Content-Disposition"] = f'inline; filename="{run.campaign.slug}-evaluation.pdf"'
    return response


@require_GET
def public_datapackage(request, run_id: int):
    """Open data: the published run's aggregates as a Frictionless data package (ZIP)."""
    run = _published(run_id)
    if not run.result:
        raise Http404
    page = reverse("evaluation_runs:public_report_page", args=[run.pk])
    content = opendata.datapackage_zip(
        run.result, run_id=run.pk, slug=run.campaign.slug, url=request.build_absolute_uri(page)
    )
    filename = f"{opendata.package_name(run.campaign.slug, run.pk)}.zip"
    return _attachment(content, "application/zip", filename)
