"""Controlled before/after designs: difference-in-differences (OLS, logit) and ANCOVA.

Sign: estimate = (intervention change) − (comparison change); group 1 = intervention,
wave 1 = follow-up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy import stats

from ._data import as_float, labels
from .results import NoNumbers, TestResult, empty_result


@dataclass(frozen=True)
class Coefficient:
    """One regression coefficient with its cluster-robust inference."""

    estimate: float
    standard_error: float
    statistic: float
    p_value: float
    ci_low: float
    ci_high: float


def ols_cluster(
    *,
    y: ArrayLike,
    regressors: Mapping[str, ArrayLike],
    cluster: ArrayLike,
    alpha: float = 0.05,
) -> tuple[dict[str, Coefficient], float]:
    """OLS with an intercept and cluster-robust SEs; returns coefficients and the t df.

    The covariance is the CR1 sandwich with the small-sample factor G/(G−1)·(N−1)/(N−K),
    as Stata ``vce(cluster)`` and R ``sandwich::vcovCL`` (type HC1) use; tests and intervals
    use a t distribution with G − 1 degrees of freedom (Stata's convention).
    """
    design = sm.add_constant(pd.DataFrame({name: as_float(v) for name, v in regressors.items()}))
    groups = pd.factorize(labels(cluster))[0]
    fit = sm.OLS(as_float(y), design).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": True}, use_t=True
    )
    return _coefficients(fit, alpha), float(fit.df_resid_inference)


def _coefficients(fit: object, alpha: float) -> dict[str, Coefficient]:
    """Collect estimate, SE, statistic, p and CI per coefficient of a statsmodels fit."""
    intervals = fit.conf_int(alpha=alpha)
    return {
        name: Coefficient(
            estimate=float(fit.params[name]),
            standard_error=float(fit.bse[name]),
            statistic=float(fit.tvalues[name]),
            p_value=float(fit.pvalues[name]),
            ci_low=float(intervals.loc[name, 0]),
            ci_high=float(intervals.loc[name, 1]),
        )
        for name in fit.params.index
    }


def _long_frame(
    y: ArrayLike, group: ArrayLike, wave: ArrayLike, cluster: ArrayLike
) -> pd.DataFrame:
    """Assemble the long data, dropping rows without an outcome, group or wave."""
    frame = pd.DataFrame(
        {
            "y": as_float(y),
            "group": as_float(group),
            "wave": as_float(wave),
            "cluster": labels(cluster),
        }
    ).dropna(subset=["y", "group", "wave"])
    if not frame[["group", "wave"]].isin([0.0, 1.0]).all().all():
        raise ValueError("group and wave must be coded 0/1")
    return frame


def _cell_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Observations per group × wave cell, for the flow and for suppression."""
    counts = frame.groupby(["group", "wave"]).size()
    return {f"group{int(g)}_wave{int(w)}": int(n) for (g, w), n in counts.items()}


def _has_all_cells(frame: pd.DataFrame) -> bool:
    """True when each of the four group × wave cells has data."""
    return frame.groupby(["group", "wave"]).ngroups == 4


def pooled_baseline_sd(frame: pd.DataFrame) -> float:
    """Pooled within-group SD of the outcome at baseline: the DiD standardiser."""
    baseline = frame[frame["wave"] == 0].groupby("group")["y"]
    sizes, variances = baseline.count(), baseline.var(ddof=1)
    return math.sqrt(float(((sizes - 1) * variances).sum() / (sizes.sum() - len(sizes))))


def did_ols(
    *,
    y: ArrayLike,
    group: ArrayLike,
    wave: ArrayLike,
    cluster: ArrayLike,
    alpha: float = 0.05,
) -> TestResult:
    """Difference-in-differences by OLS ``y ~ group * wave`` with cluster-robust SEs.

    Cluster by site when sites exist, else by participant. The standardised DiD divides the
    estimate and its interval by the pooled baseline SD (treated as known).
    """
    frame = _long_frame(y, group, wave, cluster)
    if not _has_all_cells(frame) or frame["cluster"].nunique() < 2:
        return empty_result("did_ols", len(frame), NoNumbers.EMPTY_CELL)
    coefficients, df = ols_cluster(
        y=frame["y"],
        regressors={
            "group": frame["group"],
            "wave": frame["wave"],
            "group_x_wave": frame["group"] * frame["wave"],
        },
        cluster=frame["cluster"],
        alpha=alpha,
    )
    did = coefficients["group_x_wave"]
    sd = pooled_baseline_sd(frame)
    scale = sd if sd > 0 else math.nan
    means = frame.groupby(["group", "wave"])["y"].mean()
    return TestResult(
        method="did_ols",
        n=len(frame),
        estimate=did.estimate,
        ci_low=did.ci_low,
        ci_high=did.ci_high,
        statistic=did.statistic,
        df=df,
        p_value=did.p_value,
        effect_size=did.estimate / scale,
        effect_size_name="standardised_did",
        effect_size_ci_low=did.ci_low / scale,
        effect_size_ci_high=did.ci_high / scale,
        extra={
            "standard_error": did.standard_error,
            "n_clusters": int(frame["cluster"].nunique()),
            "baseline_sd": sd,
            "cell_means": {f"group{int(g)}_wave{int(w)}": float(m) for (g, w), m in means.items()},
            "cell_n": _cell_counts(frame),
        },
    )


def ancova(
    *,
    baseline: ArrayLike,
    followup: ArrayLike,
    group: ArrayLike,
    cluster: ArrayLike | None = None,
    alpha: float = 0.05,
) -> TestResult:
    """ANCOVA ``followup ~ baseline + group`` on complete pairs; estimate = group coefficient.

    One row per participant: classical OLS, t with the residual N − 3 degrees of freedom (R's
    ``summary(lm())``). When ``cluster`` groups several participants (sites), the standard
    error is the CR2 ("bias-reduced linearisation") cluster-robust one with Bell–McCaffrey
    degrees of freedom (``cr2_contrast``); clusters of one participant each change nothing,
    so they fall back to the classical fit. The effect size divides by the pooled
    within-group baseline SD, like the DiD.
    """
    columns = {"baseline": as_float(baseline), "followup": as_float(followup)}
    columns["group"] = as_float(group)
    columns["cluster"] = (
        labels(cluster) if cluster is not None else np.arange(len(columns["group"]))
    )
    frame = pd.DataFrame(columns).dropna(subset=["baseline", "followup", "group"])
    if frame["group"].nunique() < 2 or len(frame) < 4:
        return empty_result("ancova", len(frame), NoNumbers.TOO_FEW_FOR_ANCOVA)
    design = sm.add_constant(frame[["baseline", "group"]])
    fit = sm.OLS(frame["followup"], design).fit()
    n_clusters = int(frame["cluster"].nunique())
    estimate = float(fit.params["group"])
    if n_clusters == len(frame):
        standard_error, df, variance = float(fit.bse["group"]), float(fit.df_resid), "classical"
    else:
        contrast = (design.columns == "group").astype(float)
        variance_cr2, df = cr2_contrast(
            design=design.to_numpy(),
            residuals=fit.resid.to_numpy(),
            cluster=frame["cluster"].to_numpy(),
            contrast=contrast,
        )
        standard_error, variance = math.sqrt(variance_cr2), "CR2"
    statistic = estimate / standard_error
    margin = stats.t.ppf(1 - alpha / 2, df) * standard_error
    sizes = frame.groupby("group")["baseline"].agg(["count", "var"])
    sd = math.sqrt(float(((sizes["count"] - 1) * sizes["var"]).sum() / (len(frame) - 2)))
    scale = sd if sd > 0 else math.nan
    return TestResult(
        method="ancova",
        n=len(frame),
        estimate=estimate,
        ci_low=estimate - margin,
        ci_high=estimate + margin,
        statistic=statistic,
        df=df,
        p_value=float(2 * stats.t.sf(abs(statistic), df)),
        effect_size=estimate / scale,
        effect_size_name="standardised_ancova_difference",
        effect_size_ci_low=(estimate - margin) / scale,
        effect_size_ci_high=(estimate + margin) / scale,
        extra={
            "standard_error": standard_error,
            "baseline_sd": sd,
            "variance": variance,
            "n_clusters": n_clusters,
        },
    )


def cr2_contrast(
    *, design: np.ndarray, residuals: np.ndarray, cluster: ArrayLike, contrast: np.ndarray
) -> tuple[float, float]:
    """CR2 cluster-robust variance of c'β and its Bell–McCaffrey degrees of freedom.

    Bell & McCaffrey (2002), Survey Methodology 28:169–181; Imbens & Kolesár (2016), Review of
    Economics and Statistics 98:701–712; Pustejovsky & Tipton (2018), JBES 36:672–683
    (R clubSandwich ``vcovCR(type = "CR2")`` with ``coef_test(test = "Satterthwaite")``), under
    the working model of independent, equal-variance errors: residuals of cluster g are
    adjusted by A_g = (I − H_gg)^(−1/2), and the df are (Σλ)²/Σλ² for the eigenvalues λ of
    G'G, with G's column g = (I − H)_{·g} A_g X_g (X'X)⁻¹ c.
    """
    bread = np.linalg.inv(design.T @ design)
    direction = bread @ contrast
    codes = pd.factorize(labels(cluster))[0]
    meat_terms, columns = [], []
    for code in range(int(codes.max()) + 1):
        rows = np.flatnonzero(codes == code)
        block = design[rows]
        leverage = block @ bread @ block.T
        values, vectors = np.linalg.eigh(np.eye(len(rows)) - leverage)
        if values.min() <= 1e-12:
            raise ArithmeticError("a cluster is fitted exactly: CR2 is not defined")
        adjust = vectors @ np.diag(values**-0.5) @ vectors.T
        weights = adjust @ block @ direction  # A_g X_g (X'X)⁻¹ c
        meat_terms.append(float(weights @ residuals[rows]))
        column = -design @ (bread @ (block.T @ weights))
        column[rows] += weights
        columns.append(column)
    variance = float(np.sum(np.square(meat_terms)))
    gram = np.array(columns) @ np.array(columns).T
    eigen = np.linalg.eigvalsh(gram)
    df = float(eigen.sum() ** 2 / np.square(eigen).sum())
    return variance, df


# A cluster-robust standard error this small relative to its estimate is zero up to rounding.
ZERO_STANDARD_ERROR = 1e-9


def logit_cluster(
    *,
    y: ArrayLike,
    regressors: Mapping[str, ArrayLike],
    cluster: ArrayLike,
    alpha: float = 0.05,
) -> dict[str, Coefficient]:
    """Logistic regression with an intercept and cluster-robust SEs (Wald z inference).

    The sandwich is scaled by G/(G−1) only, the default of R ``sandwich::vcovCL`` for glm
    objects and of Stata's ``logit, vce(cluster)``.
    """
    params, covariance = _logit_fit(y=y, regressors=regressors, cluster=cluster)
    standard_errors = np.sqrt(np.clip(np.diag(covariance), 0, None))  # rounding can dip below 0
    critical = stats.norm.ppf(1 - alpha / 2)
    result = {}
    for name, estimate, standard_error in zip(params.index, params, standard_errors, strict=True):
        # A zero standard error (separation, or one cluster per group; rounding leaves ~1e-13)
        # has no z test: NaN, not p = 0.
        degenerate = standard_error <= ZERO_STANDARD_ERROR * (1 + abs(estimate))
        z_value = math.nan if degenerate else estimate / standard_error
        result[name] = Coefficient(
            estimate=float(estimate),
            standard_error=float(standard_error),
            statistic=float(z_value),
            p_value=float(2 * stats.norm.sf(abs(z_value))),
            ci_low=float(estimate - critical * standard_error),
            ci_high=float(estimate + critical * standard_error),
        )
    return result


def _logit_fit(
    *, y: ArrayLike, regressors: Mapping[str, ArrayLike], cluster: ArrayLike
) -> tuple[pd.Series, np.ndarray]:
    """Logit coefficients and their cluster-robust covariance scaled by G/(G−1)."""
    design = sm.add_constant(pd.DataFrame({name: as_float(v) for name, v in regressors.items()}))
    groups = pd.factorize(labels(cluster))[0]
    n_clusters = int(groups.max()) + 1
    fit = sm.GLM(as_float(y), design, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}
    )
    return fit.params, np.asarray(fit.cov_params()) * n_clusters / (n_clusters - 1)


