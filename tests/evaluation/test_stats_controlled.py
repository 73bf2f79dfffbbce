"""Controlled designs against Card & Krueger (1994) and Petersen (2009) / R sandwich."""

import numpy as np
import pandas as pd
import pytest

from livinglab.evaluation.stats import ancova, did_logit, did_ols, logit_cluster, ols_cluster


@pytest.fixture(scope="module")
def card_krueger(reference_data):
    return pd.read_csv(reference_data / "card-krueger.csv")


@pytest.fixture(scope="module")
def petersen(reference_data):
    return pd.read_csv(reference_data / "petersen-cl.csv")


def test_ols_cluster_reproduces_petersen_sandwich(petersen):
    # R sandwich README / vcovCL vignette: m <- lm(y ~ x, data = PetersenCL);
    # coeftest(m, vcov = vcovCL, cluster = ~ firm) prints
    # (Intercept) 0.0297 (SE 0.0670, t 0.44), x 1.0348 (SE 0.0506, t 20.45).
    coefficients, df = ols_cluster(
        y=petersen["y"], regressors={"x": petersen["x"]}, cluster=petersen["firm"]
    )
    assert coefficients["x"].estimate == pytest.approx(1.0348, abs=5e-5)
    assert coefficients["x"].standard_error == pytest.approx(0.0506, abs=5e-5)
    assert coefficients["x"].statistic == pytest.approx(20.45, abs=5e-3)
    assert coefficients["const"].estimate == pytest.approx(0.0297, abs=5e-5)
    assert coefficients["const"].standard_error == pytest.approx(0.0670, abs=5e-5)
    assert df == 499  # G − 1 firms


def test_ols_cluster_matches_stata_variance(petersen):
    # sandwich tests/vcovCL.Rout.save, "comparison with Stata/MP 12.0,
    # regress y x, vce(cluster firm)": variances 0.0044907 (intercept), 0.00255993 (x),
    # i.e. the G/(G−1)·(N−1)/(N−K) small-sample factor.
    coefficients, _ = ols_cluster(
        y=petersen["y"], regressors={"x": petersen["x"]}, cluster=petersen["firm"]
    )
    assert coefficients["const"].standard_error ** 2 == pytest.approx(0.0044907, rel=1e-4)
    assert coefficients["x"].standard_error ** 2 == pytest.approx(0.00255993, rel=1e-5)


def test_logit_cluster_matches_stata_brl_variance(petersen):
    # sandwich tests/vcovCL.Rout.save: b <- glm((y > 0) ~ x, binomial) on PetersenCL,
    # vcovCL(b, cluster = ~ firm) equals Stata "brl binary x, cluster(firm) logit":
    # variances 0.00358954 (intercept) and 0.00275766 (x), to tolerance 1e-5.
    coefficients = logit_cluster(
        y=(petersen["y"] > 0).astype(int), regressors={"x": petersen["x"]}, cluster=petersen["firm"]
    )
    assert coefficients["const"].standard_error ** 2 == pytest.approx(0.00358954, rel=1e-5)
    assert coefficients["x"].standard_error ** 2 == pytest.approx(0.00275766, rel=1e-5)


def test_did_ols_reproduces_card_krueger_table_3(card_krueger):
    # Card & Krueger (1994), AER 84(4), Table 3, rows 1–3 (all available stores): mean FTE
    # PA 23.33 before, 21.17 after (change −2.16); NJ 20.44 before, 21.03 after (+0.59);
    # difference-in-differences 2.76 (SE 1.36). The public data give 2.754 (2.75 when rounded
    # at the end; the paper's 2.76 is +0.59 − (−2.16) from the rounded changes), so the DiD is
    # checked to 0.01. Their SE pools the two within-state SEs of the change (1.25 and 0.54);
    # ours clusters the stacked regression by store (CR1), giving 1.31, within 0.06 of theirs.
    result = did_ols(
        y=card_krueger["fte"],
        group=card_krueger["nj"],
        wave=card_krueger["d"],
        cluster=card_krueger["id"],
    )
    means = result.extra["cell_means"]
    assert means["group0_wave0"] == pytest.approx(23.33, abs=0.005)
    assert means["group0_wave1"] == pytest.approx(21.17, abs=0.005)
    assert means["group1_wave0"] == pytest.approx(20.44, abs=0.005)
    assert means["group1_wave1"] == pytest.approx(21.03, abs=0.005)
    # The paper's changes are differences of the rounded means (−2.1656 prints as −2.16).
    assert means["group0_wave1"] - means["group0_wave0"] == pytest.approx(-2.16, abs=0.01)
    assert means["group1_wave1"] - means["group1_wave0"] == pytest.approx(0.59, abs=0.01)
    assert result.method == "did_ols"
    assert result.estimate == pytest.approx(2.76, abs=0.01)
    assert result.extra["standard_error"] == pytest.approx(1.36, abs=0.06)
    assert result.extra["n_clusters"] == 410
    assert result.statistic > 0 and result.ci_low < result.estimate < result.ci_high


