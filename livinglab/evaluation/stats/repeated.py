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
    first wave), or the smallest wave value when no order is given. Inference is Wald z, as
    statsmodels reports it (no Satterthwaite df). ``n`` is the smaller of the numbers of
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
    critical = stats.norm.ppf(1 - alpha / 2)
    subjects_at = frame.groupby("wave")["subject"].nunique()
    results = []
    for index, level in enumerate(later):
        name = _parameter_name(fit, f"wave_{index}")
        estimate = float(fit.fe_params[name])
        standard_error = float(fit.bse_fe[name])
        low, high = estimate - critical * standard_error, estimate + critical * standard_error
        results.append(
            TestResult(
                method="mixed_model",
                n=int(min(subjects_at.get(baseline, 0), subjects_at[level])),
                estimate=estimate,
                ci_low=low,
                ci_high=high,
                statistic=estimate / standard_error,
                df=None,
                p_value=float(2 * stats.norm.sf(abs(estimate / standard_error))),
                effect_size=estimate / total_sd,
                effect_size_name="standardised_change",
                effect_size_ci_low=low / total_sd,
                effect_size_ci_high=high / total_sd,
                extra={
                    "wave": level,
                    "baseline_wave": baseline,
                    "standard_error": standard_error,
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
