"""What a reader reads first: the plain-language summary and the summary-of-findings table.

Computed from the results document alone (already suppressed), so the public page, the admin
results page, the PDF, the HTML report and the JSON say the same thing.

Interface (used by selectors, reports and templates):
- ``summary_sentences(document) -> list[str]``: one French sentence per primary outcome (and
  follow-up wave in repeated designs).
- ``summary_of_findings(document) -> list[Finding]``: the same rows as a GRADE-style table, each
  with a certainty rating and its reasons (rules in ``docs/certainty.md``).
- ``readable_results(document) -> list[dict]``: every result row with human labels and French
  numbers (the folded tables of the public page, the admin results table).
- ``format_number``, ``format_p_value``: French numbers at the precision they need.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livinglab.evaluation.labels import (
    analysis_label,
    effect_size_label,
    group_label,
    method_label,
    subgroup_label,
    wave_label,
)

CERTAINTY_LEVELS = ("high", "moderate", "low", "very_low")
CERTAINTY_LABELS = {
    "high": gettext_lazy("élevée"),
    "moderate": gettext_lazy("modérée"),
    "low": gettext_lazy("faible"),
    "very_low": gettext_lazy("très faible"),
}
# The thresholds of docs/certainty.md.
ATTRITION_SERIOUS = 0.20
ATTRITION_VERY_SERIOUS = 0.40
DIFFERENTIAL_ATTRITION = 0.10
IMBALANCE_SMD = 0.2

CONTROLLED = "controlled_pre_post"
INTERVENTION, COMPARISON = "intervention", "comparison"
# Methods whose ``n`` counts people (pairs), not observations.
PAIRED_METHODS = {"paired_t", "wilcoxon_signed_rank", "mcnemar", "mcnemar_exact", "mcnemar_chi2"}
ODDS_RATIOS = {"odds_ratio", "odds_ratio_discordant"}
MINUS = "\u2212"
MAX_DECIMALS = 6


@dataclass
class Finding:
    """One row of the summary-of-findings table (GRADE layout)."""

    indicator: str
    label: str
    unit: str
    wave: str | None
    wave_label: str
    baseline_level: str  # e.g. "6,8 h" or "32 %"; "" when withheld
    followup_level: str
    change: float | None  # natural units (percentage points for yes/no outcomes)
    ci_low: float | None
    ci_high: float | None
    change_text: str  # "+0,8 h (IC à 95 % : 0,5 à 1,1)"
    participants: dict[str, int | None] = field(default_factory=dict)  # group → distinct people
    participants_text: str = ""  # "chez 60 participants du groupe intervention et 58 du…"
    certainty: str = ""  # one of CERTAINTY_LEVELS
    certainty_label: str = ""
    reasons: list[str] = field(default_factory=list)
    suppressed: bool = False
    suppressed_reason: str = ""
    # Added for readers: the comparison, levels per group, the odds ratio of yes/no outcomes,
    # the rules applied (codes of docs/certainty.md) and the p-value as printed.
    baseline_wave_label: str = ""
    controlled: bool = False
    binary: bool = False
    levels: list[dict[str, str]] = field(default_factory=list)
    odds_ratio_text: str = ""
    p_value_text: str = ""
    certainty_rules: list[str] = field(default_factory=list)
    suppressed_text: str = ""
    people_text: str = ""  # the same without "chez", for table cells

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Numbers ---------------------------------------------------------------------------------------


def decimals_for(*, spread: float | None = None, value: float | None = None) -> int:
    """Decimals that show two significant digits of a CI's half-width (else of the value)."""
    reference = abs(spread) if spread else abs(value) if value else None
    if not reference or not math.isfinite(reference):
        return 0
    return min(max(1 - math.floor(math.log10(reference)), 0), MAX_DECIMALS)


def format_number(value: float, decimals: int, *, signed: bool = False) -> str:
    """A French number ("−0,45", "12,3") with a true minus sign; "+" in front when ``signed``."""
    rounded = round(value, decimals)
    if rounded == 0:
        rounded = 0.0  # no "−0,0"
    text = number_format(rounded, decimal_pos=decimals, use_l10n=True).replace("-", MINUS)
    return f"+{text}" if signed and rounded > 0 else text