def test_did_ols_equals_difference_of_mean_changes(card_krueger):
    # Saturated 2 × 2 model: the interaction is exactly the difference of the mean changes.
    result = did_ols(
        y=card_krueger["fte"],
        group=card_krueger["nj"],
        wave=card_krueger["d"],
        cluster=card_krueger["id"],
    )
    means = card_krueger.groupby(["nj", "d"])["fte"].mean()
    assert result.estimate == pytest.approx(
        (means[1, 1] - means[1, 0]) - (means[0, 1] - means[0, 0])
    )
    baseline = card_krueger[card_krueger["d"] == 0].dropna(subset=["fte"])
    sizes, variances = baseline.groupby("nj")["fte"].count(), baseline.groupby("nj")["fte"].var()
    pooled = np.sqrt(((sizes - 1) * variances).sum() / (sizes.sum() - 2))
    assert result.effect_size_name == "standardised_did"
    assert result.effect_size == pytest.approx(result.estimate / pooled)


def test_did_sign_follows_intervention_minus_comparison(card_krueger):
    result = did_ols(
        y=card_krueger["fte"],
        group=1 - card_krueger["nj"],
        wave=card_krueger["d"],
        cluster=card_krueger["id"],
    )
    assert result.estimate == pytest.approx(-2.7536, abs=1e-4) and result.statistic < 0


def test_ancova_group_coefficient_matches_least_squares(card_krueger):
    wide = card_krueger.pivot(index="id", columns="d", values="fte")
    group = card_krueger.groupby("id")["nj"].first()
    result = ancova(baseline=wide[0], followup=wide[1], group=group)
    complete = pd.concat([wide, group], axis=1).dropna()
    design = np.column_stack([np.ones(len(complete)), complete[0], complete["nj"]])
    coefficients, *_ = np.linalg.lstsq(design, complete[1].to_numpy(), rcond=None)
    assert result.method == "ancova"
    assert result.n == len(complete)
    assert result.estimate == pytest.approx(coefficients[2])
    assert result.df == len(complete) - 3


def test_did_logit_on_a_known_odds_ratio():
    # Cell proportions chosen so that the odds ratios are exact: comparison 0.2 → 0.2,
    # intervention 0.2 → 0.5, so the ratio of odds ratios is (0.5/0.5)/(0.2/0.8) = 4.
    # Each person answers twice; some comparison participants switch both ways.
    rows = []
    for group, wave, first, last in [(0, 0, 0, 20), (0, 1, 10, 30), (1, 0, 0, 20), (1, 1, 0, 50)]:
        for person in range(100):
            rows.append((group, wave, int(first <= person < last), f"{group}-{person}"))
    frame = pd.DataFrame(rows, columns=["group", "wave", "y", "person"])
    result = did_logit(
        y=frame["y"], group=frame["group"], wave=frame["wave"], cluster=frame["person"]
    )
    assert result.method == "did_logit"
    assert result.estimate == pytest.approx(np.log(4))
    assert result.effect_size == pytest.approx(4)
    assert result.effect_size_ci_low < 4 < result.effect_size_ci_high
    assert result.p_value < 0.05


def test_did_with_an_empty_cell_says_why():
    result = did_ols(y=[1.0, 2.0, 3.0], group=[0, 0, 1], wave=[0, 1, 0], cluster=["a", "b", "c"])
    assert result.estimate is None and "cell" in result.extra["reason"]


def test_did_logit_with_a_cell_of_only_zeros_gives_no_odds_ratio():
    """Separation (Albert & Anderson 1984, Biometrika 71:1–10): when every comparison
    participant answers 0 at baseline that cell's log-odds are −∞, the maximum likelihood
    estimate does not exist, and the fitter stopped at about −23.6 with a zero standard error,
    reported as p = 0 and a confidence interval of width 0. No odds ratio is claimed now."""
    rows = []
    for group, wave, last in [(0, 0, 0), (0, 1, 30), (1, 0, 20), (1, 1, 40)]:
        for person in range(100):
            rows.append((group, wave, int(person < last), f"{group}-{person}"))
    frame = pd.DataFrame(rows, columns=["group", "wave", "y", "person"])
    result = did_logit(
        y=frame["y"], group=frame["group"], wave=frame["wave"], cluster=frame["person"]
    )
    assert result.estimate is None and result.p_value is None and result.ci_low is None
    assert "only 0s or only 1s" in result.extra["reason"]
    # Without that cell the same data give an odds ratio with a real interval.
    frame.loc[(frame["group"] == 0) & (frame["wave"] == 0) & (frame["person"] == "0-0"), "y"] = 1
    fitted = did_logit(
        y=frame["y"], group=frame["group"], wave=frame["wave"], cluster=frame["person"]
    )
    assert fitted.p_value > 0 and fitted.ci_low < fitted.estimate < fitted.ci_high


def test_logit_cluster_gives_no_z_test_for_a_zero_standard_error():
    # One cluster per group in a saturated model: every cluster's scores sum to zero, so the
    # cluster-robust variance is 0 (Cameron & Miller 2015, J. Human Resources 50:317–372).
    cluster = np.repeat(["a", "b"], 40)
    group = (cluster == "b").astype(float)
    wave = np.tile([0.0, 1.0], 40)
    y = np.array([(i % 5 == 0) or (g and w and i % 3 == 0) for i, (g, w) in
                  enumerate(zip(group, wave, strict=True))], dtype=float)  # fmt: skip
    coefficients = logit_cluster(
        y=y, regressors={"group": group, "wave": wave, "group_x_wave": group * wave},
        cluster=cluster,
    )  # fmt: skip
    interaction = coefficients["group_x_wave"]
    assert interaction.standard_error == pytest.approx(0, abs=1e-12)
    assert np.isnan(interaction.p_value) and np.isnan(interaction.statistic)
