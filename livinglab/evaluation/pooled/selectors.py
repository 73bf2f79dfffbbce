"""Reads of pooled evidence for the public "what works" pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from livinglab.campaigns.models import Theme
from livinglab.evaluation.measurement.models import Indicator
from livinglab.evaluation.pooled.models import PooledEvidence


def pooled_evidence_for(
    indicator: Indicator, setting: str | None = None, theme: Theme | None = None
) -> PooledEvidence | None:
    """The stored pooled result of `indicator`, overall or within one setting or one theme."""
    return (
        PooledEvidence.objects.select_related("indicator", "theme")
        .filter(indicator=indicator, setting=setting or "", theme=theme)
        .first()
    )


def pooled_evidence_list(*, setting: str | None = None, theme: Theme | None = None) -> QuerySet:
    """Every indicator's pooled result in one stratum (overall by default)."""
    return PooledEvidence.objects.select_related("indicator", "theme").filter(
        setting=setting or "", theme=theme
    )