# The four cells of y ~ group * wave as design rows (const, group, wave, group × wave) and
# their sign in the difference-in-differences (intervention change − comparison change).
_DID_CELLS = ((1.0, (1, 1, 1, 1)), (-1.0, (1, 1, 0, 0)), (-1.0, (1, 0, 1, 0)), (1.0, (1, 0, 0, 0)))


def risk_difference_did(
    params: ArrayLike, covariance: ArrayLike, alpha: float = 0.05
) -> tuple[float, float, float, float]:
    """Difference-in-differences of predicted probabilities of ``y ~ group * wave`` (logit).

    The average marginal effect of the interaction on the probability scale: the model has
    no other covariate, so every participant of a cell has the cell's predicted probability
    and the average over the sample is (p₁₁ − p₁₀) − (p₀₁ − p₀₀). Its standard error is the
    delta method, gradient Σ ± p(1 − p)·x over the cells (Greene, Econometric Analysis,
    §17.3; Stata ``margins, dydx()`` with ``contrast``). Returns estimate, SE, CI low, high.
    """
    beta = as_float(params)
    estimate, gradient = 0.0, np.zeros(beta.size)
    for sign, row in _DID_CELLS:
        x = np.array(row, dtype=float)
        probability = 1 / (1 + math.exp(-float(x @ beta)))
        estimate += sign * probability
        gradient += sign * probability * (1 - probability) * x
    standard_error = math.sqrt(max(float(gradient @ np.asarray(covariance) @ gradient), 0.0))
    margin = stats.norm.ppf(1 - alpha / 2) * standard_error
    return estimate, standard_error, estimate - margin, estimate + margin