def format_p_value(p: float | None) -> str:
    """ "< 0,001" rather than "0,000"; three decimals otherwise."""
    if p is None:
        return "—"
    if p < 0.001:
        return f"< {format_number(0.001, 3)}"
    return format_number(p, 3)


def _interval_decimals(estimate: float, low: float | None, high: float | None) -> int:
    """Precision of an estimate and its CI; raised until the estimate is not shown as zero."""
    spread = (high - low) / 2 if low is not None and high is not None else None
    decimals = decimals_for(spread=spread, value=estimate)
    if estimate and round(estimate, decimals) == 0:
        decimals = min(-math.floor(math.log10(abs(estimate))), MAX_DECIMALS)
    return decimals


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


# Reading a result row --------------------------------------------------------------------------


def _outcomes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {outcome["indicator"]: outcome for outcome in document.get("outcomes", [])}


def _is_binary(row: dict[str, Any], outcome: dict[str, Any]) -> bool:
    if outcome.get("scale"):
        return outcome["scale"] == "binary"
    return row.get("method") in {"mcnemar", "mcnemar_exact", "mcnemar_chi2", "did_logit"}


@dataclass(frozen=True)
class Change:
    """A result's change in natural units (percentage points for yes/no outcomes)."""

    value: float | None
    low: float | None
    high: float | None
    unit: str
    odds_ratio: float | None = None
    odds_ratio_low: float | None = None
    odds_ratio_high: float | None = None


def change_of(row: dict[str, Any], outcome: dict[str, Any]) -> Change:
    """The change a reader understands: the estimate, or ×100 the risk difference of yes/no
    outcomes (a McNemar estimate is already one); the odds ratio stays beside it."""
    if not _is_binary(row, outcome):
        return Change(
            row.get("estimate"), row.get("ci_low"), row.get("ci_high"), outcome.get("unit", "")
        )
    odds = {}
    if row.get("odds_ratio") is not None:
        odds = {
            "odds_ratio": row["odds_ratio"],
            "odds_ratio_low": row.get("odds_ratio_ci_low"),
            "odds_ratio_high": row.get("odds_ratio_ci_high"),
        }
    elif row.get("effect_size_name") in ODDS_RATIOS and row.get("effect_size") is not None:
        odds = {
            "odds_ratio": row["effect_size"],
            "odds_ratio_low": row.get("effect_size_ci_low"),
            "odds_ratio_high": row.get("effect_size_ci_high"),
        }
    points = _("points de pourcentage")
    if row.get("risk_difference") is not None:
        low, high = row.get("risk_difference_ci_low"), row.get("risk_difference_ci_high")
        return Change(
            100 * row["risk_difference"],
            None if low is None else 100 * low,
            None if high is None else 100 * high,
            points,
            **odds,
        )
    if row.get("method", "").startswith("mcnemar") and row.get("estimate") is not None:
        low, high = row.get("ci_low"), row.get("ci_high")
        return Change(
            100 * row["estimate"],
            None if low is None else 100 * low,
            None if high is None else 100 * high,
            points,
            **odds,
        )
    return Change(None, None, None, "", **odds)  # a log-odds difference is not for readers


def _odds_ratio_text(change: Change) -> str:
    if change.odds_ratio is None:
        return ""
    text = _("rapport de cotes %(value)s") % {"value": format_number(change.odds_ratio, 2)}
    if change.odds_ratio_low is not None and change.odds_ratio_high is not None:
        text += " " + _("(IC à 95 %% : %(low)s à %(high)s)") % {
            "low": format_number(change.odds_ratio_low, 2),
            "high": format_number(change.odds_ratio_high, 2),
        }
    return text


def _interval_text(low: float, high: float, decimals: int) -> str:
    return _("IC à 95 %% : %(low)s à %(high)s") % {
        "low": format_number(low, decimals),
        "high": format_number(high, decimals),
    }


def signed_change_text(change: Change) -> str:
    """ "+0,8 h (IC à 95 % : 0,5 à 1,1)", as printed in tables."""
    if change.value is None:
        return ""
    decimals = _interval_decimals(change.value, change.low, change.high)
    text = _with_unit(format_number(change.value, decimals, signed=True), change.unit)
    if change.low is not None and change.high is not None and change.low != change.high:
        text += f" ({_interval_text(change.low, change.high, decimals)})"
    return text


