"""Input cleaning shared by the methods: float arrays and complete cases."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


def as_float(values: ArrayLike) -> np.ndarray:
    """Return a 1-D float array; None, pandas NA and NaN all become NaN."""
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.number):
        return np.asarray(values, dtype=float).ravel()  # already numeric: no object round trip
    series = pd.Series(np.asarray(values, dtype=object).ravel())
    return pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)


def complete_cases(*columns: ArrayLike) -> tuple[np.ndarray, ...]:
    """Keep the rows where every float column is present (the "complete pairs" rule)."""
    arrays = [as_float(column) for column in columns]
    lengths = {len(array) for array in arrays}
    if len(lengths) != 1:
        raise ValueError("all columns must have the same length")
    keep = np.logical_and.reduce([~np.isnan(array) for array in arrays])
    return tuple(array[keep] for array in arrays)


def labels(values: ArrayLike | Sequence[object]) -> np.ndarray:
    """Return identifiers (site, participant) as an object array, order preserved."""
    return np.asarray(values, dtype=object).ravel()
