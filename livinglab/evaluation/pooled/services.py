"""Pool the published results of every campaign that measured a catalogue indicator.

One effect per campaign: the whole-sample primary result of its latest published run (the last
follow-up wave in repeated designs), never a suppressed row. In the indicator's natural units
(the change readers see, ``findings.change_of``; percentage points for yes/no outcomes) when
every campaign reports it in the same unit, else as a standardised mean difference. Standard
errors come from the published 95 % intervals (normal approximation). Pooled overall, per
setting and per theme, with both DerSimonian–Laird and Paule–Mandel; pages show Paule–Mandel
(``PRIMARY_METHOD``), which does not underestimate τ² with few studies as DL does.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.measurement.models import Indicator
from livinglab.evaluation.pooled.models import PooledEvidence
from livinglab.evaluation.pooled.signals import pooled_evidence_computed
from livinglab.evaluation.runs.findings import certainty_of, change_of, participants_of
from livinglab.evaluation.runs.selectors import published_run

logger = logging.getLogger(__name__)

PRIMARY_METHOD = "pm"
METHODS = ("dl", "pm")
# Standardised mean differences: on one scale whatever the instrument (Cohen's d family).
STANDARDISED_MEAN_DIFFERENCES = {
    "cohens_dz",
    "standardised_did",
    "standardised_change",
    "standardised_ancova_difference",
}


@dataclass
class CampaignEffect:
    """One campaign's result for the indicator, in both scales when it has them."""

    campaign: int
    title: str
    slug: str
    run: int
    wave: str | None
    settings: list[str]
    themes: list[int]
    participants: int | None
    natural: tuple[float, float, float] | None  # estimate, low, high
    unit: str
    standardised: tuple[float, float, float] | None
    effect_size_name: str | None
    higher_is_better: bool = True
    label: str = ""
    design: str = ""
    min_cell_size: int | None = None
    # The campaign's own certainty rating without its imprecision downgrade (the pooled
    # interval replaces it): where the pooled certainty starts (pooled/findings.py).
    certainty: str = ""


@dataclass
class Excluded:
    title: str
    reason: str


@dataclass
class Collected:
    effects: list[CampaignEffect] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)


def _primary_row(document: dict[str, Any], code: str) -> dict[str, Any] | None:
    """The whole-sample primary row of `code` at the last follow-up wave, suppressed or not."""
    rows = [
        row
        for row in document.get("results", [])
        if row.get("indicator") == code
        and row.get("subgroup") == "all"
        and row.get("analysis") == "primary"
    ]
    if not rows:
        return None
    order = {wave: position for position, wave in enumerate(document.get("waves") or [])}
    return max(rows, key=lambda row: order.get(row.get("wave"), -1))


def _interval(value, low, high) -> tuple[float, float, float] | None:
    if value is None or low is None or high is None or not low < high:
        return None
    return float(value), float(low), float(high)


def _total(participants: dict[str, int | None]) -> int | None:
    counts = list(participants.values())
    if not counts or any(count is None for count in counts):
        return None
    return int(sum(counts))


def campaign_effects(*, indicator: Indicator) -> Collected:
    """Each campaign's published effect on `indicator` (latest published run only)."""
    collected = Collected()
    campaigns = (
        Campaign.objects.filter(runs__published_at__isnull=False)
        .distinct()
        .prefetch_related("settings", "themes")
        .order_by("title", "pk")
    )
    for campaign in campaigns:
        run = published_run(campaign)
        document = run.result if run is not None else None
        if not document:
            continue
        outcome = next(
            (item for item in document.get("outcomes", []) if item["indicator"] == indicator.code),
            None,
        )
        if outcome is None:
            continue
        row = _primary_row(document, indicator.code)
        if row is None:
            collected.excluded.append(Excluded(campaign.title, _("pas de résultat principal")))
            continue
        if row.get("suppressed"):
            collected.excluded.append(Excluded(campaign.title, _("résultat masqué")))
            continue
        change = change_of(row, outcome)
        collected.effects.append(
            CampaignEffect(
                campaign=campaign.pk,
                title=campaign.title,
                slug=campaign.slug,
                run=run.pk,
                wave=row.get("wave"),
                settings=sorted(setting.code for setting in campaign.settings.all()),
                themes=sorted(theme.pk for theme in campaign.themes.all()),
                participants=_total(participants_of(document, row)),
                natural=_interval(change.value, change.low, change.high),
                unit=change.unit,
                standardised=_interval(
                    row.get("effect_size"),
                    row.get("effect_size_ci_low"),
                    row.get("effect_size_ci_high"),
                )
                if row.get("effect_size_name") in STANDARDISED_MEAN_DIFFERENCES
                else None,
                effect_size_name=row.get("effect_size_name"),
                higher_is_better=bool(outcome.get("higher_is_better", True)),
                label=outcome.get("label") or indicator.label,
                design=document.get("design") or "",
                min_cell_size=document.get("min_cell_size"),
                certainty=_certainty_before_imprecision(document, row),
            )
        )
    return collected


