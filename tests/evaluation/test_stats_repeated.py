"""Linear mixed models against lme4's published sleepstudy fit and exact ANOVA identities."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from livinglab.evaluation.stats import (
    fit_random_intercepts,
    mixed_model,
    satterthwaite,
    variance_components,
)


@pytest.fixture(scope="module")
def sleepstudy(reference_data):
    return pd.read_csv(reference_data / "sleepstudy.csv")


def test_random_intercept_fit_reproduces_lme4(sleepstudy):
    # lme4: summary(lmer(Reaction ~ Days + (1 | Subject), sleepstudy)), REML, prints
    # Subject (Intercept) variance 1378.2 (SD 37.12), Residual 960.5 (SD 30.99);
    # (Intercept) 251.4051 (SE 9.7467), Days 10.4673 (SE 0.8042).
    fixed = pd.DataFrame({"intercept": 1.0, "Days": sleepstudy["Days"]})
    fit = fit_random_intercepts(
        y=sleepstudy["Reaction"], fixed=fixed, subject=sleepstudy["Subject"]
    )
    assert fit.fe_params["intercept"] == pytest.approx(251.4051, abs=5e-4)
    assert fit.fe_params["Days"] == pytest.approx(10.4673, abs=5e-4)
    assert fit.bse_fe["intercept"] == pytest.approx(9.7467, abs=5e-4)
    assert fit.bse_fe["Days"] == pytest.approx(0.8042, abs=5e-4)
    variances = variance_components(fit)
    assert variances["subject"] == pytest.approx(1378.2, abs=0.05)
    assert variances["residual"] == pytest.approx(960.5, abs=0.05)
    assert np.sqrt(variances["subject"]) == pytest.approx(37.12, abs=0.005)
    assert np.sqrt(variances["residual"]) == pytest.approx(30.99, abs=0.005)


def test_wave_factor_model_equals_balanced_anova(sleepstudy):
    # With every subject seen on every day, REML for y ~ factor(day) + (1 | subject) has a
    # closed form (two-way ANOVA): contrasts are differences of day means, the residual
    # variance is the subject × day mean square, the subject variance (MS_subject − MS_e)/k
    # and every contrast has SE sqrt(2 σ²_e / N).
    results = mixed_model(
        y=sleepstudy["Reaction"], wave=sleepstudy["Days"], subject=sleepstudy["Subject"]
    )
    table = sleepstudy.pivot(index="Subject", columns="Days", values="Reaction")
    subjects, days = table.shape
    day_means, subject_means, grand = table.mean(), table.mean(axis=1), table.to_numpy().mean()
    interaction = (
        table.to_numpy() - subject_means.to_numpy()[:, None] - day_means.to_numpy() + grand
    )
    ms_error = (interaction**2).sum() / ((subjects - 1) * (days - 1))
    ms_subject = days * ((subject_means - grand) ** 2).sum() / (subjects - 1)
    assert len(results) == days - 1
    for result, day in zip(results, table.columns[1:], strict=True):
        assert result.method == "mixed_model"
        assert result.extra["wave"] == day and result.extra["baseline_wave"] == 0
        assert result.n == subjects
        assert result.estimate == pytest.approx(day_means[day] - day_means[0], abs=1e-6)
        assert result.extra["standard_error"] == pytest.approx(
            np.sqrt(2 * ms_error / subjects), rel=1e-4
        )
    variances = results[0].extra["variance_components"]
    assert variances["residual"] == pytest.approx(ms_error, rel=1e-4)
    assert variances["subject"] == pytest.approx((ms_subject - ms_error) / days, rel=1e-4)


def test_wave_order_names_the_baseline_and_sign(sleepstudy):
    last_three = sleepstudy[sleepstudy["Days"].isin([7, 8, 9])]
    names = last_three["Days"].map({7: "suivi", 8: "inclusion", 9: "fin"})
    results = mixed_model(
        y=last_three["Reaction"],
        wave=names,
        subject=last_three["Subject"],
        wave_order=["inclusion", "suivi", "fin"],
    )
    means = last_three.groupby("Days")["Reaction"].mean()
    assert [r.extra["wave"] for r in results] == ["suivi", "fin"]
    assert results[0].estimate == pytest.approx(means[7] - means[8], abs=1e-6)
    assert results[1].estimate == pytest.approx(means[9] - means[8], abs=1e-6)


def test_site_adds_a_variance_component_without_moving_balanced_contrasts(sleepstudy):
    site = sleepstudy["Subject"].rank(method="dense").astype(int) % 3
    results = mixed_model(
        y=sleepstudy["Reaction"], wave=sleepstudy["Days"], subject=sleepstudy["Subject"], site=site
    )
    means = sleepstudy.groupby("Days")["Reaction"].mean()
    assert set(results[0].extra["variance_components"]) == {"site", "subject", "residual"}
    assert results[-1].estimate == pytest.approx(means[9] - means[0], abs=1e-4)


def test_missing_follow_up_is_used_not_dropped(sleepstudy):
    incomplete = sleepstudy.drop(index=sleepstudy.index[(sleepstudy["Days"] == 9)][:3])
    results = mixed_model(
        y=incomplete["Reaction"], wave=incomplete["Days"], subject=incomplete["Subject"]
    )
    assert results[-1].n == 15
    assert results[0].extra["n_observations"] == 177


def test_satterthwaite_reproduces_lmertest_sleepstudy(sleepstudy):
    # lmerTest (Kuznetsova, Brockhoff & Christensen 2017, J Stat Softw 82(13)):
    # summary(lmer(Reaction ~ Days + (1 | Subject), sleepstudy)) prints
    #   (Intercept) 251.4051  9.7467  22.8102  25.79  <2e-16
    #   Days         10.4673  0.8042 161.0000  13.02  <2e-16
    fixed = pd.DataFrame({"intercept": 1.0, "Days": sleepstudy["Days"]})
    fit = fit_random_intercepts(
        y=sleepstudy["Reaction"], fixed=fixed, subject=sleepstudy["Subject"]
    )
    (intercept, days) = satterthwaite(
        y=sleepstudy["Reaction"],
        fixed=fixed.to_numpy(),
        subject=sleepstudy["Subject"],
        variances=variance_components(fit),
        contrasts=[np.array([1.0, 0.0]), np.array([0.0, 1.0])],
    )
    assert days[0] == pytest.approx(0.8042, abs=5e-5)
    assert days[1] == pytest.approx(161.0, abs=5e-3) and days[2] == "satterthwaite"
    assert fit.fe_params["Days"] / days[0] == pytest.approx(13.02, abs=5e-3)
    assert intercept[0] == pytest.approx(9.7467, abs=5e-4)
    # statsmodels stops its REML optimisation a little short of lme4's optimum (subject
    # variance 1378.23 vs 1378.18): the df agree to 0.01, not to the fourth decimal.
    assert intercept[1] == pytest.approx(22.8102, abs=0.01)


def test_wave_contrasts_have_between_within_df(sleepstudy):
    # Balanced random-intercept design: Satterthwaite equals the between-within method, the
    # subject × wave error df (18 − 1)(10 − 1) = 153, and the test is the two-way ANOVA t.
    results = mixed_model(
        y=sleepstudy["Reaction"], wave=sleepstudy["Days"], subject=sleepstudy["Subject"]
    )
    for result in results:
        assert result.df == pytest.approx(153, abs=0.01)
        assert result.extra["df_method"] == "satterthwaite"
        margin = stats.t.ppf(0.975, result.df) * result.extra["standard_error"]
        assert result.ci_high - result.estimate == pytest.approx(margin)
        assert result.p_value == pytest.approx(2 * stats.t.sf(abs(result.statistic), result.df))


def test_small_sample_df_are_smaller_than_wald(sleepstudy):
    # With 6 subjects and 3 days the contrast df are (6 − 1)(3 − 1) = 10: a t(10) interval is
    # wider than the Wald z interval statsmodels reports.
    subset = sleepstudy[sleepstudy["Subject"].isin(sleepstudy["Subject"].unique()[:6])]
    subset = subset[subset["Days"].isin([0, 1, 2])]
    results = mixed_model(y=subset["Reaction"], wave=subset["Days"], subject=subset["Subject"])
    for result in results:
        assert result.df == pytest.approx(10, abs=0.01)
        z_half_width = stats.norm.ppf(0.975) * result.extra["standard_error"]
        assert result.ci_high - result.estimate > z_half_width


def test_boundary_fit_falls_back_to_residual_df():
    # No between-subject variance at all: the REML information is singular at σ²_s = 0.
    rng = np.random.default_rng(5)
    subjects = np.repeat(np.arange(12), 3)
    waves = np.tile([0, 1, 2], 12)
    y = rng.normal(0, 1, subjects.size) + 0.5 * waves
    fixed = np.column_stack([np.ones(subjects.size), waves == 1, waves == 2]).astype(float)
    (result,) = satterthwaite(
        y=y,
        fixed=fixed,
        subject=subjects,
        variances={"residual": 1.0, "subject": 0.0},
        contrasts=[np.array([0.0, 1.0, 0.0])],
    )
    assert result[1] == 36 - 3 and result[2] == "residual"


def test_site_model_gets_satterthwaite_df(sleepstudy):
    site = sleepstudy["Subject"].rank(method="dense").astype(int) % 3
    results = mixed_model(
        y=sleepstudy["Reaction"], wave=sleepstudy["Days"], subject=sleepstudy["Subject"], site=site
    )
    # Within-subject contrasts of a balanced design: still (18 − 1)(10 − 1) df.
    assert results[0].df == pytest.approx(153, abs=0.5)


@pytest.mark.parametrize("with_sites", [False, True])
def test_closed_form_marginal_model_equals_dense_matrices(with_sites):
    # The Satterthwaite code never builds V: check its per-subject-sum algebra (closed-form
    # subject blocks, Sherman–Morrison for sites) against the dense V on unbalanced data.
    from livinglab.evaluation.stats.repeated import _RandomIntercepts

    rng = np.random.default_rng(0)
    subject = np.repeat(np.arange(30), 3)
    subject = subject[rng.random(subject.size) > 0.15]
    site = (subject % 4).astype(str) if with_sites else None
    n = subject.size
    fixed = np.column_stack([np.ones(n), rng.random(n)])
    y = rng.normal(size=n)
    theta = np.array([1.3, 0.7, 0.4]) if with_sites else np.array([1.3, 0.7])
    covariance = theta[0] * np.eye(n) + theta[1] * (subject[:, None] == subject[None, :])
    if with_sites:
        covariance = covariance + theta[2] * (site[:, None] == site[None, :])
    inverse = np.linalg.inv(covariance)
    logdet, xx, xy, yy = _RandomIntercepts(y, fixed, subject, site).pieces(theta)
    assert logdet == pytest.approx(np.linalg.slogdet(covariance)[1], rel=1e-12)
    assert xx == pytest.approx(fixed.T @ inverse @ fixed, rel=1e-10)
    assert xy == pytest.approx(fixed.T @ inverse @ y, rel=1e-10)
    assert yy == pytest.approx(y @ inverse @ y, rel=1e-10)


def test_a_site_variance_at_zero_is_left_out_of_the_df(sleepstudy):
    # Site variance estimated at 0: the df are those of the subject-only model, here the
    # between-within (18 − 1)(10 − 1) = 153, not the residual 180 − 10 = 170.
    fixed = pd.get_dummies(sleepstudy["Days"], dtype=float).to_numpy().copy()
    fixed[:, 0] = 1.0
    site = sleepstudy["Subject"] % 3
    fit = fit_random_intercepts(
        y=sleepstudy["Reaction"],
        fixed=pd.DataFrame(fixed),
        subject=sleepstudy["Subject"],
    )
    variances = {**variance_components(fit), "site": 0.0}
    (result,) = satterthwaite(
        y=sleepstudy["Reaction"],
        fixed=fixed,
        subject=sleepstudy["Subject"],
        site=site,
        variances=variances,
        contrasts=[np.eye(10)[3]],
    )
    assert result[1] == pytest.approx(153, abs=0.01) and result[2] == "satterthwaite"
