"""Admin read view of the pooled evidence: what the network's campaigns say, per indicator."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from livinglab.evaluation.pooled.models import PooledEvidence
from livinglab.evaluation.pooled.selectors import pooled_evidence_list
from livinglab.evaluation.runs.admin_views import admin_page
from livinglab.evaluation.runs.findings import decimals_for, format_number


def _interval(low: float | None, high: float | None, decimals: int) -> str:
    if low is None or high is None:
        return "—"
    return _("%(low)s à %(high)s") % {
        "low": format_number(low, decimals),
        "high": format_number(high, decimals),
    }


def pooled_row(evidence: PooledEvidence) -> dict[str, Any]:
    """One indicator's pooled figures as French text (Paule–Mandel, the method pages show)."""
    numbers = evidence.numbers
    fit = numbers.get(numbers.get("primary_method", "pm"))
    row = {
        "indicator": evidence.indicator.label,
        "scale": evidence.get_effect_scale_display(),
        "unit": numbers.get("unit", ""),
        "campaigns": evidence.campaigns,
        "participants": evidence.participants,
        "computed_at": evidence.computed_at,
        "png": reverse("evaluation_pooled:forest_plot", args=[evidence.pk, "png"]),
        "svg": reverse("evaluation_pooled:forest_plot", args=[evidence.pk, "svg"]),
        "estimate": "—",
        "ci": "—",
        "pi": "—",
        "tau2": "—",
        "i2": "—",
    }
    if fit:
        decimals = decimals_for(spread=fit["ci_high"] - fit["ci_low"])
        row.update(
            estimate=format_number(fit["estimate"], decimals, signed=True),
            ci=_interval(fit["ci_low"], fit["ci_high"], decimals),
            pi=_interval(fit["pi_low"], fit["pi_high"], decimals),
            tau2=format_number(fit["tau2"], max(decimals, 2) + 1),
            i2=f"{format_number(fit['i2'], 0)} %",
        )
    return row


def pooled_index(request):
    rows = [pooled_row(evidence) for evidence in pooled_evidence_list()]
    return admin_page(
        request,
        "evaluation/pooled/index.html",
        {"rows": rows},
        title=_("Résultats groupés entre campagnes"),
        icon="table",
    )
