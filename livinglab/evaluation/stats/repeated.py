"""Repeated measures over three or more waves: linear mixed model with random intercepts."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

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

    θ = (residual, subject[, site]) variances; V is block diagonal by site (or by subject
    when there are no sites), each subject block σ²_e I + σ²_s J (closed form).
    """

    def __init__(
        self, y: np.ndarray, fixed: np.ndarray, subject: np.ndarray, site: np.ndarray | None
    ):
        self.y, self.fixed = y, fixed
        self.subject = pd.factorize(subject)[0]
        self.site = pd.factorize(site)[0] if site is not None else None
        self.sizes = np.bincount(self.subject).astype(float)
        self.x_sums = np.array([np.bincount(self.subject, weights=col) for col in fixed.T]).T
        self.y_sums = np.bincount(self.subject, weights=y)
        if self.site is not None:
            self.blocks = [np.flatnonzero(self.site == code) for code in range(self.site.max() + 1)]

    def pieces(self, theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, float]:
        """log|V|, X'V⁻¹X, X'V⁻¹y, y'V⁻¹y."""
        residual, subject = theta[0], theta[1]
        if self.site is None:
            # V_i⁻¹ = (I − w_i J)/σ²_e with w_i = σ²_s/(σ²_e + n_i σ²_s).
            weight = subject / (residual + self.sizes * subject)
            logdet = float(
                np.sum(
                    (self.sizes - 1) * np.log(residual) + np.log(residual + self.sizes * subject)
                )
            )
            xx = self.fixed.T @ self.fixed - (self.x_sums.T * weight) @ self.x_sums
            xy = self.fixed.T @ self.y - (self.x_sums.T * weight) @ self.y_sums
            yy = float(self.y @ self.y - np.sum(weight * self.y_sums**2))
            return logdet, xx / residual, xy / residual, yy / residual
        logdet, xx, xy, yy = 0.0, 0.0, 0.0, 0.0
        for rows in self.blocks:
            members = self.subject[rows]
            same_subject = (members[:, None] == members[None, :]).astype(float)
            covariance = residual * np.eye(len(rows)) + subject * same_subject + theta[2]
            sign, block_logdet = np.linalg.slogdet(covariance)
            if sign <= 0:
                raise ArithmeticError("covariance not positive definite")
            inverse = np.linalg.inv(covariance)
            x_block, y_block = self.fixed[rows], self.y[rows]
            logdet += block_logdet
            xx = xx + x_block.T @ inverse @ x_block
            xy = xy + x_block.T @ inverse @ y_block
            yy += float(y_block @ inverse @ y_block)
        return logdet, np.asarray(xx), np.asarray(xy), yy

    def reml(self, theta: np.ndarray) -> float:
        """REML log-likelihood (without constants)."""
        logdet, xx, xy, yy = self.pieces(theta)
        beta = np.linalg.solve(xx, xy)
        return -0.5 * (logdet + np.linalg.slogdet(xx)[1] + yy - float(xy @ beta))

    def contrast_variance(self, theta: np.ndarray, contrast: np.ndarray) -> float:
        """Var(c'β̂) = c'(X'V⁻¹X)⁻¹c at θ."""
        xx = self.pieces(theta)[1]
        return float(contrast @ np.linalg.solve(xx, contrast))


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
    2017, J Stat Softw 82(13)). Derivatives are central finite differences. At a boundary
    fit (a variance component estimated at 0) the information is singular: the df are then
    the residual N − p of the model that remains (an ordinary regression), stated as such.
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
    boundary = bool((theta[1:] <= 1e-8 * theta.sum()).any())
    covariance = None
    if not boundary:
        steps = 1e-4 * theta
        hessian = np.empty((theta.size, theta.size))
        for i in range(theta.size):
            for j in range(i, theta.size):
                shift_i, shift_j = (
                    np.eye(theta.size)[i] * steps[i],
                    np.eye(theta.size)[j] * steps[j],
                )
                value = (
                    model.reml(theta + shift_i + shift_j)
                    - model.reml(theta + shift_i - shift_j)
                    - model.reml(theta - shift_i + shift_j)
                    + model.reml(theta - shift_i - shift_j)
                ) / (4 * steps[i] * steps[j])
                hessian[i, j] = hessian[j, i] = value
        information = -hessian
        if np.all(np.linalg.eigvalsh(information) > 0):
            covariance = np.linalg.inv(information)
    results = []
    for contrast in contrasts:
        c = np.asarray(contrast, dtype=float)
        variance = model.contrast_variance(theta, c)
        if covariance is None:
            results.append((math.sqrt(variance), residual_df, "residual"))
            continue
        steps = 1e-4 * theta
        gradient = np.array(
            [
                (
                    model.contrast_variance(theta + np.eye(theta.size)[i] * steps[i], c)
                    - model.contrast_variance(theta - np.eye(theta.size)[i] * steps[i], c)
                )
                / (2 * steps[i])
                for i in range(theta.size)
            ]
        )
        spread = float(gradient @ covariance @ gradient)
        if spread <= 0:
            results.append((math.sqrt(variance), residual_df, "residual"))
            continue
        df = min(2 * variance**2 / spread, residual_df)
        results.append((math.sqrt(variance), float(df), "satterthwaite"))
    return results