def participants_of(document: dict[str, Any], row: dict[str, Any]) -> dict[str, int | None]:
    """Distinct people behind a result, per group (None when withheld).

    The row's own ``participants`` when the run recorded them; else, for whole-sample rows,
    the flow's "analysed" stage, or the pairs of a paired method.
    """
    if row.get("participants"):
        return dict(row["participants"])
    controlled = document.get("design") == CONTROLLED
    if not controlled and row.get("method") in PAIRED_METHODS:
        return {INTERVENTION: row.get("n")}
    if row.get("subgroup") != "all":
        return {}
    groups = [INTERVENTION, COMPARISON] if controlled else ["all"]
    counts: dict[str, int | None] = {}
    for cell in (document.get("flow") or {}).get("stages", []):
        if cell["stage"] == "analysed" and cell["detail"] == row["indicator"]:
            if cell["group"] in groups:
                key = INTERVENTION if cell["group"] == "all" else cell["group"]
                counts[key] = None if cell.get("suppressed") else cell.get("n")
    return counts


def _count_text(count: int | None, k: int) -> str:
    if count is None:
        return _("moins de %(k)d") % {"k": k}
    return number_format(count, use_l10n=True, force_grouping=True)


def people_text(document: dict[str, Any], participants: dict[str, int | None]) -> str:
    """ "60 participants du groupe intervention et 58 du groupe de comparaison", or
    "98 participants" without a comparison group."""
    k = document.get("min_cell_size", 10)
    if document.get("design") == CONTROLLED and COMPARISON in participants:
        return _(
            "%(intervention)s participants du groupe intervention et %(comparison)s du groupe "
            "de comparaison"
        ) % {
            "intervention": _count_text(participants.get(INTERVENTION), k),
            "comparison": _count_text(participants.get(COMPARISON), k),
        }
    if not participants:
        return ""
    known = [count for count in participants.values() if count is not None]
    total = sum(known) if len(known) == len(participants) else None
    return _("%(n)s participants") % {"n": _count_text(total, k)}


def participants_text(document: dict[str, Any], participants: dict[str, int | None]) -> str:
    """ "chez 60 participants du groupe intervention et 58 du groupe de comparaison"."""
    people = people_text(document, participants)
    return _("chez %(people)s") % {"people": people} if people else ""


def suppressed_text(document: dict[str, Any], row: dict[str, Any]) -> str:
    """Why a result is withheld, in words a reader understands."""
    if row.get("suppressed_reason") == "complement":
        return _("masqué pour protéger un autre groupe")
    return _("masqué : moins de %(k)d personnes") % {"k": document.get("min_cell_size", 10)}


def _baseline(document: dict[str, Any]) -> str | None:
    waves = document.get("waves") or []
    return waves[0] if waves else None


