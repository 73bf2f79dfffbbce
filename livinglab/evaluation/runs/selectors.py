"""Reads of evaluation runs for the admin, the CMS and the public API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.runs.models import EvaluationRun

PUBLIC_RESULT_KEYS = (
    "indicator",
    "label",
    "subgroup",
    "wave",
    "method",
    "n",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
    "effect_size",
    "effect_size_name",
    "suppressed",
)


def runs_of(campaign: Campaign) -> QuerySet[EvaluationRun]:
    return campaign.runs.select_related("requested_by").order_by("-created_at")


def published_run(campaign: Campaign) -> EvaluationRun | None:
    """The latest published run of a campaign."""
    return (
        campaign.runs.filter(status=EvaluationRun.Status.SUCCEEDED, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


def published_results_for(campaign: Campaign) -> dict[str, Any] | None:
    """Aggregated, suppressed results of the published run, or None when nothing is published."""
    run = published_run(campaign)
    if run is None or not run.result:
        return None
    document = run.result
    charts = [
        {
            "title": chart["title"],
            "url": reverse("evaluation_runs:public_chart", args=[run.pk, chart["name"], "png"]),
        }
        for chart in (run.artifacts or {}).get("charts", [])
    ]
    return {
        "summary": plain_summary(document),
        "results": [
            {key: row.get(key) for key in PUBLIC_RESULT_KEYS}
            for row in document["results"]
            if row["analysis"] == "primary"
        ],
        "charts": charts,
        "pdf_url": reverse("evaluation_runs:public_report", args=[run.pk])
        if (run.artifacts or {}).get("pdf")
        else None,
        "run_id": run.pk,
        "published_at": run.published_at.isoformat(),
    }


def _decimal(value: float) -> str:
    return number_format(round(value, 2), decimal_pos=2)


def plain_summary(document: dict[str, Any]) -> str:
    """One French sentence per whole-sample primary result, primary outcome first."""
    outcomes = {outcome["indicator"]: outcome for outcome in document.get("outcomes", [])}
    rows = [
        row
        for row in document["results"]
        if row["subgroup"] == "all" and row["analysis"] == "primary"
    ]
    rows.sort(key=lambda row: not outcomes.get(row["indicator"], {}).get("primary", False))
    alpha = document.get("alpha", 0.05)
    sentences = []
    for row in rows:
        if row["suppressed"] or row["estimate"] is None:
            sentences.append(
                _("« %(label)s » : effectif trop faible pour publier un résultat.")
                % {"label": row["label"]}
            )
            continue
        outcome = outcomes.get(row["indicator"], {})
        rose = row["estimate"] > 0
        better = rose == outcome.get("higher_is_better", True)
        p = row["p_adjusted"] if row["p_adjusted"] is not None else row["p_value"]
        significant = p is not None and p < alpha
        direction = _("a augmenté") if rose else _("a diminué")
        verdict = (
            (_("une amélioration") if better else _("une dégradation"))
            if significant
            else _("une différence qui peut être due au hasard")
        )
        sentences.append(
            _(
                "« %(label)s » %(direction)s de %(estimate)s (IC à 95 %% : %(low)s à %(high)s) "
                "sur %(n)s participants : %(verdict)s."
            )
            % {
                "label": row["label"],
                "direction": direction,
                "estimate": _decimal(abs(row["estimate"])),
                "low": _decimal(row["ci_low"]) if row["ci_low"] is not None else "—",
                "high": _decimal(row["ci_high"]) if row["ci_high"] is not None else "—",
                "n": row["n"],
                "verdict": verdict,
            }
        )
    return " ".join(sentences)
