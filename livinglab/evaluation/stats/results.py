"""The result record every statistical method returns, and its JSON-safe form."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

import numpy as np


def json_safe(value: Any) -> Any:
    """Turn numpy scalars, NaN and infinities into plain JSON values (None when not finite)."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_safe(item) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


@dataclass(frozen=True)
class TestResult:
    """One estimate with its test and effect size, following DESIGN.md §4 (results JSON)."""

    __test__ = False  # not a pytest test class, despite the name

    method: str
    n: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    statistic: float | None
    df: float | None
    p_value: float | None
    effect_size: float | None = None
    effect_size_name: str | None = None
    effect_size_ci_low: float | None = None
    effect_size_ci_high: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Binary outcomes: the change as a risk difference (a proportion, follow-up − baseline or
    # the difference-in-differences of probabilities) and the odds ratio; None otherwise.
    risk_difference: float | None = None
    risk_difference_ci_low: float | None = None
    risk_difference_ci_high: float | None = None
    odds_ratio: float | None = None
    odds_ratio_ci_low: float | None = None
    odds_ratio_ci_high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Serialise for the results JSON: plain floats, None for NaN or infinite numbers."""
        return {item.name: json_safe(getattr(self, item.name)) for item in fields(self)}


class NoNumbers(StrEnum):
    """Why a method gave no numbers, as stored in a result's ``extra["reason"]`` (English, for
    developers; `runs.analysis.reason_text` says each in the reader's language)."""

    EMPTY_CELL = "a group × wave cell is empty or one cluster"
    SEPARATION = "a group × wave cell has only 0s or only 1s: no odds ratio"
    TOO_FEW_FOR_ANCOVA = "needs both groups and at least 4 pairs"
    TOO_FEW_PAIRS = "fewer than 2 complete pairs"
    EQUAL_DIFFERENCES = "all differences are equal"
    ZERO_DIFFERENCES = "all differences are zero"
    NO_PAIRS = "no complete pairs"


def empty_result(method: str, n: int, reason: str) -> TestResult:
    """Say why a method could not produce numbers (too few pairs, no variance, ...)."""
    return TestResult(
        method=method,
        n=n,
        estimate=None,
        ci_low=None,
        ci_high=None,
        statistic=None,
        df=None,
        p_value=None,
        extra={"reason": reason},
    )
