"""Sample size for a two-sided t test, with the design effect of cluster sampling."""

from __future__ import annotations

import math
from typing import Any, Literal

from scipy import optimize, stats

Design = Literal["paired", "two_group"]


def t_test_power(*, n: float, effect_size: float, alpha: float, design: Design) -> float:
    """Power of the two-sided t test, computed like R ``pwr.t.test`` (noncentral t)."""
    if design == "two_group":
        df, ncp = 2 * n - 2, effect_size * math.sqrt(n / 2)
    elif design == "paired":
        df, ncp = n - 1, effect_size * math.sqrt(n)
    else:
        raise ValueError(f"unknown design: {design!r}")
    critical = stats.t.ppf(1 - alpha / 2, df)
    # scipy's nct returns NaN far in the lower tail, where the probability is 0 anyway.
    wrong_side = float(stats.nct.cdf(-critical, df, ncp))
    return float(stats.nct.sf(critical, df, ncp)) + (0.0 if math.isnan(wrong_side) else wrong_side)


def sample_size(
    *,
    design: Design,
    effect_size: float,
    power: float,
    alpha: float,
    icc: float = 0.0,
    cluster_size: int = 1,
) -> dict[str, Any]:
    """Participants (or pairs) per group for the target power, then inflated for clustering.

    ``n_per_group`` is the exact real solution (R ``pwr.t.test``); the design effect is
    1 + (m − 1)·ICC for clusters of m participants, applied to the exact n before rounding up.
    """
    if not 0 < power < 1 or not 0 < alpha < 1:
        raise ValueError("power and alpha must lie strictly between 0 and 1")
    if effect_size == 0:
        raise ValueError("effect_size must not be 0")
    if not 0 <= icc < 1 or cluster_size < 1:
        raise ValueError("icc must lie in [0, 1) and cluster_size be at least 1")
    size = abs(effect_size)

    def shortfall(n: float) -> float:
        return t_test_power(n=n, effect_size=size, alpha=alpha, design=design) - power

    smallest = 2 + 1e-10
    if shortfall(smallest) >= 0:
        n = smallest
    else:
        largest = 10.0
        while shortfall(largest) < 0:
            largest *= 10
        n = optimize.brentq(shortfall, smallest, largest, xtol=1e-10)
    design_effect = 1 + (cluster_size - 1) * icc
    clustered = math.ceil(n * design_effect - 1e-9)
    groups = 1 if design == "paired" else 2
    return {
        "design": design,
        "effect_size": effect_size,
        "power": power,
        "alpha": alpha,
        "icc": icc,
        "cluster_size": cluster_size,
        "n_per_group": n,
        "n_per_group_rounded": math.ceil(n - 1e-9),
        "design_effect": design_effect,
        "n_per_group_clustered": clustered,
        "clusters_per_group": math.ceil(clustered / cluster_size),
        "n_total": clustered * groups,
    }
