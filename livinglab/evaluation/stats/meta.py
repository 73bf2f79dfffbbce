"""Random-effects meta-analysis of per-campaign effects (statsmodels' ``combine_effects``).

DerSimonian–Laird (one-step moment estimator) and Paule–Mandel (iterated) estimates of the
between-campaign variance τ²; the pooled effect with its normal-theory confidence interval, as
metafor's ``rma`` prints it; and the prediction interval of Higgins, Thompson & Spiegelhalter
(2009, J R Stat Soc A 172:137–159): where the effect of a new campaign is expected to fall,
μ̂ ± t(k−2) · √(τ² + SE²).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

# Our names for statsmodels' `method_re` values.
METHODS = {"dl": "dl", "pm": "iterated"}


@dataclass(frozen=True)
class PooledEffect:
    """A random-effects pooled estimate, with the heterogeneity it carries."""

    method: str  # "dl" or "pm"
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    pi_low: float | None  # None below three studies (t with k − 2 df)
    pi_high: float | None
    tau2: float
    i2: float  # percent, Higgins & Thompson (2002): max(0, (Q − df) / Q)
    q: float
    q_df: int
    q_p_value: float | None
    weights: list[float]  # relative random-effects weights, in the input's order

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def random_effects(
    *, effects: ArrayLike, variances: ArrayLike, method: str = "dl", alpha: float = 0.05
) -> PooledEffect:
    """Pool `effects` (one per study, with their sampling `variances`) under a random-effects
    model; `method` is "dl" (DerSimonian–Laird) or "pm" (Paule–Mandel)."""
    from statsmodels.stats.meta_analysis import combine_effects

    effect = np.asarray(effects, dtype=float)
    variance = np.asarray(variances, dtype=float)
    if effect.shape != variance.shape or effect.ndim != 1:
        raise ValueError("effects and variances must be two vectors of the same length")
    if effect.size < 2:
        raise ValueError("pooling needs at least two studies")
    if not (np.all(np.isfinite(effect)) and np.all(variance > 0)):
        raise ValueError("effects must be finite and variances positive")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: expected one of {sorted(METHODS)}")
    # A negative DL moment estimate makes statsmodels take the root of a negative variance in
    # its (unused) HKSJ attributes; the truncation below handles that case.
    with np.errstate(invalid="ignore"):
        combined = combine_effects(effect, variance, method_re=METHODS[method], alpha=alpha)
    k = effect.size
    tau2 = float(combined.tau2)
    if tau2 > 0:
        estimate = float(combined.mean_effect_re)
        se = float(combined.sd_eff_w_re)
        weights = combined.weights_rel_re
    else:
        # statsmodels does not truncate the DL moment estimate at zero; metafor does, which
        # makes the random-effects model the fixed-effect one.
        tau2 = 0.0
        estimate = float(combined.mean_effect_fe)
        se = float(combined.sd_eff_w_fe)
        weights = combined.weights_rel_fe
    z = stats.norm.isf(alpha / 2)
    q = float(combined.q)
    df = k - 1
    pi_low = pi_high = None
    if k >= 3:
        margin = stats.t.isf(alpha / 2, k - 2) * math.sqrt(tau2 + se**2)
        pi_low, pi_high = estimate - margin, estimate + margin
    return PooledEffect(
        method=method,
        k=k,
        estimate=estimate,
        se=se,
        ci_low=float(estimate - z * se),
        ci_high=float(estimate + z * se),
        pi_low=None if pi_low is None else float(pi_low),
        pi_high=None if pi_high is None else float(pi_high),
        tau2=tau2,
        i2=100 * max(0.0, (q - df) / q) if q > 0 else 0.0,
        q=q,
        q_df=df,
        q_p_value=float(stats.chi2.sf(q, df)),
        weights=[float(weight) for weight in weights],
    )


def se_from_interval(
    *, low: float, high: float, alpha: float = 0.05, df: float | None = None
) -> float:
    """The standard error behind a symmetric confidence interval (t with `df`, else normal)."""
    level = 1 - alpha / 2
    critical = stats.t.ppf(level, df) if df else stats.norm.ppf(level)
    return float((high - low) / (2 * critical))
