"""Reads of evaluation runs for the admin, the CMS and the public API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.labels import design_label
from livinglab.evaluation.runs.findings import (
    readable_result,
    summary_of_findings,
    summary_sentences,
)
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
    "suppressed_reason",
    "participants",
    "groups",
    "waves",
    "risk_difference",
    "risk_difference_ci_low",
    "risk_difference_ci_high",
    "odds_ratio",
    "odds_ratio_ci_low",
    "odds_ratio_ci_high",
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
        **public_results(document),
        "charts": charts,
        "pdf_url": reverse("evaluation_runs:public_report", args=[run.pk])
        if (run.artifacts or {}).get("pdf")
        else None,
        "report_url": reverse("evaluation_runs:public_report_page", args=[run.pk]),
        # Open data: the same suppressed aggregates as a Frictionless data package.
        "datapackage_url": reverse("evaluation_runs:public_datapackage", args=[run.pk]),
        "run_id": run.pk,
        "published_at": run.published_at.isoformat(),
    }


def public_results(document: dict[str, Any]) -> dict[str, Any]:
    """What a published document shows to everyone: the summary, the summary of findings, then
    the other outcomes and the subgroups (readable rows), and the raw public result rows."""
    # Only the primary analysis is shown: the other rows are not made readable at all (each
    # readable row costs dozens of translations and number formats, on every rendered page).
    readable = [
        readable_result(document, row)
        for row in document.get("results", [])
        if row.get("analysis") == "primary"
    ]
    return {
        "summary": plain_summary(document),
        "summary_sentences": summary_sentences(document),
        "findings": [finding.as_dict() for finding in summary_of_findings(document)],
        "secondary": [
            row for row in readable if not row["is_subgroup"] and not row["primary_outcome"]
        ],
        "subgroups": [row for row in readable if row["is_subgroup"]],
        "design_label": design_label(document.get("design")),
        "results": [
            {key: row.get(key) for key in PUBLIC_RESULT_KEYS}
            for row in document["results"]
            if row["analysis"] == "primary"
        ],
    }


def plain_summary(document: dict[str, Any]) -> str:
    """The plain-language summary as one paragraph."""
    return " ".join(summary_sentences(document))
