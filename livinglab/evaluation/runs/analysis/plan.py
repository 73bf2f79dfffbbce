"""What an analysis needs from the protocol, the result row's keys, and the shared names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

INTERVENTION, COMPARISON = "intervention", "comparison"
ALL = "all"
NOT_STATED = "not_stated"
SUBGROUP_COLUMNS = {
    "setting": "site_setting",
    "site_type": "site_setting",
    "sex": "sex",
    "age_band": "age_band",
}
# The Hodges–Lehmann interval sorts all n(n+1)/2 Walsh averages: beyond this many pairs the
# signed-rank test would need gigabytes, so it is not computed (and the document says so).
SIGNED_RANK_MAX_PAIRS = 5000
RESULT_KEYS = (
    "indicator",
    "label",
    "subgroup",
    "wave",
    "analysis",
    "method",
    "n",
    "estimate",
    "ci_low",
    "ci_high",
    "statistic",
    "df",
    "p_value",
    "p_adjusted",
    "effect_size",
    "effect_size_name",
    "effect_size_ci_low",
    "effect_size_ci_high",
    "suppressed",
    "extra",
    # Who and what a row used (issue #13): group codes, wave codes, distinct people per group.
    "groups",
    "waves",
    "participants",
    "suppressed_reason",  # "" shown, "small" (< min_cell_size), "complement" (protects another)
    # Binary outcomes only (None elsewhere): risk difference as a proportion, odds ratio.
    "risk_difference",
    "risk_difference_ci_low",
    "risk_difference_ci_high",
    "odds_ratio",
    "odds_ratio_ci_low",
    "odds_ratio_ci_high",
)
PRIMARY_FAMILY, SECONDARY_FAMILY = "primary", "secondary"


class NothingToAnalyse(Exception):
    """No outcome could be analysed; the message says why, in plain French."""


@dataclass(frozen=True)
class AnalysisPlan:
    """The protocol settings an analysis needs."""

    design: str
    wave_codes: list[str]
    alpha: float = 0.05
    correction: str = "holm"
    min_cell_size: int = 10
    subgroup_dimensions: list[str] = field(default_factory=list)
    # indicator → multiplicity family, fixed by the protocol: every outcome of a family keeps
    # its place in the adjustment even when its result is suppressed or fails. Empty: the
    # outcomes' primary flag decides ("primary" / "secondary").
    families: dict[str, str] = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        return self.wave_codes[0]

    @property
    def followups(self) -> list[str]:
        return self.wave_codes[1:]

    @property
    def controlled(self) -> bool:
        return self.design == "controlled_pre_post"


Progress = Callable[[int, str], None]


def outcome_family(outcome: object) -> str:
    """The multiplicity family of a protocol outcome: its declared family, else its role."""
    declared = getattr(outcome, "multiplicity_family", "") or ""
    return declared or (PRIMARY_FAMILY if getattr(outcome, "primary", False) else SECONDARY_FAMILY)
