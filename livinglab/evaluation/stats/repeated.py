"""Repeated measures over three or more waves: linear mixed model with random intercepts."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMResults

from ._data import as_float, labels
from .results import TestResult


def fit_random_intercepts(
    *,
    y: ArrayLike,
    fixed: pd.DataFrame,
    subject: ArrayLike,
    site: ArrayLike | None = None,
) -> MixedLMResults:
    """REML fit of ``y ~ fixed`` with a random intercept per subject (and per site if given).

    ``fixed`` holds the fixed-effect columns, intercept included. With sites, subjects are
    nested in sites: the site is the grouping factor and the subject a variance component.
    """
    frame = fixed.copy()
    frame["_y"] = as_float(y)
    frame["_subject"] = labels(subject)
    if site is None:
        model = MixedLM(frame["_y"], frame[list(fixed.columns)], groups=frame["_subject"])
    else:
        frame["_site"] = labels(site)
        formula = "_y ~ 0 + " + " + ".join(f"Q('{name}')" for name in fixed.columns)
        model = MixedLM.from_formula(
            formula,
            data=frame,
            groups="_site",
            re_formula="1",
            vc_formula={"subject": "0 + C(_subject)"},
        )
    with warnings.catch_warnings():
        # Boundary fits (a variance of 0) are legitimate results, not errors, for us.
        warnings.simplefilter("ignore")
        return model.fit(reml=True, method=["lbfgs", "bfgs", "cg"])


def mixed_model(
    *,
    y: ArrayLike,
    wave: ArrayLike,
    subject: ArrayLike,
    site: ArrayLike | None = None,
    wave_order: Sequence[object] | None = None,
    alpha: float = 0.05,
) -> list[TestResult]:
    """One contrast per non-baseline wave (wave − baseline) from a random-intercept LMM.

    Waves enter as a categorical factor; the baseline is ``wave_order[0]`` (the protocol's
    first wave), or the smallest wave value when no order is given. Inference is t with
    Satterthwaite degrees of freedom (``satterthwaite``; lmerTest's default), not Wald z: with
    a few dozen participants z is anti-conservative. ``n`` is the smaller of the numbers of
    participants observed at baseline and at that wave. The effect size divides the contrast
    by the model's total SD (sqrt of the sum of all variance components).
    """
    frame = pd.DataFrame({"y": as_float(y), "wave": labels(wave), "subject": labels(subject)})
    frame["site"] = labels(site) if site is not None else None
    frame = frame.dropna(subset=["y", "wave", "subject"]).reset_index(drop=True)
    order = list(wave_order) if wave_order is not None else sorted(frame["wave"].unique())
    frame = frame[frame["wave"].isin(order)].reset_index(drop=True)
    baseline, later = order[0], [w for w in order[1:] if (frame["wave"] == w).any()]
    fixed = pd.DataFrame({"intercept": np.ones(len(frame))})
    for index, level in enumerate(later):
        fixed[f"wave_{index}"] = (frame["wave"] == level).astype(float)
    fit = fit_random_intercepts(
        y=frame["y"],
        fixed=fixed,
        subject=frame["subject"],
        site=frame["site"] if site is not None else None,
    )
    variances = variance_components(fit)
    total_sd = math.sqrt(sum(variances.values()))
    subjects_at = frame.groupby("wave")["subject"].nunique()
    inference = satterthwaite(
        y=frame["y"],
        fixed=fixed.to_numpy(),
        subject=frame["subject"],
        site=frame["site"] if site is not None else None,
        variances=variances,
        contrasts=[np.eye(fixed.shape[1])[index + 1] for index in range(len(later))],
    )
    results = []
    for index, level in enumerate(later):
        name = _parameter_name(fit, f"wave_{index}")
        estimate = float(fit.fe_params[name])
        standard_error, df, df_method = inference[index]
        critical = stats.t.ppf(1 - alpha / 2, df)
        low, high = estimate - critical * standard_error, estimate + critical * standard_error
        results.append(
            TestResult(
                method="mixed_model",
                n=int(min(subjects_at.get(baseline, 0), subjects_at[level])),
                estimate=estimate,
                ci_low=low,
                ci_high=high,
                statistic=estimate / standard_error,
                df=df,
                p_value=float(2 * stats.t.sf(abs(estimate / standard_error), df)),
                effect_size=estimate / total_sd,
                effect_size_name="standardised_change",
                effect_size_ci_low=low / total_sd,
                effect_size_ci_high=high / total_sd,
                extra={
                    "wave": level,
                    "baseline_wave": baseline,
                    "standard_error": standard_error,
                    "df_method": df_method,
                    "variance_components": variances,
                    "n_observations": len(frame),
                    "n_subjects": int(frame["subject"].nunique()),
                    "converged": bool(fit.converged),
                },
            )
        )
    return results


def variance_components(fit: MixedLMResults) -> dict[str, float]:
    """Residual, subject and (when fitted) site variances of a ``fit_random_intercepts`` fit."""
    if fit.model.exog_vc is None or not fit.vcomp.size:
        return {"subject": float(fit.cov_re.iloc[0, 0]), "residual": float(fit.scale)}
    return {
        "site": float(fit.cov_re.iloc[0, 0]),
        "subject": float(fit.vcomp[0]),
        "residual": float(fit.scale),
    }


def _parameter_name(fit: MixedLMResults, column: str) -> str:
    """Find a fixed-effect name whether or not the formula interface wrapped it in Q()."""
    return next(name for name in fit.fe_params.index if column in name)


class _RandomIntercepts:
    """Marginal model y ~ N(Xβ, V(θ)) of a random-intercept LMM, for REML quantities in θ.

    θ = (residual, subject[, site]) variances. Each subject block σ²_e I + σ²_s J has a closed
    form inverse, (I − w J)/σ²_e with w = σ²_s/(σ²_e + n σ²_s); a site adds σ²_site 11' to
    the blocks of its subjects, handled by Sherman–Morrison. Everything runs on per-subject
    sums: O(N), whatever the size of a site.
    """

    def __init__(
        self, y: np.ndarray, fixed: np.ndarray, subject: np.ndarray, site: np.ndarray | None
    ):
        self.y, self.fixed = y, fixed
        codes = pd.factorize(subject)[0]
        self.sizes = np.bincount(codes).astype(float)
        self.x_sums = np.array([np.bincount(codes, weights=col) for col in fixed.T]).T
        self.y_sums = np.bincount(codes, weights=y)
        self.site_of_subject = None
        if site is not None:
            first_row = np.unique(codes, return_index=True)[1]
            self.site_of_subject = pd.factorize(site[first_row])[0]

    def pieces(self, theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, float]:
        """log|V|, X'V⁻¹X, X'V⁻¹y, y'V⁻¹y."""
        residual, subject = theta[0], theta[1]
        weight = subject / (residual + self.sizes * subject)
        logdet = float(
            np.sum((self.sizes - 1) * np.log(residual) + np.log(residual + self.sizes * subject))
        )
        xx = (self.fixed.T @ self.fixed - (self.x_sums.T * weight) @ self.x_sums) / residual
        xy = (self.fixed.T @ self.y - (self.x_sums.T * weight) @ self.y_sums) / residual
        yy = float(self.y @ self.y - np.sum(weight * self.y_sums**2)) / residual
        if self.site_of_subject is None:
            return logdet, xx, xy, yy
        # D⁻¹1 restricted to a subject sums to n(1 − w n)/σ²_e; a'D⁻¹1 = Σ a₊(1 − w n)/σ²_e.
        shrink = (1 - weight * self.sizes) / residual
        site_count = int(self.site_of_subject.max()) + 1

        def by_site(values: np.ndarray) -> np.ndarray:
            return np.bincount(self.site_of_subject, weights=values, minlength=site_count)

        ones = by_site(self.sizes * shrink)  # 1'D⁻¹1 per site
        x_site = np.array([by_site(column * shrink) for column in self.x_sums.T]).T
        y_site = by_site(self.y_sums * shrink)
        factor = theta[2] / (1 + theta[2] * ones)
        logdet += float(np.sum(np.log1p(theta[2] * ones)))
        xx = xx - (x_site.T * factor) @ x_site
        xy = xy - (x_site.T * factor) @ y_site
        yy -= float(np.sum(factor * y_site**2))
        return logdet, xx, xy, yy

    def reml(self, theta: np.ndarray) -> float:
        """REML log-likelihood (without constants)."""
        logdet, xx, xy, yy = self.pieces(theta)
        beta = np.linalg.solve(xx, xy)
        return -0.5 * (logdet + np.linalg.slogdet(xx)[1] + yy - float(xy @ beta))

    def contrast_variance(self, theta: np.ndarray, contrast: np.ndarray) -> float:
        """Var(c'β̂) = c'(X'V⁻¹X)⁻¹c at θ."""
        xx = self.pieces(theta)[1]
        return float(contrast @ np.linalg.solve(xx, contrast))


def _hessian(
    function: Callable[[np.ndarray], float],
    theta: np.ndarray,
    free: list[int],
    steps: np.ndarray,
) -> np.ndarray:
    """Central finite-difference Hessian of ``function`` in the ``free`` coordinates."""
    unit = np.eye(theta.size)
    hessian = np.empty((len(free), len(free)))
    for a, i in enumerate(free):
        for b, j in enumerate(free[a:], start=a):
            shift_i, shift_j = unit[i] * steps[i], unit[j] * steps[j]
            value = (
                function(theta + shift_i + shift_j)
                - function(theta + shift_i - shift_j)
                - function(theta - shift_i + shift_j)
                + function(theta - shift_i - shift_j)
            ) / (4 * steps[i] * steps[j])
            hessian[a, b] = hessian[b, a] = value
    return hessian


def satterthwaite(
    *,
    y: ArrayLike,
    fixed: np.ndarray,
    subject: ArrayLike,
    variances: dict[str, float],
    contrasts: Sequence[np.ndarray],
    site: ArrayLike | None = None,
) -> list[tuple[float, float, str]]:
    """Standard error, degrees of freedom and their method ("satterthwaite" or "residual")
    of contrasts of a REML fit.

    df = 2·Var(c'β̂)² / (g' A g), g the gradient of Var(c'β̂) = c'(X'V(θ)⁻¹X)⁻¹c in the
    variance parameters θ and A their asymptotic covariance, the inverse of the observed REML
    information (the numerical Hessian, as lmerTest does: Kuznetsova, Brockhoff & Christensen
    2017, J Stat Softw 82(13)). Derivatives are central finite differences. A variance
    component estimated at 0 (boundary fit) stays fixed at 0: the df are those of the model
    without it. When only the residual variance is left, the model is an ordinary regression
    and the df are its residual N − p ("residual").
    """
    model = _RandomIntercepts(
        as_float(y),
        np.asarray(fixed, dtype=float),
        labels(subject),
        labels(site) if site is not None else None,
    )
    names = ["residual", "subject"] + (["site"] if site is not None else [])
    theta = np.array([variances[name] for name in names], dtype=float)
    residual_df = float(len(model.y) - np.linalg.matrix_rank(model.fixed))
    # Free parameters: the residual and every component away from the boundary.
    free = [0] + [i for i in range(1, theta.size) if theta[i] > 1e-8 * theta.sum()]
    steps = 1e-4 * theta
    unit = np.eye(theta.size)
    covariance = None
    while covariance is None and len(free) > 1:
        information = -_hessian(model.reml, theta, free, steps)
        if np.all(np.linalg.eigvalsh(information) > 0):
            covariance = np.linalg.inv(information)
        else:
            # Next to the boundary but not on it: the REML surface is not concave there.
            # Fix the smallest component at its estimate, as if it sat on the boundary.
            free.remove(min(free[1:], key=lambda i: theta[i]))
    results = []
    for contrast in contrasts:
        c = np.asarray(contrast, dtype=float)
        variance = model.contrast_variance(theta, c)
        if covariance is None:
            results.append((math.sqrt(variance), residual_df, "residual"))
            continue
        gradient = np.array(
            [
                (
                    model.contrast_variance(theta + unit[i] * steps[i], c)
                    - model.contrast_variance(theta - unit[i] * steps[i], c)
                )
                / (2 * steps[i])
                for i in free
            ]
        )
        spread = float(gradient @ covariance @ gradient)
        if spread <= 0:
            results.append((math.sqrt(variance), residual_df, "residual"))
            continue
        df = min(2 * variance**2 / spread, residual_df)
        results.append((math.sqrt(variance), float(df), "satterthwaite"))
    return results