def _certainty_before_imprecision(document: dict[str, Any], row: dict[str, Any]) -> str:
    """The campaign's rating of docs/certainty.md, read without its interval (no imprecision
    rule can apply): design, pre-registration, attrition and baseline balance only."""
    without_interval = {
        **row,
        **dict.fromkeys(("ci_low", "ci_high", "risk_difference_ci_low", "risk_difference_ci_high")),
    }
    return certainty_of(document, without_interval).level


def effect_scale(effects: list[CampaignEffect]) -> str:
    """Natural units when every campaign reports the change in one and the same unit."""
    units = {effect.unit for effect in effects}
    if effects and len(units) == 1 and all(effect.natural for effect in effects):
        return PooledEvidence.EffectScale.NATURAL
    return PooledEvidence.EffectScale.STANDARDISED


def pooled_numbers(
    effects: list[CampaignEffect], scale: str, excluded: list[Excluded]
) -> dict[str, Any]:
    """The stored JSON of one stratum: studies, both random-effects fits, unit and labels."""
    from livinglab.evaluation.stats.meta import random_effects, se_from_interval

    natural = scale == PooledEvidence.EffectScale.NATURAL
    studies, skipped = [], list(excluded)
    for effect in effects:
        values = effect.natural if natural else effect.standardised
        if values is None:
            skipped.append(Excluded(effect.title, _("pas d'effet standardisé avec intervalle")))
            continue
        estimate, low, high = values
        studies.append(
            {
                "campaign": effect.campaign,
                "title": effect.title,
                "slug": effect.slug,
                "run": effect.run,
                "wave": effect.wave,
                "participants": effect.participants,
                "design": effect.design,
                "min_cell_size": effect.min_cell_size,
                "certainty": effect.certainty,
                "estimate": estimate,
                "ci_low": low,
                "ci_high": high,
                "se": se_from_interval(low=low, high=high),
            }
        )
    fits: dict[str, Any] = dict.fromkeys(METHODS)
    if len(studies) >= 2:
        for method in METHODS:
            fits[method] = random_effects(
                effects=[study["estimate"] for study in studies],
                variances=[study["se"] ** 2 for study in studies],
                method=method,
            ).as_dict()
        for study, weight in zip(studies, fits[PRIMARY_METHOD]["weights"], strict=True):
            study["weight"] = weight
    counts = [study["participants"] for study in studies]
    first = effects[0] if effects else None
    return {
        "effect_scale": scale,
        "unit": first.unit if natural and first else "",
        "label": first.label if first else "",
        "higher_is_better": first.higher_is_better if first else True,
        "primary_method": PRIMARY_METHOD,
        "studies": studies,
        "excluded": [asdict(item) for item in skipped],
        "participants": sum(counts) if studies and None not in counts else None,
        **fits,
    }


def _strata(effects: list[CampaignEffect]) -> list[tuple[str, int | None, list[CampaignEffect]]]:
    """(setting, theme id, effects): overall, then per setting, then per theme."""
    strata = [("", None, effects)]
    for setting in sorted({code for effect in effects for code in effect.settings}):
        strata.append((setting, None, [effect for effect in effects if setting in effect.settings]))
    for theme in sorted({pk for effect in effects for pk in effect.themes}):
        strata.append(("", theme, [effect for effect in effects if theme in effect.themes]))
    return strata


@transaction.atomic
def pooled_evidence_compute(*, indicator: Indicator, charts: bool = True) -> list[PooledEvidence]:
    """Recompute (replace) every stored pooled result of `indicator`; idempotent."""
    from livinglab.evaluation.pooled import charts as pooled_charts

    # The indicator's row serialises two recomputations of the same indicator: the later one
    # reads what the earlier one did not see, so a slow task never writes older figures last.
    list(Indicator.objects.select_for_update().filter(pk=indicator.pk).values_list("pk"))
    collected = campaign_effects(indicator=indicator)
    scale = effect_scale(collected.effects)
    now = timezone.now()
    rows = []
    for setting, theme, effects in _strata(collected.effects):
        overall = not setting and theme is None
        numbers = pooled_numbers(effects, scale, collected.excluded if overall else [])
        if not numbers["studies"]:
            continue
        evidence = PooledEvidence(
            indicator=indicator,
            setting=setting,
            theme_id=theme,
            effect_scale=scale,
            campaigns=len(numbers["studies"]),
            participants=numbers["participants"],
            numbers=numbers,
            computed_at=now,
        )
        if charts:  # drawn before the rows change: a reader never sees figures without plots
            evidence.charts = pooled_charts.save_forest_plot(evidence)
        rows.append(evidence)
    PooledEvidence.objects.filter(indicator=indicator).delete()
    PooledEvidence.objects.bulk_create(rows)
    transaction.on_commit(
        lambda: pooled_evidence_computed.send(sender=PooledEvidence, indicator=indicator)
    )
    return rows


def pooled_evidence_compute_all(*, codes: list[str] | None = None) -> dict[str, int]:
    """Recompute the pooled results of the indicators with `codes` (all when None)."""
    indicators = Indicator.objects.all()
    if codes is not None:
        indicators = indicators.filter(code__in=codes)
    counts = {}
    for indicator in indicators:
        counts[indicator.code] = len(pooled_evidence_compute(indicator=indicator))
    logger.info("pooled evidence recomputed: %s", counts)
    return counts
