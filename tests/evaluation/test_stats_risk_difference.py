"""Binary outcomes as risk differences (percentage points): paired and difference-in-differences.

Checked by computations independent of the code under test: the cell proportions, a
numerical-gradient delta method on statsmodels' own logit fit, and the cluster-robust
variance of the same contrast in a linear probability model (identical for a saturated model).
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from livinglab.evaluation.stats import did_logit


@pytest.fixture(scope="module")
def panel():
    """200 participants × 2 waves, 40 sites; intervention 30 % → 55 %, comparison 30 % → 35 %."""
    rng = np.random.default_rng(11)
    people = np.arange(400)
    group = (people < 200).astype(float)
    site = people % 40
    level = rng.normal(0, 0.8, people.size)
    rows = []
    for wave in (0.0, 1.0):
        base = np.where(group == 1, [-0.85, 0.2][int(wave)], [-0.85, -0.62][int(wave)])
        probability = 1 / (1 + np.exp(-(base + level)))
        y = (rng.random(people.size) < probability).astype(float)
        rows.append(pd.DataFrame({"y": y, "group": group, "wave": wave, "site": site}))
    return pd.concat(rows, ignore_index=True)


def test_risk_difference_is_the_did_of_cell_proportions(panel):
    result = did_logit(
        y=panel["y"], group=panel["group"], wave=panel["wave"], cluster=panel["site"]
    )
    cells = panel.groupby(["group", "wave"])["y"].mean()
    expected = (cells[(1.0, 1.0)] - cells[(1.0, 0.0)]) - (cells[(0.0, 1.0)] - cells[(0.0, 0.0)])
    assert result.risk_difference == pytest.approx(expected, abs=1e-9)
    assert result.odds_ratio == pytest.approx(np.exp(result.estimate))
    assert (result.odds_ratio_ci_low, result.odds_ratio_ci_high) == pytest.approx(
        (result.effect_size_ci_low, result.effect_size_ci_high)
    )


def test_delta_method_matches_a_numerical_gradient(panel):
    result = did_logit(
        y=panel["y"], group=panel["group"], wave=panel["wave"], cluster=panel["site"]
    )
    design = sm.add_constant(
        pd.DataFrame(
            {
                "group": panel["group"],
                "wave": panel["wave"],
                "gw": panel["group"] * panel["wave"],
            }
        )
    )
    fit = sm.GLM(panel["y"], design, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": panel["site"], "use_correction": False}
    )
    covariance = np.asarray(fit.cov_params()) * 40 / 39  # Stata / sandwich G/(G − 1)

    def did(beta):
        expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
        b0, b1, b2, b3 = beta
        return expit(b0 + b1 + b2 + b3) - expit(b0 + b1) - expit(b0 + b2) + expit(b0)

    beta = np.asarray(fit.params)
    gradient = np.array([(did(beta + h) - did(beta - h)) / 2e-6 for h in np.eye(4) * 1e-6])
    standard_error = np.sqrt(gradient @ covariance @ gradient)
    z = stats.norm.ppf(0.975)
    assert result.risk_difference == pytest.approx(did(beta), abs=1e-9)
    assert result.risk_difference_ci_low == pytest.approx(did(beta) - z * standard_error, abs=1e-7)
    assert result.risk_difference_ci_high == pytest.approx(did(beta) + z * standard_error, abs=1e-7)


def test_delta_method_equals_the_linear_probability_sandwich(panel):
    # For the saturated model the logit delta method and the linear probability model's
    # cluster-robust variance of the interaction (both scaled by G/(G − 1) only) coincide.
    result = did_logit(
        y=panel["y"], group=panel["group"], wave=panel["wave"], cluster=panel["site"]
    )
    design = np.column_stack(
        [np.ones(len(panel)), panel["group"], panel["wave"], panel["group"] * panel["wave"]]
    )
    bread = np.linalg.inv(design.T @ design)
    residuals = panel["y"].to_numpy() - design @ (bread @ design.T @ panel["y"].to_numpy())
    meat = np.zeros((4, 4))
    for site in range(40):
        rows = panel["site"].to_numpy() == site
        score = design[rows].T @ residuals[rows]
        meat += np.outer(score, score)
    covariance = bread @ meat @ bread * 40 / 39
    assert result.extra["risk_difference_standard_error"] == pytest.approx(
        np.sqrt(covariance[3, 3]), rel=1e-6
    )
