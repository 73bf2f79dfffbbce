"""ANCOVA: classical OLS with N − k degrees of freedom, CR2 / Bell–McCaffrey when clustered."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from livinglab.evaluation.stats import ancova, cr2_contrast


@pytest.fixture(scope="module")
def mtcars(reference_data):
    return pd.read_csv(reference_data / "mtcars.csv")


def test_ancova_reproduces_r_lm_on_mtcars(mtcars):
    # R: summary(lm(mpg ~ wt + am, data = mtcars)) prints (a covariate plus a two-level group:
    # the ANCOVA layout), e.g. in Caffo, "Regression Models for Data Science in R" (2015):
    #   am  -0.02362  1.54565  -0.015  0.988
    #   Residual standard error: 3.098 on 29 degrees of freedom
    result = ancova(baseline=mtcars["wt"], followup=mtcars["mpg"], group=mtcars["am"])
    assert result.estimate == pytest.approx(-0.02362, abs=5e-6)
    assert result.extra["standard_error"] == pytest.approx(1.54565, abs=5e-6)
    assert result.statistic == pytest.approx(-0.015, abs=5e-4)
    assert result.p_value == pytest.approx(0.988, abs=5e-4)
    assert result.df == 29  # N − k = 32 − 3, not N − 1 = 31
    assert result.extra["variance"] == "classical"
    # The interval uses t with 29 df: estimate ± qt(0.975, 29) × SE.
    assert result.ci_high - result.estimate == pytest.approx(2.045230 * 1.54565, abs=2e-5)


def test_one_participant_per_cluster_is_the_classical_fit(mtcars):
    # Clustering by participant with one row each used to give a robust SE and N − 1 df.
    people = ancova(
        baseline=mtcars["wt"],
        followup=mtcars["mpg"],
        group=mtcars["am"],
        cluster=mtcars["model"],
    )
    plain = ancova(baseline=mtcars["wt"], followup=mtcars["mpg"], group=mtcars["am"])
    assert people.df == plain.df == 29
    assert people.extra["standard_error"] == plain.extra["standard_error"]


def test_cr2_with_singleton_clusters_is_hc2(mtcars):
    # CR2 with one observation per cluster is MacKinnon & White's HC2 (statsmodels' HC2).
    design = sm.add_constant(mtcars[["wt", "am"]])
    fit = sm.OLS(mtcars["mpg"], design).fit()
    variance, _df = cr2_contrast(
        design=design.to_numpy(),
        residuals=fit.resid.to_numpy(),
        cluster=np.arange(len(mtcars)),
        contrast=np.array([0.0, 0.0, 1.0]),
    )
    assert np.sqrt(variance) == pytest.approx(fit.get_robustcov_results("HC2").bse[2], rel=1e-10)


def test_bell_mccaffrey_df_of_a_difference_in_means():
    # For y ~ group with HC2, the Bell–McCaffrey df under equal variances is the Satterthwaite
    # df of s0²/n0 + s1²/n1 with σ0 = σ1: (1/n0 + 1/n1)² / Σ 1/(n²(n − 1)) (Imbens & Kolesár
    # 2016, §3). n0 = 7, n1 = 12: 12.6869.
    group = np.r_[np.zeros(7), np.ones(12)]
    outcome = np.random.default_rng(1).normal(size=19) + group
    design = np.column_stack([np.ones(19), group])
    fit = sm.OLS(outcome, design).fit()
    _variance, df = cr2_contrast(
        design=design, residuals=fit.resid, cluster=np.arange(19), contrast=np.array([0.0, 1.0])
    )
    assert df == pytest.approx((1 / 7 + 1 / 12) ** 2 / (1 / (49 * 6) + 1 / (144 * 11)))
    assert df == pytest.approx(12.6869, abs=5e-5)


def test_site_clusters_use_cr2_with_fewer_df_than_sites():
    rng = np.random.default_rng(3)
    sites = np.repeat(np.arange(24), 10)
    site_effect = rng.normal(0, 1, 24)[sites]
    group = (sites % 2).astype(float)
    baseline = rng.normal(0, 1, sites.size) + site_effect
    followup = 0.6 * baseline + 0.5 * group + site_effect + rng.normal(0, 1, sites.size)
    result = ancova(baseline=baseline, followup=followup, group=group, cluster=sites)
    assert result.extra["variance"] == "CR2" and result.extra["n_clusters"] == 24
    assert 1 < result.df < 24 - 1
    classical = ancova(baseline=baseline, followup=followup, group=group)
    assert result.extra["standard_error"] > classical.extra["standard_error"]
