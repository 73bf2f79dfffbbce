"""Descriptive statistics per wave and group, NaN-safe."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from ._data import as_float

Scale = Literal["continuous", "ordinal", "binary"]


def descriptives(*, values: ArrayLike, scale: Scale) -> dict[str, Any]:
    """Summarise one cell of the descriptives table; missing values are counted, not used.

    Continuous and ordinal: n, mean, sd (n − 1), median, q1, q3 (R's default type-7
    quantiles), min, max. Binary (0/1): n, count of 1s, proportion. Numbers are None when
    they cannot be computed (no data; sd with n < 2).
    """
    array = as_float(values)
    present = array[~np.isnan(array)]
    n = int(present.size)
    summary: dict[str, Any] = {"scale": scale, "n": n, "n_missing": int(array.size - n)}
    if scale == "binary":
        if not np.isin(present, (0.0, 1.0)).all():
            raise ValueError("binary values must be 0 or 1")
        count = int(present.sum())
        summary.update(count=count, proportion=count / n if n else None)
        return summary
    if scale not in ("continuous", "ordinal"):
        raise ValueError(f"unknown scale: {scale!r}")
    if n == 0:
        keys = ("mean", "sd", "median", "q1", "q3", "min", "max")
        summary.update(dict.fromkeys(keys))
        return summary
    q1, median, q3 = np.quantile(present, [0.25, 0.5, 0.75])
    summary.update(
        mean=float(present.mean()),
        sd=float(present.std(ddof=1)) if n > 1 else None,
        median=float(median),
        q1=float(q1),
        q3=float(q3),
        min=float(present.min()),
        max=float(present.max()),
    )
    return summary


def standardised_difference(*, first: ArrayLike, second: ArrayLike, binary: bool) -> float | None:
    """Standardised difference first − second, as used to compare groups' baseline balance.

    Austin (2009), "Balance diagnostics for comparing the distribution of baseline covariates
    between treatment groups in propensity-score matched samples", Stat Med 28:3083–3107:
    continuous (x̄₁ − x̄₂)/sqrt((s₁² + s₂²)/2); binary (p₁ − p₂)/sqrt((p₁(1−p₁) + p₂(1−p₂))/2).
    None when a group is empty or both spreads are 0.
    """
    a, b = as_float(first), as_float(second)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size == 0 or b.size == 0 or (not binary and (a.size < 2 or b.size < 2)):
        return None
    if binary:
        p, q = float(a.mean()), float(b.mean())
        spread = math.sqrt((p * (1 - p) + q * (1 - q)) / 2)
    else:
        spread = math.sqrt((float(a.var(ddof=1)) + float(b.var(ddof=1))) / 2)
    if spread == 0:
        return None
    return (float(a.mean()) - float(b.mean())) / spread