def _rows_for_readers(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Whole-sample primary results of the primary outcomes (of every outcome when the protocol
    names none), in protocol order."""
    outcomes = _outcomes(document)
    rows = [
        row
        for row in document["results"]
        if row["subgroup"] == "all" and row["analysis"] == "primary"
    ]
    primary = [row for row in rows if outcomes.get(row["indicator"], {}).get("primary")]
    return primary or rows


# The summary -----------------------------------------------------------------------------------


def _direction(row: dict[str, Any], change: Change) -> float:
    """The sign readers see: the change in natural units when there is one."""
    return change.value if change.value is not None else row.get("estimate") or 0


def _verdict(document: dict[str, Any], row: dict[str, Any], outcome: dict[str, Any]) -> str:
    p = row["p_adjusted"] if row.get("p_adjusted") is not None else row.get("p_value")
    if p is None or p >= document.get("alpha", 0.05):
        return _("une différence qui peut être due au hasard")
    rose = _direction(row, change_of(row, outcome)) > 0
    if rose == outcome.get("higher_is_better", True):
        return _("une amélioration")
    return _("une dégradation")


def summary_sentence(document: dict[str, Any], row: dict[str, Any]) -> str:
    """One sentence: what changed, by how much (unit, CI), between which waves, for whom."""
    outcome = _outcomes(document).get(row["indicator"], {})
    label = row.get("label") or outcome.get("label") or row["indicator"]
    if row.get("suppressed"):
        return _("« %(label)s » : résultat %(why)s.") % {
            "label": label,
            "why": suppressed_text(document, row),
        }
    if row.get("estimate") is None:
        return _("« %(label)s » : résultat non calculable avec ces données.") % {"label": label}
    controlled = document.get("design") == CONTROLLED
    change = change_of(row, outcome)
    rose = _direction(row, change) > 0
    if _direction(row, change) == 0:
        direction = _("n'a pas changé")
    else:
        direction = _("a augmenté") if rose else _("a diminué")
    amount = ""
    details = []
    if change.value is not None:
        value, low, high = change.value, change.low, change.high
        if value < 0:  # "a diminué de 0,8 (IC : 0,5 à 1,1)": the interval of the decrease
            value, low, high = (
                -value,
                None if high is None else -high,
                None if low is None else -low,
            )
        decimals = _interval_decimals(value, low, high)
        if change.value != 0:
            amount = " " + _("de %(value)s") % {
                "value": _with_unit(format_number(value, decimals), change.unit)
            }
        if low is not None and high is not None and low != high:
            details.append(_interval_text(low, high, decimals))
    if odds := _odds_ratio_text(change):
        details.append(odds)
    waves = _("entre « %(first)s » et « %(then)s »") % {
        "first": wave_label(document, _baseline(document)),
        "then": wave_label(document, row.get("wave")),
    }
    where = f" {_('dans le groupe intervention')}" if controlled else ""
    sentence = _("« %(label)s » %(direction)s%(amount)s%(details)s%(where)s %(waves)s") % {
        "label": label,
        "direction": direction,
        "amount": amount,
        "details": f" ({' ; '.join(details)})" if details else "",
        "where": where,
        "waves": waves,
    }
    if controlled:
        sentence = _("Par rapport au groupe de comparaison, %(sentence)s") % {"sentence": sentence}
    people = participants_text(document, participants_of(document, row))
    if people:
        sentence += f", {people}"
    return f"{sentence} : {_verdict(document, row, outcome)}."


def summary_sentences(document: dict[str, Any]) -> list[str]:
    """One French sentence per whole-sample primary result of a primary outcome."""
    return [summary_sentence(document, row) for row in _rows_for_readers(document)]


# Certainty of the evidence (docs/certainty.md) -------------------------------------------------


@dataclass(frozen=True)
class Certainty:
    level: str
    reasons: list[str]
    rules: list[str]

    @property
    def label(self) -> str:
        return str(CERTAINTY_LABELS[self.level])


def _percent(share: float) -> str:
    return f"{format_number(100 * share, 0)} %"


def _attrition_downgrades(document: dict[str, Any]) -> list[tuple[str, int, str]]:
    attrition = document.get("attrition") or {}
    found = []
    rates = [
        entry["rate"]
        for entry in (attrition.get("by_group") or {}).values()
        if not entry.get("suppressed") and entry.get("rate") is not None
    ]
    if rates:
        worst = max(rates)
        if worst > ATTRITION_VERY_SERIOUS:
            found.append(
                (
                    "attrition_very_serious",
                    2,
                    _("%(rate)s des participants perdus de vue (plus de 40 %%)")
                    % {"rate": _percent(worst)},
                )
            )
        elif worst > ATTRITION_SERIOUS:
            found.append(
                (
                    "attrition",
                    1,
                    _("%(rate)s des participants perdus de vue (plus de 20 %%)")
                    % {"rate": _percent(worst)},
                )
            )
    differential = attrition.get("differential")
    if document.get("design") == CONTROLLED and differential is not None:
        if abs(differential) > DIFFERENTIAL_ATTRITION:
            found.append(
                (
                    "differential_attrition",
                    1,
                    _(
                        "les groupes ont perdu des participants à des taux qui diffèrent de "
                        "%(points)s points (plus de 10)"
                    )
                    % {"points": format_number(100 * abs(differential), 0)},
                )
            )
    return found


def _imbalance(document: dict[str, Any], indicator: str) -> tuple[str, int, str] | None:
    if document.get("design") != CONTROLLED:
        return None
    for entry in (document.get("attrition") or {}).get("baseline_imbalance") or []:
        smd = entry.get("smd")
        if entry.get("indicator") == indicator and smd is not None and abs(smd) > IMBALANCE_SMD:
            return (
                "baseline_imbalance",
                1,
                _(
                    "les groupes différaient au départ (différence standardisée %(smd)s, "
                    "au-delà de 0,2)"
                )
                % {"smd": format_number(smd, 2)},
            )
    return None


def _imprecision(change: Change, row: dict[str, Any], mid: float | None, unit: str):
    low, high = change.low, change.high
    if low is None or high is None:  # no interval in natural units: the estimate's own scale
        low, high = row.get("ci_low"), row.get("ci_high")
    if low is None or high is None:
        return None
    if low <= 0 <= high:
        return (
            "imprecision_zero",
            1,
            _("imprécision : l'intervalle de confiance inclut l'absence d'effet"),
        )
    if mid and change.low is not None and change.high is not None and high - low > mid:
        # The difference as the catalogue states it (0.5 → "0,5"), the width to match.
        decimals = min(len(f"{mid:.6f}".rstrip("0").partition(".")[2]), MAX_DECIMALS)
        return (
            "imprecision_mid",
            1,
            _(
                "imprécision : l'intervalle de confiance (largeur %(width)s) est plus large que "
                "la différence minimale importante (%(mid)s)"
            )
            % {
                "width": _with_unit(format_number(high - low, max(decimals, 1)), unit),
                "mid": _with_unit(format_number(mid, decimals), unit),
            },
        )
    return None


def certainty_of(document: dict[str, Any], row: dict[str, Any]) -> Certainty:
    """GRADE-style certainty of one whole-sample result, with its reasons (docs/certainty.md)."""
    outcome = _outcomes(document).get(row["indicator"], {})
    controlled = document.get("design") == CONTROLLED
    if controlled:
        level = 0
        reasons = [_("plan avec groupe de comparaison : départ à « élevée »")]
        rules = []
    else:
        level = 2
        reasons = [
            _(
                "mesure avant/après sans groupe de comparaison : départ à « faible », comme une "
                "étude observationnelle"
            )
        ]
        rules = ["uncontrolled"]
    downgrades = []
    if not document.get("protocol_locked"):
        downgrades.append(
            (
                "not_locked",
                1,
                _("protocole non verrouillé avant l'analyse (pas de pré-enregistrement)"),
            )
        )
    downgrades += _attrition_downgrades(document)
    if found := _imbalance(document, row["indicator"]):
        downgrades.append(found)
    change = change_of(row, outcome)
    if found := _imprecision(change, row, outcome.get("minimal_important_difference"), change.unit):
        downgrades.append(found)
    for rule, steps, reason in downgrades:
        level += steps
        rules.append(rule)
        reasons.append(f"{reason} ({MINUS}{steps})")
    return Certainty(CERTAINTY_LEVELS[min(level, 3)], reasons, rules)


# The summary-of-findings table ----------------------------------------------------------------


def _level_text(cell: dict[str, Any] | None, binary: bool, unit: str) -> str:
    if cell is None or cell.get("suppressed"):
        return ""
    if binary:
        proportion = cell.get("proportion")
        return "" if proportion is None else _percent(proportion)
    mean = cell.get("mean")
    return "" if mean is None else _with_unit(format_number(mean, decimals_for(value=mean)), unit)


def _levels(document: dict[str, Any], row: dict[str, Any], binary: bool, unit: str):
    """Baseline and follow-up levels per group shown (both arms in controlled designs)."""
    cells = {
        (cell["wave"], cell["group"]): cell
        for cell in document.get("descriptives", [])
        if cell["indicator"] == row["indicator"]
    }
    groups = [INTERVENTION, COMPARISON] if document.get("design") == CONTROLLED else ["all"]
    levels = []
    for group in groups:
        levels.append(
            {
                "group": group,
                "group_label": "" if group == "all" else group_label(group),
                "baseline": _level_text(cells.get((_baseline(document), group)), binary, unit),
                "followup": _level_text(cells.get((row.get("wave"), group)), binary, unit),
            }
        )
    return levels


def _join_levels(levels: list[dict[str, str]], key: str, withheld: str) -> str:
    parts = []
    for level in levels:
        value = level[key] or withheld
        parts.append(f"{level['group_label']} : {value}" if level["group_label"] else value)
    return " ; ".join(parts)


def finding_for(document: dict[str, Any], row: dict[str, Any]) -> Finding:
    outcome = _outcomes(document).get(row["indicator"], {})
    binary = _is_binary(row, outcome)
    unit = outcome.get("unit", "")
    withheld = bool(row.get("suppressed")) or row.get("estimate") is None
    change = change_of(row, outcome) if not withheld else Change(None, None, None, unit)
    levels = _levels(document, row, binary, unit)
    hidden = _("masqué")
    participants = participants_of(document, row)
    finding = Finding(
        indicator=row["indicator"],
        label=row.get("label") or outcome.get("label") or row["indicator"],
        unit=change.unit if binary else unit,
        wave=row.get("wave"),
        wave_label=wave_label(document, row.get("wave")),
        baseline_level=_join_levels(levels, "baseline", hidden),
        followup_level=_join_levels(levels, "followup", hidden),
        change=change.value,
        ci_low=change.low,
        ci_high=change.high,
        change_text=signed_change_text(change),
        participants=participants,
        participants_text=participants_text(document, participants),
        people_text=people_text(document, participants),
        suppressed=bool(row.get("suppressed")),
        suppressed_reason=row.get("suppressed_reason")
        or ("small" if row.get("suppressed") else ""),
        baseline_wave_label=wave_label(document, _baseline(document)),
        controlled=document.get("design") == CONTROLLED,
        binary=binary,
        levels=levels,
        odds_ratio_text=_odds_ratio_text(change),
        p_value_text=format_p_value(
            row["p_adjusted"] if row.get("p_adjusted") is not None else row.get("p_value")
        ),
    )
    if finding.suppressed:
        finding.suppressed_text = suppressed_text(document, row)
    elif withheld:
        finding.suppressed_text = _("résultat non calculable avec ces données")
    else:
        rating = certainty_of(document, row)
        finding.certainty = rating.level
        finding.certainty_label = rating.label
        finding.reasons = rating.reasons
        finding.certainty_rules = rating.rules
    return finding


def summary_of_findings(document: dict[str, Any]) -> list[Finding]:
    """One row per whole-sample primary result of a primary outcome (and follow-up wave)."""
    return [finding_for(document, row) for row in _rows_for_readers(document)]


# Every result, readable -----------------------------------------------------------------------


def readable_result(document: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """A result row with human labels and French numbers; a withheld one says why."""
    outcome = _outcomes(document).get(row["indicator"], {})
    people = participants_of(document, row)
    shown = {
        "indicator": row["indicator"],
        "label": row.get("label") or outcome.get("label") or row["indicator"],
        "subgroup": subgroup_label(row.get("subgroup")),
        "is_subgroup": row.get("subgroup") != "all",
        "primary_outcome": bool(outcome.get("primary")),
        "analysis": row.get("analysis"),
        "analysis_label": analysis_label(row.get("analysis")),
        "method_label": method_label(row.get("method")),
        "waves": _("« %(first)s » → « %(then)s »")
        % {
            "first": wave_label(document, _baseline(document)),
            "then": wave_label(document, row.get("wave")),
        },
        "participants": people_text(document, people),
        "suppressed": bool(row.get("suppressed")),
        "suppressed_text": suppressed_text(document, row) if row.get("suppressed") else "",
        "change": "",
        "odds_ratio": "",
        "p_value": "",
        "p_adjusted": "",
        "effect_size": "",
    }
    if row.get("suppressed") or row.get("estimate") is None:
        if not row.get("suppressed"):
            shown["suppressed_text"] = _("non calculable")
        return shown
    change = change_of(row, outcome)
    if change.value is None:  # a yes/no outcome known by its odds ratio only
        decimals = _interval_decimals(row["estimate"], row.get("ci_low"), row.get("ci_high"))
        shown["change"] = format_number(row["estimate"], decimals, signed=True)
    else:
        shown["change"] = signed_change_text(change)
    shown["odds_ratio"] = _odds_ratio_text(change)
    shown["p_value"] = format_p_value(row.get("p_value"))
    shown["p_adjusted"] = (
        format_p_value(row.get("p_adjusted")) if row.get("p_adjusted") is not None else ""
    )
    if row.get("effect_size") is not None and row.get("effect_size_name") not in ODDS_RATIOS:
        shown["effect_size"] = (
            f"{effect_size_label(row.get('effect_size_name'))} "
            f"{format_number(row['effect_size'], 2)}"
        )
    return shown


def readable_results(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [readable_result(document, row) for row in document.get("results", [])]
