"""What a reader reads first: the plain-language summary and the summary-of-findings table.

Computed from the results document alone (already suppressed), so the public page, the admin
results page, the PDF, the HTML report and the JSON say the same thing.

Interface (used by selectors, reports and templates):
- ``summary_sentences(document) -> list[str]``: one French sentence per primary outcome.
- ``summary_of_findings(document) -> list[Finding]``: one row per primary outcome (and wave).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from livinglab.evaluation.labels import wave_label

CERTAINTY_LEVELS = ("high", "moderate", "low", "very_low")


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
    participants: dict[str, int] = field(default_factory=dict)  # group → distinct people
    participants_text: str = ""
    certainty: str = ""  # one of CERTAINTY_LEVELS
    certainty_label: str = ""
    reasons: list[str] = field(default_factory=list)
    suppressed: bool = False
    suppressed_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _decimal(value: float) -> str:
    return number_format(round(value, 2), decimal_pos=2)


def _primary_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    outcomes = {outcome["indicator"]: outcome for outcome in document.get("outcomes", [])}
    rows = [
        row
        for row in document["results"]
        if row["subgroup"] == "all" and row["analysis"] == "primary"
    ]
    rows.sort(key=lambda row: not outcomes.get(row["indicator"], {}).get("primary", False))
    return rows


def summary_sentences(document: dict[str, Any]) -> list[str]:
    """One French sentence per whole-sample primary result, primary outcomes first."""
    outcomes = {outcome["indicator"]: outcome for outcome in document.get("outcomes", [])}
    alpha = document.get("alpha", 0.05)
    sentences = []
    for row in _primary_rows(document):
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
    return sentences


def summary_of_findings(document: dict[str, Any]) -> list[Finding]:
    """One row per primary whole-sample result (first version: no certainty yet)."""
    outcomes = {outcome["indicator"]: outcome for outcome in document.get("outcomes", [])}
    findings = []
    for row in _primary_rows(document):
        outcome = outcomes.get(row["indicator"], {})
        withheld = row["suppressed"] or row["estimate"] is None
        findings.append(
            Finding(
                indicator=row["indicator"],
                label=row["label"],
                unit=outcome.get("unit", ""),
                wave=row["wave"],
                wave_label=wave_label(document, row["wave"]),
                baseline_level="",
                followup_level="",
                change=None if withheld else row["estimate"],
                ci_low=None if withheld else row["ci_low"],
                ci_high=None if withheld else row["ci_high"],
                change_text="" if withheld else _decimal(row["estimate"]),
                suppressed=bool(row["suppressed"]),
            )
        )
    return findings
