"""What a reader of the "what works" pages reads about one pooled result: the change in words,
where a new campaign's effect would fall, and how sure we can be (rules in docs/certainty.md,
section "Pooled evidence").

Computed from the stored ``PooledEvidence.numbers`` alone, so every page says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from livinglab.evaluation.runs.findings import (
    CERTAINTY_LABELS,
    CERTAINTY_LEVELS,
    MINUS,
    Certainty,
    _interval_decimals,
    format_number,
)

# The thresholds of docs/certainty.md ("Pooled evidence").
INCONSISTENCY_I2 = 50.0  # percent
FEW_CAMPAIGNS = 3
# Cohen's conventional sizes of a standardised mean difference.
SMALL, MEDIUM, LARGE = 0.2, 0.5, 0.8


# The catalogue stores units in French only: the ones the indicators use, for other languages.
UNITS = {
    "min/jour": gettext_lazy("min/jour"),
    "h/jour": gettext_lazy("h/jour"),
    "h": gettext_lazy("h"),
    "min": gettext_lazy("min"),
    "points": gettext_lazy("points"),
    "points de pourcentage": gettext_lazy("points de pourcentage"),
    "jours": gettext_lazy("jours"),
    "jours/semaine": gettext_lazy("jours/semaine"),
    "verres/semaine": gettext_lazy("verres/semaine"),
    "cigarettes/jour": gettext_lazy("cigarettes/jour"),
}


def unit_label(unit: str) -> str:
    """The unit in the active language (the stored French unit when it is not a known one)."""
    return str(UNITS.get(unit, unit))


@dataclass(frozen=True)
class PooledReading:
    """One pooled result in words and numbers, as a toolkit card shows it."""

    label: str
    standardised: bool
    estimate: float
    ci_low: float
    ci_high: float
    impact: str  # "+0,6 h (de +0,3 à +0,9)"
    verdict: str  # a plain sentence
    scale_note: str  # what a standardised effect means, "" in natural units
    prediction: str
    campaigns: int
    participants: int | None
    strength: str  # "4 campagnes, 312 participants"
    certainty: Certainty
    pooled: bool  # False for a single campaign (nothing pooled)


def fit_of(numbers: dict[str, Any]) -> dict[str, Any] | None:
    """The random-effects fit the pages show (Paule–Mandel), None with a single campaign."""
    return numbers.get(numbers.get("primary_method") or "pm")


def _signed(value: float, decimals: int) -> str:
    return format_number(value, decimals, signed=True)


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


def _impact(estimate: float, low: float, high: float, unit: str) -> str:
    decimals = _interval_decimals(estimate, low, high)
    return _("%(estimate)s (de %(low)s à %(high)s)") % {
        "estimate": _with_unit(_signed(estimate, decimals), unit),
        "low": _signed(low, decimals),
        "high": _signed(high, decimals),
    }


def _size_word(value: float) -> str:
    size = abs(value)
    if size < SMALL:
        return _("très petit")
    if size < MEDIUM:
        return _("petit")
    if size < LARGE:
        return _("moyen")
    return _("grand")


def _verdict(label: str, low: float, high: float, higher_is_better: bool, pooled: bool) -> str:
    if low <= 0 <= high:
        return _(
            "On ne peut pas encore dire si ces campagnes changent « %(label)s » : l'intervalle "
            "de confiance inclut l'absence d'effet."
        ) % {"label": label}
    improved = (low > 0) == higher_is_better
    if pooled:
        text = (
            _("En moyenne, ces campagnes ont amélioré « %(label)s ».")
            if improved
            else _("En moyenne, ces campagnes ont dégradé « %(label)s ».")
        )
    else:
        text = (
            _("Cette campagne a amélioré « %(label)s ».")
            if improved
            else _("Cette campagne a dégradé « %(label)s ».")
        )
    return text % {"label": label}


def _prediction(fit: dict[str, Any] | None, unit: str, estimate: float) -> str:
    if fit is None or fit.get("pi_low") is None or fit.get("pi_high") is None:
        return _(
            "Moins de trois campagnes : on ne peut pas encore dire où se situerait l'effet "
            "d'une nouvelle campagne."
        )
    decimals = _interval_decimals(estimate, fit["pi_low"], fit["pi_high"])
    return _(
        "Pour une nouvelle campagne, l'effet attendu se situe entre %(low)s et %(high)s "
        "(intervalle de prédiction à 95 %%)."
    ) % {
        "low": _with_unit(_signed(fit["pi_low"], decimals), unit),
        "high": _with_unit(_signed(fit["pi_high"], decimals), unit),
    }


def strength_text(campaigns: int, participants: int | None) -> str:
    text = ngettext("%(count)d campagne", "%(count)d campagnes", campaigns) % {"count": campaigns}
    if participants is None:
        return text + ", " + _("nombre de participants non communiqué")
    people = ngettext("%(count)s participant", "%(count)s participants", participants) % {
        "count": format_number(participants, 0)
    }
    return f"{text}, {people}"


def _starting_level(studies: list[dict[str, Any]]) -> int:
    """The campaigns' own rating (without imprecision) held by at least half of the weight:
    the weighted median of their levels. A study stored without one counts as "faible"."""
    unknown = CERTAINTY_LEVELS.index("low")
    rated = sorted(
        (
            CERTAINTY_LEVELS.index(study["certainty"])
            if study.get("certainty") in CERTAINTY_LEVELS
            else unknown,
            study.get("weight", 1 / len(studies)),
        )
        for study in studies
    )
    total = sum(weight for _level, weight in rated)
    reached = 0.0
    for level, weight in rated:
        reached += weight
        if reached >= total / 2:
            return level
    return unknown


def pooled_certainty(numbers: dict[str, Any]) -> Certainty:
    """GRADE-style certainty of one pooled result, with its reasons (docs/certainty.md)."""
    studies = numbers.get("studies") or []
    fit = fit_of(numbers)
    level = _starting_level(studies) if studies else CERTAINTY_LEVELS.index("very_low")
    reasons = [
        _(
            "départ : la certitude des campagnes elles-mêmes (sans leur imprécision), "
            "« %(level)s » pour la majorité du poids"
        )
        % {"level": CERTAINTY_LABELS[CERTAINTY_LEVELS[level]]}
    ]
    rules = []
    downgrades = []
    if len(studies) < FEW_CAMPAIGNS:
        downgrades.append(
            ("few_campaigns", _("moins de trois campagnes : trop peu pour généraliser"))
        )
    if fit is not None and fit.get("i2") is not None and fit["i2"] > INCONSISTENCY_I2:
        downgrades.append(
            (
                "inconsistency",
                _("incohérence : les campagnes divergent (I² = %(i2)s %%, plus de 50 %%)")
                % {"i2": format_number(fit["i2"], 0)},
            )
        )
    low, high = _interval(numbers)
    if low is not None and low <= 0 <= high:
        downgrades.append(
            (
                "imprecision_zero",
                _("imprécision : l'intervalle de confiance inclut l'absence d'effet"),
            )
        )
    for rule, reason in downgrades:
        level += 1
        rules.append(rule)
        reasons.append(f"{reason} ({MINUS}1)")
    return Certainty(CERTAINTY_LEVELS[min(level, 3)], reasons, rules)


def _interval(numbers: dict[str, Any]) -> tuple[float | None, float | None]:
    fit = fit_of(numbers)
    if fit is not None:
        return fit["ci_low"], fit["ci_high"]
    studies = numbers.get("studies") or []
    if len(studies) == 1:
        return studies[0]["ci_low"], studies[0]["ci_high"]
    return None, None


def pooled_reading(numbers: dict[str, Any], *, label: str = "") -> PooledReading | None:
    """The card's words and numbers in the active language, None when the row holds no study.
    ``label`` replaces the stored (French) indicator label, e.g. by the catalogue's English one."""
    studies = numbers.get("studies") or []
    if not studies:
        return None
    fit = fit_of(numbers)
    source = fit if fit is not None else studies[0]
    estimate, low, high = source["estimate"], source["ci_low"], source["ci_high"]
    standardised = numbers.get("effect_scale") == "standardised"
    unit = "" if standardised else unit_label(numbers.get("unit", ""))
    label = label or numbers.get("label", "")
    impact = _impact(estimate, low, high, unit)
    scale_note = ""
    if standardised:
        impact = _("effet standardisé %(impact)s") % {"impact": impact}
        scale_note = _(
            "Les campagnes n'ont pas mesuré « %(label)s » dans la même unité : l'effet est "
            "exprimé en écarts-types (différence moyenne standardisée ; repères usuels : 0,2 "
            "petit, 0,5 moyen, 0,8 grand). Ici, un effet %(size)s."
        ) % {"label": label, "size": _size_word(estimate)}
    return PooledReading(
        label=label,
        standardised=standardised,
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        impact=impact,
        verdict=_verdict(
            label, low, high, bool(numbers.get("higher_is_better", True)), fit is not None
        ),
        scale_note=scale_note,
        prediction=_prediction(fit, unit, estimate),
        campaigns=len(studies),
        participants=numbers.get("participants"),
        strength=strength_text(len(studies), numbers.get("participants")),
        certainty=pooled_certainty(numbers),
        pooled=fit is not None,
    )