def did_logit(
    *,
    y: ArrayLike,
    group: ArrayLike,
    wave: ArrayLike,
    cluster: ArrayLike,
    alpha: float = 0.05,
) -> TestResult:
    """DiD for a 0/1 outcome: logit ``y ~ group * wave`` with cluster-robust SEs.

    Equivalent to GEE with an independence working correlation (robust SEs) times G/(G−1).
    The estimate is the interaction on the log-odds scale (Wald z test); the effect size (and
    ``odds_ratio``) is its exponential, the ratio of the intervention and comparison odds
    ratios; ``risk_difference`` is the same contrast in probabilities (percentage points / 100,
    ``risk_difference_did``).
    """
    frame = _long_frame(y, group, wave, cluster)
    if not frame["y"].isin([0.0, 1.0]).all():
        raise ValueError("did_logit needs a 0/1 outcome")
    if not _has_all_cells(frame) or frame["cluster"].nunique() < 2:
        return empty_result("did_logit", len(frame), NoNumbers.EMPTY_CELL)
    proportions = frame.groupby(["group", "wave"])["y"].mean()
    if proportions.isin([0.0, 1.0]).any():
        # Separation: the saturated model's log-odds of that cell are infinite, so the maximum
        # likelihood estimate does not exist (Albert & Anderson 1984, Biometrika 71:1–10) and a
        # fitter stops at a huge coefficient with a zero standard error (p = 0: a false claim).
        return empty_result("did_logit", len(frame), NoNumbers.SEPARATION)
    regressors = {
        "group": frame["group"],
        "wave": frame["wave"],
        "group_x_wave": frame["group"] * frame["wave"],
    }
    effect = logit_cluster(
        y=frame["y"], regressors=regressors, cluster=frame["cluster"], alpha=alpha
    )["group_x_wave"]
    params, covariance = _logit_fit(y=frame["y"], regressors=regressors, cluster=frame["cluster"])
    risk, risk_se, risk_low, risk_high = risk_difference_did(params, covariance, alpha)
    return TestResult(
        method="did_logit",
        n=len(frame),
        estimate=effect.estimate,
        ci_low=effect.ci_low,
        ci_high=effect.ci_high,
        statistic=effect.statistic,
        df=None,
        p_value=effect.p_value,
        effect_size=math.exp(effect.estimate),
        effect_size_name="odds_ratio",
        effect_size_ci_low=math.exp(effect.ci_low),
        effect_size_ci_high=math.exp(effect.ci_high),
        risk_difference=risk,
        risk_difference_ci_low=risk_low,
        risk_difference_ci_high=risk_high,
        odds_ratio=math.exp(effect.estimate),
        odds_ratio_ci_low=math.exp(effect.ci_low),
        odds_ratio_ci_high=math.exp(effect.ci_high),
        extra={
            "standard_error": effect.standard_error,
            "risk_difference_standard_error": risk_se,
            "n_clusters": int(frame["cluster"].nunique()),
            "cell_proportions": {
                f"group{int(g)}_wave{int(w)}": float(p) for (g, w), p in proportions.items()
            },
            "cell_n": _cell_counts(frame),
        },
    )
