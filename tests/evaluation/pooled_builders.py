"""Campaigns with one succeeded run whose results document is written by hand (pooled tests)."""

from __future__ import annotations

from django.utils import timezone

from livinglab.campaigns.models import Campaign, CampaignSetting, Theme
from livinglab.evaluation.measurement.protocols import protocol_import
from livinglab.evaluation.models import EvaluationRun


def result_row(indicator="sleep_score", **values):
    return {
        "indicator": indicator,
        "label": "Temps de sommeil",
        "subgroup": "all",
        "wave": "post",
        "analysis": "primary",
        "method": "paired_t",
        "n": 40,
        "estimate": 0.5,
        "ci_low": 0.25,
        "ci_high": 0.75,
        "p_value": 0.001,
        "effect_size": 0.6,
        "effect_size_name": "cohens_dz",
        "effect_size_ci_low": 0.3,
        "effect_size_ci_high": 0.9,
        "suppressed": False,
        **values,
    }


def results_document(*rows, unit="h", indicator="sleep_score"):
    return {
        "design": "pre_post",
        "alpha": 0.05,
        "min_cell_size": 10,
        "waves": ["baseline", "post"],
        "wave_labels": {},
        "outcomes": [
            {
                "indicator": indicator,
                "label": "Temps de sommeil",
                "scale": "continuous",
                "primary": True,
                "unit": unit,
                "higher_is_better": True,
            }
        ],
        "flow": {"groups": ["all"], "stages": []},
        "descriptives": [],
        "results": list(rows),
    }


def campaign_with_run(
    slug, *rows, unit="h", settings=(), themes=(), published=True, status="evaluation"
) -> EvaluationRun:
    """A campaign in evaluation with one succeeded run of `rows` (published unless told)."""
    indicator = rows[0]["indicator"] if rows else "sleep_score"
    protocol = protocol_import(
        definition={
            "campaign": {"slug": slug, "title": slug.replace("-", " ").title()},
            "design": "pre_post",
            "waves": ["baseline", "post"],
            "outcomes": [
                {
                    "indicator": indicator,
                    "label": "Temps de sommeil",
                    "scale": "continuous",
                    "primary": True,
                }
            ],
        }
    )
    campaign = protocol.campaign
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    for code in settings:
        campaign.settings.add(CampaignSetting.objects.get_or_create(code=code)[0])
    for theme_slug in themes:
        theme = Theme.objects.get_or_create(slug=theme_slug, defaults={"name": theme_slug})[0]
        campaign.themes.add(theme)
    return EvaluationRun.objects.create(
        campaign=campaign,
        protocol=protocol,
        protocol_version=protocol.version,
        protocol_hash="0" * 64,
        status=EvaluationRun.Status.SUCCEEDED,
        result=results_document(*rows, unit=unit, indicator=indicator),
        finished_at=timezone.now(),
        published_at=timezone.now() if published else None,
    )
