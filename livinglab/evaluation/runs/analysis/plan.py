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
)


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


Progress = Callable[[int, str], None]
