"""Admin pages of evaluation runs: list and start per campaign, results, publish, withdraw, and the
sample size planner. Routed by `viewsets.py`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin.utils import get_valid_next_url_from_request

from livinglab.campaigns import permissions
from livinglab.evaluation.labels import design_label, flow_stage_label, group_label, wave_label
from livinglab.evaluation.runs import dispatch, selectors, services
from livinglab.evaluation.runs.document import hidden_count
from livinglab.evaluation.runs.findings import (
    decimals_for,
    format_number,
    readable_results,
    summary_of_findings,
    summary_sentences,
)
from livinglab.evaluation.runs.forms import SampleSizeForm, WithdrawForm
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


def flow_rows(document: dict) -> list[dict[str, str]]:
    """The participant flow with labels: stage, wave or outcome, group, count ("< k" hidden)."""
    k = document.get("min_cell_size", 10)
    flow = document.get("flow") or {}
    several_groups = len(flow.get("groups") or []) > 1
    outcomes = {
        o["indicator"]: o.get("label") or o["indicator"] for o in document.get("outcomes", [])
    }
    rows = []
    for cell in flow.get("stages", []):
        if cell["group"] != "all" and not several_groups:
            continue
        stage = flow_stage_label(cell["stage"])
        if cell["stage"] == "answered" and cell.get("detail"):
            stage = f"{stage} — {wave_label(document, cell['detail'])}"
        elif cell["stage"] == "analysed" and cell.get("detail"):
            stage = f"{stage} — {outcomes.get(cell['detail'], cell['detail'])}"
        rows.append(
            {
                "stage": stage,
                "group_label": "" if cell["group"] == "all" else group_label(cell["group"]),
                "text": hidden_count(k) if cell.get("suppressed") else f"n = {cell['n']}",
            }
        )
    return rows


def admin_page(request, template: str, context: dict, *, title, icon: str = "view"):
    """An admin page whose heading and browser title (`header_title`) both say what it is."""
    return TemplateResponse(
        request,
        template,
        {**context, "page_title": title, "header_title": title, "header_icon": icon},
    )


def runs_index(request):
    campaigns = [
        campaign
        for campaign in permissions.campaigns_visible_to(request.user).order_by("title")
        if permissions.can_evaluate(request.user, campaign)
    ]
    return admin_page(
        request, "evaluation/runs/index.html", {"campaigns": campaigns}, title=_("Évaluations")
    )


def campaign_runs(request, campaign_id: int):
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_evaluate)
    dispatch.evaluation_runs_recover()  # a page view is a good moment to notice dead workers
    return admin_page(
        request,
        "evaluation/runs/campaign.html",
        {"campaign": campaign, "runs": selectors.runs_of(campaign)},
        title=_("Évaluations — %(title)s") % {"title": campaign.title},
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
    # The campaign dashboard posts its own address as `next` (same host only).
    return redirect(
        get_valid_next_url_from_request(request)
        or reverse("evaluation_runs_admin:campaign", args=[campaign.pk])
    )


def run_detail(request, run_id: int):
    run = run_for_evaluator(request.user, run_id)
    document = run.result or {}
    context = {
        "run": run,
        "campaign": run.campaign,
        "document": document,
        "can_publish": permissions.can_export_rows(request.user, run.campaign),
        "publish_blocker": services.publish_blocker(run.campaign),
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
            flow=flow_rows(document),
            charts=(run.artifacts or {}).get("charts", []),
        )
    title = _("Évaluation n° %(id)d — %(campaign)s") % {"id": run.pk, "campaign": run.campaign}
    return admin_page(request, "evaluation/runs/detail.html", context, title=title)


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
    return admin_page(
        request,
        "evaluation/runs/publish_confirm.html",
        {
            "run": run,
            "campaign": run.campaign,
            "publish_blocker": services.publish_blocker(run.campaign),
        },
        title=_("Publier les résultats de l'évaluation n° %(id)d") % {"id": run.pk},
    )


@require_http_methods(["GET", "POST"])
def run_withdraw(request, run_id: int):
    """Withdrawing published results takes them off the public site: a confirmation page with
    the reason asked for; only its POST with `confirm` and a reason withdraws."""
    run = run_for_evaluator(request.user, run_id)
    if not permissions.can_export_rows(request.user, run.campaign):
        raise PermissionDenied(
            _("Seuls les gestionnaires de la campagne retirent la publication des résultats.")
        )
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.POST.get("confirm") and form.is_valid():
        try:
            services.evaluation_run_withdraw(
                run=run, user=request.user, reason=form.cleaned_data["reason"]
            )
        except services.EvaluationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "Publication retirée : les résultats de l'évaluation n° %(id)d ne sont plus "
                    "publics."
                )
                % {"id": run.pk},
            )
        return redirect("evaluation_runs_admin:detail", run_id=run.pk)
    if not request.POST.get("confirm"):
        form = WithdrawForm()  # an empty POST only shows the page, without errors
    return admin_page(
        request,
        "evaluation/runs/withdraw_confirm.html",
        {"run": run, "campaign": run.campaign, "form": form},
        title=_("Retirer la publication de l'évaluation n° %(id)d") % {"id": run.pk},
    )


def sample_size_planner(request):
    form = SampleSizeForm(request.GET if "design" in request.GET else None)
    result = None
    if form.is_valid():
        try:
            result = sample_size_report(**form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
    return admin_page(
        request,
        "evaluation/runs/sample_size.html",
        {"form": form, "result": result},
        title=_("Calcul du nombre de sujets nécessaires"),
        icon="calculator",
    )
