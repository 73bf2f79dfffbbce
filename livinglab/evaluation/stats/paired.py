"""Pre/post tests on the same participants: paired t and McNemar (sign: follow-up − baseline)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, stats

from ._data import complete_cases
from .results import NoNumbers, TestResult, empty_result

# Below this many discordant pairs the chi-squared approximation is too rough (DESIGN.md §3).
EXACT_MCNEMAR_BELOW = 25


def paired_t(*, baseline: ArrayLike, followup: ArrayLike, alpha: float = 0.05) -> TestResult:
    """Paired t-test on complete pairs, with Cohen's d_z and its noncentral-t interval."""
    before, after = complete_cases(baseline, followup)
    difference = after - before
    n = difference.size
    if n < 2:
        return empty_result("paired_t", n, NoNumbers.TOO_FEW_PAIRS)
    mean = float(difference.mean())
    sd = float(difference.std(ddof=1))
    if sd == 0:
        return empty_result("paired_t", n, NoNumbers.EQUAL_DIFFERENCES)
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
    unsigned, df = 1). The estimate p_followup − p_baseline (also ``risk_difference``) has
    Newcombe's square-and-add interval for paired proportions (``newcombe_paired_interval``);
    the Wald standard error (Agresti, Categorical Data Analysis, §10.1) stays in ``extra``.
    The effect size (also ``odds_ratio``) is the conditional
    odds ratio b/c of 0→1 over 1→0 switches (> 1 means an increase) with the exact
    Clopper–Pearson interval of b/(b+c) mapped to the odds scale (exact2x2 ``mcnemar.exact``).
    """
    before, after = complete_cases(baseline, followup)
    if not np.isin(np.concatenate([before, after]), (0.0, 1.0)).all():
        raise ValueError("mcnemar needs 0/1 values")
    n = before.size
    if n == 0:
        return empty_result("mcnemar_exact", 0, NoNumbers.NO_PAIRS)
    increases = int(np.sum((before == 0) & (after == 1)))
    decreases = int(np.sum((before == 1) & (after == 0)))
    discordant = increases + decreases
    estimate = (increases - decreases) / n
    standard_error = math.sqrt(discordant - (increases - decreases) ** 2 / n) / n
    both = int(np.sum((before == 1) & (after == 1)))
    low, high = newcombe_paired_interval(
        stay_1=both, up=increases, down=decreases, stay_0=n - both - discordant, alpha=alpha
    )
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
        ci_low=low,
        ci_high=high,
        statistic=statistic,
        df=df,
        p_value=float(p_value),
        effect_size=odds_ratio,
        effect_size_name="odds_ratio_discordant",
        effect_size_ci_low=odds_low,
        effect_size_ci_high=odds_high,
        risk_difference=estimate,
        risk_difference_ci_low=low,
        risk_difference_ci_high=high,
        odds_ratio=odds_ratio,
        odds_ratio_ci_low=odds_low,
        odds_ratio_ci_high=odds_high,
        extra={
            "wald_standard_error": standard_error,
            "increases": increases,
            "decreases": decreases,
            "discordant": discordant,
            "proportion_baseline": float(before.mean()),
            "proportion_followup": float(after.mean()),
        },
    )


def newcombe_paired_interval(
    *, stay_1: int, up: int, down: int, stay_0: int, alpha: float = 0.05
) -> tuple[float, float]:
    """Interval of p_followup − p_baseline for paired 0/1 data: Newcombe's method 10.

    Newcombe (1998), "Improved confidence intervals for the difference between binomial
    proportions based on paired data", Stat Med 17:2635–2650: the square-and-add (MOVER)
    combination of the two marginal Wilson intervals, with the correlation φ of the 2 × 2
    table corrected towards 0 (Fagerland, Lydersen & Laake, Statistical Analysis of
    Contingency Tables, 2017, §8.5). Unlike the Wald interval it neither collapses to a point
    without discordant pairs nor leaves [−1, 1].
    """
    n = stay_1 + up + down + stay_0
    after_yes, before_yes = stay_1 + up, stay_1 + down
    p_after, p_before = after_yes / n, before_yes / n
    low_after, high_after = _wilson(after_yes, n, alpha)
    low_before, high_before = _wilson(before_yes, n, alpha)
    margins = after_yes * (n - after_yes) * before_yes * (n - before_yes)
    phi = 0.0
    if margins > 0:
        cross = stay_1 * stay_0 - up * down
        if cross > n / 2:
            phi = (cross - n / 2) / math.sqrt(margins)
        elif cross < 0:
            phi = cross / math.sqrt(margins)
    estimate = p_after - p_before
    below = (p_after - low_after, high_before - p_before)
    above = (high_after - p_after, p_before - low_before)
    low = estimate - math.sqrt(
        max(below[0] ** 2 + below[1] ** 2 - 2 * phi * below[0] * below[1], 0)
    )
    high = estimate + math.sqrt(
        max(above[0] ** 2 + above[1] ** 2 - 2 * phi * above[0] * above[1], 0)
    )
    return low, high


def _wilson(successes: int, n: int, alpha: float) -> tuple[float, float]:
    interval = stats.binomtest(successes, n).proportion_ci(
        confidence_level=1 - alpha, method="wilson"
    )
    return float(interval.low), float(interval.high)


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
