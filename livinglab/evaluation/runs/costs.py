"""Cost per unit of change: what a campaign spent per participant reached, divided by the change
each participant gained on a primary outcome of its evaluation.

Rules (docs/statistics.md, "Coût par unité de changement"):
- the effect is the summary-of-findings change (`findings.Finding`): the change per participant
  in the indicator's natural unit (for controlled designs, relative to the comparison group),
  turned so that a positive value is an improvement when the catalogue says lower is better;
- for yes/no outcomes the change is a risk difference: cost per participant ÷ risk difference
  is the **cost per additional person reaching the outcome**;
- the interval comes from the effect's 95 % CI: cost ÷ upper bound to cost ÷ lower bound. When
  the CI contains zero there is no upper bound, and no point figure is given as if it were
  precise; when the effect goes the wrong way (or is nil) there is no figure at all, and the
  sentence says why. Ordinal scales have no natural unit: no figure either.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from livinglab.campaigns import costs as campaign_costs
from livinglab.campaigns.models import Campaign
from livinglab.evaluation.runs.findings import Finding, summary_of_findings

CENT = Decimal("0.01")

BOUNDED = "bounded"  # a figure and its interval
UNBOUNDED = "unbounded"  # the effect's CI contains zero: a lower bound only
WRONG_DIRECTION = "wrong_direction"  # the effect is a deterioration
NO_CHANGE = "no_change"
NOT_AVAILABLE = "not_available"  # withheld, not computable, no interval, or ordinal scale


@dataclass(frozen=True)
class CostPerChange:
    """The cost per unit of change of one primary outcome (and wave), with its sentence."""

    indicator: str
    label: str
    per_person: bool  # yes/no outcome: cost per additional person reaching the outcome
    status: str
    value: Decimal | None = None
    low: Decimal | None = None  # cost ÷ the effect's upper bound
    high: Decimal | None = None  # cost ÷ the effect's lower bound; None when unbounded
    text: str = ""


def _euros(value: Decimal) -> str:
    return campaign_costs.format_euros(value, cents=True)


def _divide(cost: Decimal, effect: float) -> Decimal:
    return (cost / Decimal(repr(effect))).quantize(CENT, rounding=ROUND_HALF_UP)


def _oriented(finding: Finding, higher_is_better: bool) -> tuple[float, float | None, float | None]:
    """The change and its CI with a positive value meaning an improvement; yes/no outcomes as
    a risk difference (a proportion, not percentage points)."""
    scale = 0.01 if finding.binary else 1.0
    value = finding.change * scale
    low = None if finding.ci_low is None else finding.ci_low * scale
    high = None if finding.ci_high is None else finding.ci_high * scale
    if higher_is_better:
        return value, low, high
    return -value, None if high is None else -high, None if low is None else -low


def _unit_phrase(finding: Finding, unit: str) -> str:
    if finding.binary:
        return _("par personne supplémentaire atteignant le résultat souhaité")
    return _("pour 1 %(unit)s d'amélioration par participant") % {"unit": unit or _("point")}


def cost_per_change(
    finding: Finding, outcome: dict[str, Any], per_participant: Decimal, *, label: str = ""
) -> CostPerChange:
    """The cost per unit of change of one summary-of-findings row."""
    label = label or finding.label
    base = {"indicator": finding.indicator, "label": label, "per_person": finding.binary}
    name = _("coût par personne supplémentaire") if finding.binary else _("coût par unité")
    if finding.suppressed or finding.change is None:
        why = finding.suppressed_text or _("résultat non calculable avec ces données")
        text = _("« %(label)s » : pas de %(name)s (%(why)s).") % {
            "label": label,
            "name": name,
            "why": why,
        }
        return CostPerChange(**base, status=NOT_AVAILABLE, text=text)
    if outcome.get("scale") == "ordinal":
        text = _(
            "« %(label)s » : pas de coût par unité de changement (échelle ordinale, sans unité "
            "naturelle)."
        ) % {"label": label}
        return CostPerChange(**base, status=NOT_AVAILABLE, text=text)
    value, low, high = _oriented(finding, bool(outcome.get("higher_is_better", True)))
    if value == 0:
        text = _(
            "« %(label)s » : pas de %(name)s, l'effet mesuré est nul (aucun changement par "
            "participant)."
        ) % {"label": label, "name": name}
        return CostPerChange(**base, status=NO_CHANGE, text=text)
    if value < 0:
        text = _(
            "« %(label)s » : pas de %(name)s, l'effet va dans le mauvais sens (le résultat "
            "s'est dégradé) : dépenser davantage n'achète pas d'amélioration."
        ) % {"label": label, "name": name}
        return CostPerChange(**base, status=WRONG_DIRECTION, text=text)
    phrase = _unit_phrase(finding, outcome.get("unit", ""))
    if low is None or high is None:
        text = _(
            "« %(label)s » : pas de %(name)s, l'effet n'a pas d'intervalle de confiance "
            "(un chiffre sans intervalle laisserait croire à une précision qu'il n'a pas)."
        ) % {"label": label, "name": name}
        return CostPerChange(**base, status=NOT_AVAILABLE, text=text)
    if low <= 0:
        lower = _divide(per_participant, high)
        text = _(
            "« %(label)s » : l'intervalle de l'effet contient zéro : coût par unité non borné "
            "(au moins %(low)s %(phrase)s, sans limite haute)."
        ) % {"label": label, "low": _euros(lower), "phrase": phrase}
        return CostPerChange(**base, status=UNBOUNDED, low=lower, text=text)
    point, lower, upper = (
        _divide(per_participant, value),
        _divide(per_participant, high),
        _divide(per_participant, low),
    )
    text = _("« %(label)s » : %(value)s %(phrase)s (IC à 95 %% : %(low)s à %(high)s).") % {
        "label": label,
        "value": _euros(point),
        "phrase": phrase,
        "low": _euros(lower),
        "high": _euros(upper),
    }
    return CostPerChange(**base, status=BOUNDED, value=point, low=lower, high=upper, text=text)


def costs_per_change(document: dict[str, Any], per_participant: Decimal) -> list[CostPerChange]:
    """One cost per unit of change per primary outcome (and follow-up wave) of a run."""
    outcomes = {outcome["indicator"]: outcome for outcome in document.get("outcomes", [])}
    repeated = len(document.get("waves") or []) > 2
    found = []
    for finding in summary_of_findings(document):
        label = finding.label
        if repeated and finding.wave_label:
            label = f"{label} ({finding.wave_label})"
        found.append(
            cost_per_change(
                finding, outcomes.get(finding.indicator, {}), per_participant, label=label
            )
        )
    return found


# What the report and the dashboard show --------------------------------------------------------


def report_costs(*, campaign: Campaign, document: dict[str, Any]) -> dict[str, Any] | None:
    """The report's "Coûts" section, or None when the campaign has no budget line.

    The number of people reached and the cost per participant are withheld under the run's
    minimum cell size, as every count of the report (the cost would tell the count).
    """
    figures = campaign_costs.campaign_costs(campaign=campaign)
    if not figures.lines:
        return None
    k = int(document.get("min_cell_size", 10))
    enough = figures.reached >= k
    facts = [
        (_("Coût total"), figures.total_text),
        (_("dont dépenses financières"), figures.financial_text),
        (_("dont contributions en nature valorisées"), figures.in_kind_text),
    ]
    facts += [(share.label, share.amount_text) for share in figures.by_category]
    sentences = []
    if not enough:
        facts.append((_("Participants atteints"), _("moins de %(k)d") % {"k": k}))
        sentences.append(
            _(
                "Coût par participant et par unité de changement masqués : moins de %(k)d "
                "participants atteints."
            )
            % {"k": k}  # fmt: skip
        )
    elif figures.per_participant is None:
        facts.append((_("Participants atteints"), "0"))
    else:
        facts.append((_("Participants atteints"), str(figures.reached)))
        facts.append((_("Coût par participant atteint"), figures.per_participant_text))
        sentences = [item.text for item in costs_per_change(document, figures.per_participant)]
    return {
        "facts": facts,
        "sentences": sentences,
        "definitions": _(
            "Le coût total additionne les dépenses financières et les contributions en nature "
            "valorisées (temps bénévole, locaux prêtés…). Les participants atteints sont ceux "
            "du groupe intervention qui ne se sont pas retirés. Le coût par unité de changement "
            "divise le coût par participant par le changement mesuré chez chaque participant ; "
            "son intervalle vient de l'intervalle de confiance de ce changement. Montants "
            "enregistrés à la date du rapport."
        ),
    }


def report_costs_for_document(document: dict[str, Any]) -> dict[str, Any] | None:
    """`report_costs` for the campaign a results document belongs to (files rendered later)."""
    from livinglab.evaluation.runs.models import EvaluationRun

    run = EvaluationRun.objects.select_related("campaign").filter(pk=document.get("run_id"))
    run = run.first()
    if run is None:
        return None
    return report_costs(campaign=run.campaign, document=document)


def dashboard_costs_per_change(campaign: Campaign, per_participant: Decimal) -> list[str]:
    """The campaign dashboard's sentences: its latest published run's costs per unit of change
    (registered with `campaigns.costs.register_cost_effectiveness`)."""
    from livinglab.evaluation.runs.selectors import published_run

    run = published_run(campaign)
    if run is None or not run.result:
        return []
    return [item.text for item in costs_per_change(run.result, per_participant)]
