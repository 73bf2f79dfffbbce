"""Admin pages of evaluation runs: list and start per campaign, progress, results, publish,
and the sample size planner. Wired here; wagtail_hooks.py imports this module."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from livinglab.campaigns import permissions
from livinglab.campaigns.models import Campaign
from livinglab.evaluation import reports, selectors, services
from livinglab.evaluation.management.commands.sample_size import sample_size_report
from livinglab.evaluation.outputs import RESULT_COLUMNS, cell_table, result_table
from livinglab.evaluation.runs_views import run_for_evaluator


def _campaign(user, slug: str) -> Campaign:
    campaign = get_object_or_404(permissions.campaigns_visible_to(user), slug=slug)
    if not permissions.can_evaluate(user, campaign):
        raise PermissionDenied
    return campaign


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


def campaign_runs(request, slug: str):
    campaign = _campaign(request.user, slug)
    services.evaluation_runs_recover()  # a page view is a good moment to notice dead workers
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
def run_start(request, slug: str):
    campaign = _campaign(request.user, slug)
    try:
        run = services.evaluation_run_start(
            campaign=campaign, user=request.user, force=bool(request.POST.get("force"))
        )
    except services.EvaluationError as error:
        messages.error(request, str(error))
    else:
        run.refresh_from_db()  # the send happened on commit, inside evaluation_run_start
        if services.dispatch_failed(run):
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
    return redirect("evaluation_runs_admin:campaign", slug=campaign.slug)


def run_detail(request, run_id: int):
    run = run_for_evaluator(request.user, run_id)
    document = run.result or {}
    k = document.get("min_cell_size", 10)
    context = {
        "run": run,
        "campaign": run.campaign,
        "document": document,
        "can_publish": permissions.can_export_rows(request.user, run.campaign),
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
            flow=reports.flow_data(document),
            charts=(run.artifacts or {}).get("charts", []),
            summary=selectors.plain_summary(document),
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


class SampleSizeForm(forms.Form):
    design = forms.ChoiceField(
        label=_("Plan"),
        choices=[("paired", _("Avant/après (paires)")), ("two_group", _("Deux groupes"))],
    )
    effect_size = forms.FloatField(label=_("Taille d'effet (d de Cohen)"), initial=0.5)
    power = forms.FloatField(label=_("Puissance"), initial=0.8, min_value=0.01, max_value=0.99)
    alpha = forms.FloatField(label=_("Seuil alpha"), initial=0.05, min_value=0.001, max_value=0.5)
    icc = forms.FloatField(label=_("Corrélation intra-grappe (ICC)"), initial=0, min_value=0)
    cluster_size = forms.IntegerField(label=_("Taille des grappes"), initial=1, min_value=1)


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


urlpatterns = [
    path("", runs_index, name="index"),
    path("campaign/<slug:slug>/", campaign_runs, name="campaign"),
    path("campaign/<slug:slug>/start/", run_start, name="start"),
    path("run/<int:run_id>/", run_detail, name="detail"),
    path("run/<int:run_id>/publish/", run_publish, name="publish"),
    path("sample-size/", sample_size_planner, name="sample_size"),
]


@hooks.register("register_admin_urls")
def register_runs_urls():
    return [path("evaluation-runs/", include((urlpatterns, "evaluation_runs_admin")))]


@hooks.register("register_admin_menu_item")
def register_runs_menu_item():
    return MenuItem(
        _("Évaluations"), reverse("evaluation_runs_admin:index"), icon_name="view", order=220
    )


@hooks.register("register_admin_menu_item")
def register_sample_size_menu_item():
    return MenuItem(
        _("Nombre de sujets nécessaires"),
        reverse("evaluation_runs_admin:sample_size"),
        icon_name="calculator",
        order=221,
    )
