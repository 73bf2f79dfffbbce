"""Wilcoxon signed-rank test on follow-up − baseline, matching R's ``wilcox.test`` defaults."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from ._data import complete_cases
from .results import NoNumbers, TestResult, empty_result

# R computes the exact null distribution when n < 50 and there are no ties or zeros.
EXACT_BELOW = 50


def wilcoxon_signed_rank(
    *, baseline: ArrayLike, followup: ArrayLike, alpha: float = 0.05
) -> TestResult:
    """Signed-rank test of the paired differences, with Hodges–Lehmann shift and rank-biserial r.

    Zero differences are dropped (R's and Wilcoxon's convention). The p-value is exact when
    fewer than 50 non-zero differences remain and none are tied, otherwise it is R's normal
    approximation with tie-corrected variance and continuity correction. ``statistic`` is V,
    the sum of the ranks of the positive differences (follow-up above baseline), as printed by
    ``wilcox.test(followup, baseline, paired = TRUE)``. ``estimate`` is the Hodges–Lehmann
    pseudomedian (median of the Walsh averages) with the Walsh-average interval: exact
    signed-rank quantiles in the exact case, the normal quantile otherwise (so it can differ
    slightly from R's root-finding interval when there are ties). The effect size is the
    matched-pairs rank-biserial correlation (Kerby 2014) with the Fisher-z normal interval and
    the standard error used by the R package effectsize ``rank_biserial`` (no bootstrap).
    """
    before, after = complete_cases(baseline, followup)
    differences = after - before
    nonzero = differences[differences != 0]
    n = nonzero.size
    if n == 0:
        return empty_result("wilcoxon_signed_rank", differences.size, NoNumbers.ZERO_DIFFERENCES)
    ranks = stats.rankdata(np.abs(nonzero))
    v_plus = float(ranks[nonzero > 0].sum())
    v_minus = float(ranks[nonzero < 0].sum())
    total = n * (n + 1) / 2
    _, tie_sizes = np.unique(ranks, return_counts=True)
    exact = n < EXACT_BELOW and not (tie_sizes > 1).any() and n == differences.size
    if exact:
        counts = _signed_rank_counts(n)
        cumulative = np.cumsum(counts) / counts.sum()
        lower = cumulative[int(v_plus)]
        upper = 1 - (cumulative[int(v_plus) - 1] if v_plus >= 1 else 0.0)
        p_value = min(1.0, 2 * min(lower, upper))
        z_value = None
    else:
        sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - np.sum(tie_sizes**3 - tie_sizes) / 48)
        centred = v_plus - total / 2
        z_value = (centred - math.copysign(0.5, centred) * (centred != 0)) / sigma
        p_value = float(2 * stats.norm.sf(abs(z_value)))
    shift, shift_low, shift_high = _hodges_lehmann(nonzero, alpha, exact, tie_sizes)
    r_rb = (v_plus - v_minus) / total
    r_low, r_high = _rank_biserial_interval(r_rb, n, alpha)
    return TestResult(
        method="wilcoxon_signed_rank",
        n=int(differences.size),
        estimate=shift,
        ci_low=shift_low,
        ci_high=shift_high,
        statistic=v_plus,
        df=None,
        p_value=float(p_value),
        effect_size=r_rb,
        effect_size_name="rank_biserial_r",
        effect_size_ci_low=r_low,
        effect_size_ci_high=r_high,
        extra={
            "exact": exact,
            "v_minus": v_minus,
            "n_nonzero": n,
            "n_zero": int(differences.size - n),
            "z": z_value,
            "median_difference": float(np.median(differences)),
        },
    )


@lru_cache(maxsize=64)
def _signed_rank_counts(n: int) -> np.ndarray:
    """Number of sign patterns giving each value of V = 0 … n(n+1)/2 (exact null law)."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1
    for rank in range(1, n + 1):
        counts[rank:] = counts[rank:] + counts[:-rank].copy()
    return counts


def _hodges_lehmann(
    differences: np.ndarray, alpha: float, exact: bool, tie_sizes: np.ndarray
) -> tuple[float, float, float]:
    """Pseudomedian and its interval from the sorted Walsh averages (R's exact-case algorithm)."""
    n = differences.size
    upper_index = np.triu_indices(n)
    walsh = np.sort(((differences[:, None] + differences[None, :]) / 2)[upper_index])
    total = n * (n + 1) // 2
    if exact:
        cumulative = np.cumsum(_signed_rank_counts(n)) / 2**n
        lower_rank = int(np.searchsorted(cumulative, alpha / 2 - 1e-12))
    else:
        sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - np.sum(tie_sizes**3 - tie_sizes) / 48)
        lower_rank = math.floor(total / 2 - stats.norm.ppf(1 - alpha / 2) * sigma)
    lower_rank = max(lower_rank, 1)
    upper_rank = total - lower_rank
    return float(np.median(walsh)), float(walsh[lower_rank - 1]), float(walsh[upper_rank])


def _rank_biserial_interval(r_rb: float, n: int, alpha: float) -> tuple[float, float]:
    """Fisher-z interval with effectsize's SE: sqrt((2n³ + 3n² + n) / 6) / (n(n + 1) / 2)."""
    standard_error = math.sqrt((2 * n**3 + 3 * n**2 + n) / 6) / (n * (n + 1) / 2)
    if abs(r_rb) >= 1:
        return r_rb, r_rb  # complete dominance: effectsize returns the degenerate [±1, ±1]
    centre = math.atanh(r_rb)
    margin = stats.norm.ppf(1 - alpha / 2) * standard_error
    return math.tanh(centre - margin), math.tanh(centre + margin)
