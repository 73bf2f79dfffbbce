"""Random-effects pooling against published outputs.

- BCG vaccine trials (metafor's ``dat.bcg``, ``tests/data/reference/bcg.csv``), log risk ratios
  from ``escalc(measure="RR")``, ``rma(yi, vi, method="DL")``: estimate −0.7141, CI −1.0644 to
  −0.3638, τ² 0.3088, I² 92.1173 %, Q 152.2330 — metafor's test
  ``tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r`` (values agreeing with Stata's
  ``metan``); se 0.1787 as printed by ``print(rma(...))`` (−0.7141 / z −3.9952).
- CLASP trials (DerSimonian & Kacker 2007, *Contemp Clin Trials* 28:105–114, Tables 3 and 4),
  log odds ratios: Paule–Mandel τ 0.3681, μ −0.3811, se 0.2060; DerSimonian–Laird τ 0.2323,
  μ −0.3240, se 0.1540 — reproduced by metafor's test
  ``tests/testthat/test_analysis_example_dersimonian2007.r``.
"""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from livinglab.evaluation.stats.meta import random_effects, se_from_interval

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


def bcg_log_risk_ratios():
    """escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)."""
    with (REFERENCE / "bcg.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    a, b, c, d = (
        np.array([float(row[key]) for row in rows]) for key in ("tpos", "tneg", "cpos", "cneg")
    )
    effects = np.log(a / (a + b)) - np.log(c / (c + d))
    variances = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return effects, variances


def clasp_log_odds_ratios():
    """escalc(measure="OR") of the CLASP example (DerSimonian & Kacker 2007)."""
    n1 = np.array([156, 303, 565, 1570, 103, 4659.0])
    n2 = np.array([74, 303, 477, 1565, 105, 4650.0])
    a = np.array([5, 5, 12, 69, 9, 313.0])
    c = np.array([8, 17, 9, 94, 11, 352.0])
    b, d = n1 - a, n2 - c
    return np.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d


def test_bcg_dersimonian_laird_matches_metafor():
    effects, variances = bcg_log_risk_ratios()
    pooled = random_effects(effects=effects, variances=variances, method="dl")
    assert pooled.k == 13
    assert round(pooled.estimate, 4) == -0.7141
    assert round(pooled.se, 4) == 0.1787
    assert round(pooled.ci_low, 4) == -1.0644
    assert round(pooled.ci_high, 4) == -0.3638
    assert round(pooled.tau2, 4) == 0.3088
    assert round(pooled.i2, 4) == 92.1173
    assert round(pooled.q, 4) == 152.2330
    assert pooled.q_df == 12
    assert round(pooled.estimate / pooled.se, 4) == -3.9952
    # metan's risk ratio: exp(−0.7141) = 0.4896 (0.3449 to 0.6950)
    assert round(math.exp(pooled.estimate), 4) == 0.4896
    assert round(math.exp(pooled.ci_low), 4) == 0.3449
    assert round(math.exp(pooled.ci_high), 4) == 0.6950
    assert sum(pooled.weights) == pytest.approx(1)


@pytest.mark.parametrize(
    ("method", "tau", "mu", "se"),
    [("pm", 0.3681, -0.3811, 0.2060), ("dl", 0.2323, -0.3240, 0.1540)],
)
def test_clasp_paule_mandel_and_dersimonian_laird_match_dersimonian_kacker(method, tau, mu, se):
    effects, variances = clasp_log_odds_ratios()
    pooled = random_effects(effects=effects, variances=variances, method=method)
    assert round(math.sqrt(pooled.tau2), 4) == tau
    assert round(pooled.estimate, 4) == mu
    assert round(pooled.se, 4) == se


def test_paule_mandel_sets_the_generalised_q_to_its_degrees_of_freedom():
    """The PM estimate solves Σ wᵢ(τ²)(yᵢ − μ̂)² = k − 1 (Paule & Mandel 1982)."""
    effects, variances = bcg_log_risk_ratios()
    pooled = random_effects(effects=effects, variances=variances, method="pm")
    weights = 1 / (variances + pooled.tau2)
    generalised_q = float((weights * (effects - pooled.estimate) ** 2).sum())
    assert generalised_q == pytest.approx(12, abs=1e-3)
    assert pooled.tau2 > random_effects(effects=effects, variances=variances).tau2


def test_prediction_interval_uses_t_with_k_minus_2_degrees_of_freedom():
    """Higgins, Thompson & Spiegelhalter (2009), eq. (12): μ̂ ± t(k−2) √(τ² + SE²)."""
    effects, variances = bcg_log_risk_ratios()
    pooled = random_effects(effects=effects, variances=variances, method="dl")
    margin = stats.t.ppf(0.975, 11) * math.sqrt(0.3088 + 0.1787**2)
    assert pooled.pi_low == pytest.approx(-0.7141 - margin, abs=2e-3)
    assert pooled.pi_high == pytest.approx(-0.7141 + margin, abs=2e-3)
    # wider than the confidence interval: the campaigns disagree (I² 92 %)
    assert pooled.pi_low < pooled.ci_low and pooled.pi_high > pooled.ci_high
    two = random_effects(effects=effects[:2], variances=variances[:2])
    assert two.pi_low is None and two.pi_high is None


def test_homogeneous_studies_truncate_tau2_at_zero_and_give_the_fixed_effect():
    effects = np.array([0.10, 0.11, 0.09, 0.10])
    variances = np.array([0.04, 0.05, 0.03, 0.04])
    pooled = random_effects(effects=effects, variances=variances, method="dl")
    weights = 1 / variances
    assert pooled.tau2 == 0
    assert pooled.i2 == 0
    assert pooled.estimate == pytest.approx(float((weights * effects).sum() / weights.sum()))
    assert pooled.se == pytest.approx(math.sqrt(1 / weights.sum()))


def test_refuses_what_cannot_be_pooled():
    with pytest.raises(ValueError, match="two studies"):
        random_effects(effects=[0.1], variances=[0.01])
    with pytest.raises(ValueError, match="positive"):
        random_effects(effects=[0.1, 0.2], variances=[0.01, 0])
    with pytest.raises(ValueError, match="unknown method"):
        random_effects(effects=[0.1, 0.2], variances=[0.01, 0.02], method="reml")


def test_standard_error_from_a_95_percent_interval():
    assert se_from_interval(low=-1.96, high=1.96) == pytest.approx(1.0, abs=1e-3)
    assert se_from_interval(low=-2.262, high=2.262, df=9) == pytest.approx(1.0, abs=1e-3)
