"""Pre/post tests on the same participants: paired t and McNemar (sign: follow-up − baseline)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, stats

from ._data import complete_cases
from .results import TestResult, empty_result

# Below this many discordant pairs the chi-squared approximation is too rough (DESIGN.md §3).
EXACT_MCNEMAR_BELOW = 25


def paired_t(*, baseline: ArrayLike, followup: ArrayLike, alpha: float = 0.05) -> TestResult:
    """Paired t-test on complete pairs, with Cohen's d_z and its noncentral-t interval."""
    before, after = complete_cases(baseline, followup)
    difference = after - before
    n = difference.size
    if n < 2:
        return empty_result("paired_t", n, "fewer than 2 complete pairs")
    mean = float(difference.mean())
    sd = float(difference.std(ddof=1))
    if sd == 0:
        return empty_result("paired_t", n, "all differences are equal")
    df = n - 1
    standard_error = sd / math.sqrt(n)
    t_value = mean / standard_error
    margin = stats.t.ppf(1 - alpha / 2, df) * standard_error
    ncp_low, ncp_high = noncentral_t_interval(t_value=t_value, df=df, alpha=alpha)
    return TestResult(
        method="paired_t",
        n=n,
        estimate=mean,
        ci_low=mean - margin,
        ci_high=mean + margin,
        statistic=t_value,
        df=float(df),
        p_value=float(2 * stats.t.sf(abs(t_value), df)),
        effect_size=mean / sd,
        effect_size_name="cohens_dz",
        effect_size_ci_low=ncp_low / math.sqrt(n),
        effect_size_ci_high=ncp_high / math.sqrt(n),
        extra={"sd_difference": sd, "standard_error": standard_error},
    )


def noncentral_t_interval(*, t_value: float, df: float, alpha: float) -> tuple[float, float]:
    """Invert the noncentral t at the observed t (Steiger & Fouladi 1997): CI of the ncp.

    Far in the tail (|t| in the tens, large df) scipy's noncentral t CDF loses precision and
    returns NaN; there the interval is the normal approximation t ± z·sqrt(1 + t²/(2·df)),
    i.e. the asymptotic variance of d_z, 1/n + d²/(2n) (Hedges & Olkin 1985), which the exact
    interval converges to.
    """
    try:
        return _exact_ncp_interval(t_value=t_value, df=df, alpha=alpha)
    except (ValueError, RuntimeError, ArithmeticError):
        z = stats.norm.ppf(1 - alpha / 2)
        half_width = z * math.sqrt(1 + t_value**2 / (2 * df))
        return t_value - half_width, t_value + half_width


def _exact_ncp_interval(*, t_value: float, df: float, alpha: float) -> tuple[float, float]:
    def ncp_where_cdf_is(probability: float) -> float:
        # nct.cdf(t, df, ncp) falls as ncp grows: widen the bracket until it holds the root.
        def gap(ncp: float) -> float:
            value = stats.nct.cdf(t_value, df, ncp) - probability
            if not math.isfinite(value):
                raise ArithmeticError("noncentral t CDF is not finite here")
            return value

        width = max(1.0, abs(t_value))
        low, high = t_value - width, t_value + width
        for _attempt in range(60):
            if gap(low) >= 0:
                break
            low -= width
            width *= 2
        for _attempt in range(60):
            if gap(high) <= 0:
                break
            high += width
            width *= 2
        return optimize.brentq(gap, low, high, xtol=1e-12)

    return ncp_where_cdf_is(1 - alpha / 2), ncp_where_cdf_is(alpha / 2)


def mcnemar(*, baseline: ArrayLike, followup: ArrayLike, alpha: float = 0.05) -> TestResult:
    """McNemar test for a 0/1 outcome measured twice, with the paired risk difference.

    Exact binomial test on the discordant pairs when there are fewer than 25 of them
    (``mcnemar_exact``; statistic = number of 0→1 switches, like exact2x2's ``b``), else
    R's ``mcnemar.test`` with continuity correction (``mcnemar_chi2``; statistic = chi-squared,
    unsigned, df = 1). The estimate p_followup − p_baseline has a Wald interval for paired
    proportions (Agresti, Categorical Data Analysis, §10.1). The effect size is the conditional
    odds ratio b/c of 0→1 over 1→0 switches (> 1 means an increase) with the exact
    Clopper–Pearson interval of b/(b+c) mapped to the odds scale (exact2x2 ``mcnemar.exact``).
    """
    before, after = complete_cases(baseline, followup)
    if not np.isin(np.concatenate([before, after]), (0.0, 1.0)).all():
        raise ValueError("mcnemar needs 0/1 values")
    n = before.size
    if n == 0:
        return empty_result("mcnemar_exact", 0, "no complete pairs")
    increases = int(np.sum((before == 0) & (after == 1)))
    decreases = int(np.sum((before == 1) & (after == 0)))
    discordant = increases + decreases
    estimate = (increases - decreases) / n
    standard_error = math.sqrt(discordant - (increases - decreases) ** 2 / n) / n
    margin = stats.norm.ppf(1 - alpha / 2) * standard_error
    if discordant < EXACT_MCNEMAR_BELOW:
        method, df = "mcnemar_exact", None
        statistic = float(increases)
        p_value = stats.binomtest(increases, discordant).pvalue if discordant else 1.0
    else:
        method, df = "mcnemar_chi2", 1.0
        statistic = (abs(increases - decreases) - 1) ** 2 / discordant
        p_value = stats.chi2.sf(statistic, 1)
    odds_ratio, odds_low, odds_high = _discordant_odds_ratio(increases, decreases, alpha)
    return TestResult(
        method=method,
        n=n,
        estimate=estimate,
        ci_low=estimate - margin,
        ci_high=estimate + margin,
        statistic=statistic,
        df=df,
        p_value=float(p_value),
        effect_size=odds_ratio,
        effect_size_name="odds_ratio_discordant",
        effect_size_ci_low=odds_low,
        effect_size_ci_high=odds_high,
        extra={
            "increases": increases,
            "decreases": decreases,
            "discordant": discordant,
            "proportion_baseline": float(before.mean()),
            "proportion_followup": float(after.mean()),
        },
    )


def _discordant_odds_ratio(
    increases: int, decreases: int, alpha: float
) -> tuple[float | None, float | None, float | None]:
    """Conditional odds ratio b/c with the exact interval of b/(b+c) on the odds scale."""
    discordant = increases + decreases
    if discordant == 0:
        return None, None, None
    interval = stats.binomtest(increases, discordant).proportion_ci(
        confidence_level=1 - alpha, method="exact"
    )

    def odds(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p)

    ratio = math.inf if decreases == 0 else increases / decreases
    return ratio, odds(interval.low), odds(interval.high)
