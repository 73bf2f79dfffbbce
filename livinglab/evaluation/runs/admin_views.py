"""Admin pages of evaluation runs: list and start per campaign, results, publish, and the
sample size planner. Routed by `viewsets.py`."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from livinglab.campaigns import permissions
from livinglab.evaluation.labels import design_label, group_label, wave_label
from livinglab.evaluation.runs import charts, dispatch, selectors, services
from livinglab.evaluation.runs.document import hidden_count
from livinglab.evaluation.runs.findings import (
    decimals_for,
    format_number,
    readable_results,
    summary_of_findings,
    summary_sentences,
)
from livinglab.evaluation.runs.forms import SampleSizeForm
from livinglab.evaluation.runs.planning import sample_size_report
from livinglab.evaluation.runs.views import run_for_evaluator

DESCRIPTIVE_COLUMNS = [
    _("Critère"),
    _("Vague"),
    _("Groupe"),
    _("Effectif"),
    _("Moyenne"),
    _("Écart-type"),
    _("Médiane"),
    _("Proportion"),
]


def _french(value) -> str:
    """A descriptive statistic in French, three significant digits; a dash when missing."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return format_number(value, min(decimals_for(value=value) + 1, 6))
    return str(value)


def descriptive_rows(document: dict) -> list[list[str]]:
    """Descriptive cells with labels and French numbers; a withheld cell shows "< k"."""
    k = document.get("min_cell_size", 10)
    rows = []
    for cell in document.get("descriptives", []):
        label = [cell.get("label") or cell["indicator"], wave_label(document, cell["wave"])]
        label.append(group_label(cell["group"]))
        if cell.get("suppressed"):
            rows.append([*label, hidden_count(k), "—", "—", "—", "—"])
            continue
        proportion = cell.get("proportion")
        rows.append(
            [
                *label,
                str(cell.get("n", "—")),
                _french(cell.get("mean")),
                _french(cell.get("sd")),
                _french(cell.get("median")),
                "—" if proportion is None else f"{format_number(100 * proportion, 1)} %",
            ]
        )
    return rows


def runs_index(request):
    campaigns = [
        campaign
        for campaign in permissions.campaigns_visible_to(request.user).order_by("title")
        if permissions.can_evaluate(request.user, campaign)
    ]
    return TemplateResponse(
        request,
        "evaluation/runs/index.html",
        {"campaigns": campaigns, "page_title": _("Évaluations"), "header_icon": "view"},
    )


def campaign_runs(request, campaign_id: int):
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_evaluate)
    dispatch.evaluation_runs_recover()  # a page view is a good moment to notice dead workers
    return TemplateResponse(
        request,
        "evaluation/runs/campaign.html",
        {
            "campaign": campaign,
            "runs": selectors.runs_of(campaign),
            "page_title": _("Évaluations — %(title)s") % {"title": campaign.title},
            "header_icon": "view",
        },
    )


@require_POST
def run_start(request, campaign_id: int):
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_evaluate)
    try:
        run = services.evaluation_run_start(
            campaign=campaign, user=request.user, force=bool(request.POST.get("force"))
        )
    except services.EvaluationError as error:
        messages.error(request, str(error))
    else:
        run.refresh_from_db()  # the send happened on commit, inside evaluation_run_start
        if dispatch.dispatch_failed(run):
            messages.warning(
                request,
                _(
                    "La file d'attente des calculs est injoignable pour le moment. "
                    "L'évaluation n° %(id)d est enregistrée et démarrera automatiquement "
                    "dès que le service de calcul sera de nouveau disponible : "
                    "inutile de la relancer."
                )
                % {"id": run.pk},
            )
        else:
            messages.success(request, _("Évaluation n° %(id)d lancée.") % {"id": run.pk})
    return redirect("evaluation_runs_admin:campaign", campaign_id=campaign.pk)


def run_detail(request, run_id: int):
    run = run_for_evaluator(request.user, run_id)
    document = run.result or {}
    context = {
        "run": run,
        "campaign": run.campaign,
        "document": document,
        "can_publish": permissions.can_export_rows(request.user, run.campaign),
        "publish_blocker": services.publish_blocker(run.campaign),
        "page_title": _("Évaluation n° %(id)d") % {"id": run.pk},
        "header_icon": "view",
        "downloads": ["json", "csv", "xlsx", "pdf"],
    }
    if document:
        context.update(
            summary_sentences=summary_sentences(document),
            findings=[finding.as_dict() for finding in summary_of_findings(document)],
            results=readable_results(document),
            design_label=design_label(document.get("design")),
            descriptive_columns=DESCRIPTIVE_COLUMNS,
            descriptives=descriptive_rows(document),
            flow=[
                {**box, "group_label": "" if box["group"] == "all" else group_label(box["group"])}
                for box in charts.flow_data(document)
            ],
            charts=(run.artifacts or {}).get("charts", []),
        )
    return TemplateResponse(request, "evaluation/runs/detail.html", context)


@require_POST
def run_publish(request, run_id: int):
    run = run_for_evaluator(request.user, run_id)
    try:
        services.evaluation_run_publish(run=run, user=request.user)
    except services.EvaluationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Résultats publiés."))
    return redirect("evaluation_runs_admin:detail", run_id=run.pk)


def sample_size_planner(request):
    form = SampleSizeForm(request.GET if "design" in request.GET else None)
    result = None
    if form.is_valid():
        try:
            result = sample_size_report(**form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
    return TemplateResponse(
        request,
        "evaluation/runs/sample_size.html",
        {
            "form": form,
            "result": result,
            "page_title": _("Calcul du nombre de sujets nécessaires"),
            "header_icon": "calculator",
        },
    )
