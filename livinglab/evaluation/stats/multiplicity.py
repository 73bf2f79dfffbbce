"""Multiple-testing adjustment across a run's outcomes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from statsmodels.stats.multitest import multipletests

Correction = Literal["holm", "fdr_bh", "none"]


def adjust_pvalues(*, p_values: Sequence[float | None], method: Correction) -> list[float | None]:
    """Adjust p-values (Holm, Benjamini–Hochberg or none); missing ones stay None.

    Only the p-values present form the family: a suppressed or failed result neither counts
    as a test nor receives an adjusted value.
    """
    if method not in ("holm", "fdr_bh", "none"):
        raise ValueError(f"unknown correction: {method!r}")
    present = [
        index
        for index, value in enumerate(p_values)
        if value is not None and not math.isnan(float(value))
    ]
    adjusted: list[float | None] = [None] * len(p_values)
    if not present:
        return adjusted
    observed = np.array([float(p_values[index]) for index in present])
    if not ((observed >= 0) & (observed <= 1)).all():
        raise ValueError("p-values must lie in [0, 1]")
    if method == "none":
        corrected = observed
    else:
        corrected = multipletests(observed, method=method)[1]
    for index, value in zip(present, corrected, strict=True):
        adjusted[index] = float(value)
    return adjusted
