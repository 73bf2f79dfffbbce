"""Admin pages of evaluation runs: list and start per campaign, results, publish, and the
sample size planner. Routed by `viewsets.py`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from livinglab.campaigns import permissions
from livinglab.evaluation.runs import charts, dispatch, selectors, services
from livinglab.evaluation.runs.document import RESULT_COLUMNS, cell_table, result_table
from livinglab.evaluation.runs.forms import SampleSizeForm
from livinglab.evaluation.runs.planning import sample_size_report
from livinglab.evaluation.runs.views import run_for_evaluator

DESCRIPTIVE_SHOWN = ["indicator", "wave", "group", "n", "mean", "sd", "median", "proportion"]


def _display(table: list[list]) -> list[list[str]]:
    """Cells as text: numbers to 3 decimals, missing ones as a dash."""
    return [
        ["—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
         for value in row]
        for row in table
    ]  # fmt: skip


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
    k = document.get("min_cell_size", 10)
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
            result_columns=RESULT_COLUMNS,
            results=_display(result_table(document)),
            descriptive_columns=[*DESCRIPTIVE_SHOWN, "suppressed"],
            descriptives=_display(
                cell_table(document["descriptives"], [*DESCRIPTIVE_SHOWN, "suppressed"], k)
            ),
            flow=charts.flow_data(document),
            charts=(run.artifacts or {}).get("charts", []),
            summary=selectors.plain_summary(document),
        )
    return TemplateResponse(request, "evaluation/runs/detail.html", context)


@require_http_methods(["GET", "POST"])
def run_publish(request, run_id: int):
    """Publishing is irreversible (the results become public, a public page is submitted to
    the editors): a confirmation page first; only its POST with `confirm` publishes."""
    run = run_for_evaluator(request.user, run_id)
    if not permissions.can_export_rows(request.user, run.campaign):
        raise PermissionDenied(_("Seuls les gestionnaires de la campagne publient les résultats."))
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            services.evaluation_run_publish(run=run, user=request.user)
        except services.EvaluationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "Résultats publiés. La page publique de la campagne attend maintenant la "
                    "validation d'un éditeur."
                ),
            )
        return redirect("evaluation_runs_admin:detail", run_id=run.pk)
    return TemplateResponse(
        request,
        "evaluation/runs/publish_confirm.html",
        {
            "run": run,
            "campaign": run.campaign,
            "publish_blocker": services.publish_blocker(run.campaign),
            "page_title": _("Publier les résultats de l'évaluation n° %(id)d") % {"id": run.pk},
            "header_icon": "view",
        },
    )


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
