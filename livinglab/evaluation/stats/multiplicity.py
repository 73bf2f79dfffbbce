"""Multiple-testing adjustment across a run's outcomes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from statsmodels.stats.multitest import multipletests

Correction = Literal["holm", "fdr_bh", "none"]


def adjust_pvalues(
    *,
    p_values: Sequence[float | None],
    method: Correction,
    missing: Literal["drop", "count"] = "drop",
) -> list[float | None]:
    """Adjust p-values (Holm, Benjamini–Hochberg or none); missing ones stay None.

    ``missing="drop"``: only the p-values present form the family. ``missing="count"``: the
    family is fixed in advance (by the protocol) and a missing p-value (a suppressed or failed
    result) keeps its place: it counts in m as if it were 1, the least favourable value for
    the others, so e.g. Holm multiplies the smallest present p-value by the full m.
    """
    if method not in ("holm", "fdr_bh", "none"):
        raise ValueError(f"unknown correction: {method!r}")
    if missing not in ("drop", "count"):
        raise ValueError(f"unknown handling of missing p-values: {missing!r}")
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
    placeholders = len(p_values) - len(present) if missing == "count" else 0
    observed = np.concatenate([observed, np.ones(placeholders)])
    if method == "none":
        corrected = observed
    elif method == "holm":
        corrected = _holm(observed)
    else:
        corrected = multipletests(observed, method=method)[1]
    for index, value in zip(present, corrected[: len(present)], strict=True):
        adjusted[index] = float(value)
    return adjusted


def _holm(p_values: np.ndarray) -> np.ndarray:
    """Holm (1979) step-down: sorted p(i)·(m − i + 1), running maximum, capped at 1.

    The same formula as statsmodels' `multipletests(method="holm")`, which also runs a full
    `gc.collect()` on every call — over half a second in a process holding a large dataset.
    """
    order = np.argsort(p_values, kind="stable")
    m = p_values.size
    stepped = np.maximum.accumulate(p_values[order] * np.arange(m, 0, -1))
    corrected = np.empty(m)
    corrected[order] = np.minimum(stepped, 1.0)
    return corrected
