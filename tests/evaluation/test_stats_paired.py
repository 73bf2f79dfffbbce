"""Paired designs against published R output (sign: follow-up − baseline)."""

import math

import numpy as np
import pytest

from livinglab.evaluation.stats import mcnemar, paired_t, wilcoxon_signed_rank
from livinglab.evaluation.stats.paired import newcombe_paired_interval

# R datasets::sleep (Cushny & Peebles): extra hours of sleep, same 10 patients, two drugs.
SLEEP_DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# Hollander & Wolfe (1973, p. 29f), the paired example of R's ?wilcox.test: Hamilton
# depression scale factor IV at the first (x) and second (y) visit.
DEPRESSION_FIRST = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
DEPRESSION_SECOND = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


def _pairs_from_table(*, stay_1: int, up: int, down: int, stay_0: int) -> tuple[list, list]:
    """Expand a 2 × 2 before/after table into 0/1 baseline and follow-up vectors."""
    baseline = [1] * stay_1 + [0] * up + [1] * down + [0] * stay_0
    followup = [1] * stay_1 + [1] * up + [0] * down + [0] * stay_0
    return baseline, followup


def test_paired_t_reproduces_r_sleep():
    # R: t.test(extra ~ group, data = sleep, paired = TRUE) prints t = -4.0621, df = 9,
    # p-value = 0.002833, 95% CI -2.4598858 -0.7001142, mean difference -1.58 (group 1 − 2).
    # Our follow-up is drug 2, so every sign flips.
    result = paired_t(baseline=SLEEP_DRUG_1, followup=SLEEP_DRUG_2)
    assert result.method == "paired_t"
    assert result.n == 10
    assert result.estimate == pytest.approx(1.58)
    assert result.statistic == pytest.approx(4.0621, abs=5e-5)
    assert result.df == 9
    assert result.p_value == pytest.approx(0.002833, abs=5e-7)
    assert result.ci_low == pytest.approx(0.7001142, abs=5e-8)
    assert result.ci_high == pytest.approx(2.4598858, abs=5e-8)


def test_cohens_dz_and_noncentral_interval_match_effectsize():
    # R effectsize documentation, ?cohens_d, "Paired Samples":
    # cohens_d(Pair(extra[group == 1], extra[group == 2]) ~ 1, data = sleep)
    # prints Cohen's d = -1.28, 95% CI [-2.12, -0.41] (noncentral t method).
    result = paired_t(baseline=SLEEP_DRUG_1, followup=SLEEP_DRUG_2)
    assert result.effect_size_name == "cohens_dz"
    assert result.effect_size == pytest.approx(1.28, abs=0.005)
    assert result.effect_size == pytest.approx(result.statistic / math.sqrt(10))
    assert result.effect_size_ci_low == pytest.approx(0.41, abs=0.005)
    assert result.effect_size_ci_high == pytest.approx(2.12, abs=0.005)


def test_paired_t_uses_complete_pairs_only():
    baseline = SLEEP_DRUG_1 + [np.nan, 1.0, None]
    followup = SLEEP_DRUG_2 + [2.0, np.nan, 3.0]
    result = paired_t(baseline=baseline, followup=followup)
    assert result.n == 10
    assert result.statistic == pytest.approx(4.0621, abs=5e-5)


def test_paired_t_sign_follows_followup_minus_baseline():
    result = paired_t(baseline=SLEEP_DRUG_2, followup=SLEEP_DRUG_1)
    assert result.estimate < 0 and result.statistic < 0 and result.effect_size < 0
    assert result.ci_high < 0 and result.effect_size_ci_high < 0


def test_paired_t_without_enough_pairs_says_why():
    result = paired_t(baseline=[1.0], followup=[2.0])
    assert result.estimate is None and result.extra["reason"]


def test_wilcoxon_exact_reproduces_r_depression_example():
    # R ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative = "greater") prints
    # V = 40, p-value = 0.01953 (exact, n = 9, no ties). On y − x (our follow-up − baseline)
    # V = 45 − 40 = 5 and the two-sided exact p-value is 2 × 0.01953 = 0.03906.
    result = wilcoxon_signed_rank(baseline=DEPRESSION_FIRST, followup=DEPRESSION_SECOND)
    assert result.extra["exact"] is True
    assert result.statistic == 5
    assert result.extra["v_minus"] == 40
    assert result.p_value == pytest.approx(0.0390625, abs=1e-12)
    assert result.estimate < 0


def test_rank_biserial_matches_effectsize():
    # R effectsize ?rank_biserial, "Paired Samples" on the same depression data:
    # rank_biserial(Pair(first, second) ~ 1) prints r = 0.78, 95% CI [0.30, 0.94].
    # Our differences are second − first, so the signs flip.
    result = wilcoxon_signed_rank(baseline=DEPRESSION_FIRST, followup=DEPRESSION_SECOND)
    assert result.effect_size_name == "rank_biserial_r"
    assert result.effect_size == pytest.approx(-35 / 45)
    assert result.effect_size_ci_low == pytest.approx(-0.94, abs=0.005)
    assert result.effect_size_ci_high == pytest.approx(-0.30, abs=0.005)


def test_wilcoxon_normal_approximation_reproduces_r_sleep():
    # R: wilcox.test(extra ~ group, data = sleep, paired = TRUE, conf.int = TRUE) warns about
    # ties and zeros, then prints V = 0, p-value = 0.009091, 95% CI -2.949921 -1.050018,
    # (pseudo)median -1.400031 (R finds these by uniroot with tol 1e-4; we take Walsh-average
    # order statistics, so we check them to 1e-3). Drug 2 − drug 1 gives V = 45.
    result = wilcoxon_signed_rank(baseline=SLEEP_DRUG_1, followup=SLEEP_DRUG_2)
    assert result.extra["exact"] is False
    assert result.extra["n_zero"] == 1
    assert result.n == 10
    assert result.statistic == 45
    assert result.p_value == pytest.approx(0.009091, abs=5e-7)
    assert result.estimate == pytest.approx(1.400031, abs=1e-3)
    assert result.ci_low == pytest.approx(1.050018, abs=1e-3)
    assert result.ci_high == pytest.approx(2.949921, abs=1e-3)


def test_wilcoxon_hodges_lehmann_is_median_of_walsh_averages():
    differences = np.subtract(DEPRESSION_SECOND, DEPRESSION_FIRST)
    walsh = [(a + b) / 2 for i, a in enumerate(differences) for b in differences[i:]]
    result = wilcoxon_signed_rank(baseline=DEPRESSION_FIRST, followup=DEPRESSION_SECOND)
    assert result.estimate == pytest.approx(np.median(walsh))
    assert result.ci_low <= result.estimate <= result.ci_high


def test_mcnemar_chi2_reproduces_r_presidential_approval():
    # R ?mcnemar.test (Agresti 1990, p. 350): Performance <- matrix(c(794, 86, 150, 570), 2)
    # prints McNemar's chi-squared = 16.818, df = 1, p-value = 4.115e-05 (as rendered in the
    # effectsize and R-course outputs of that example). 150 approvers turned to disapprove,
    # 86 the other way: approval fell from 944/1600 = 0.59 to 880/1600 = 0.55.
    baseline, followup = _pairs_from_table(stay_1=794, up=86, down=150, stay_0=570)
    result = mcnemar(baseline=baseline, followup=followup)
    assert result.method == "mcnemar_chi2"
    assert result.statistic == pytest.approx(16.818, abs=5e-4)
    assert result.df == 1
    assert result.p_value == pytest.approx(4.115e-05, abs=5e-9)
    assert result.estimate == pytest.approx(-0.04)
    # Wald SE of a paired difference: sqrt((b + c) − (b − c)²/n) / n = 0.00955 (the 0.0095
    # Agresti prints in his textbook treatment of this table). The interval itself is now
    # Newcombe's (see below); with 1600 pairs it is close to the Wald one.
    assert result.extra["wald_standard_error"] == pytest.approx(0.00955, abs=5e-5)
    assert (result.ci_high - result.ci_low) / (2 * 1.959964) == pytest.approx(0.00955, abs=2e-4)
    assert result.risk_difference == result.estimate and result.odds_ratio == result.effect_size
    assert result.effect_size == pytest.approx(86 / 150)
    assert result.effect_size_ci_high < 1


def test_mcnemar_chi2_reproduces_dalgaard_r_help_table():
    # Peter Dalgaard, R-help 24 Jan 2005 "mcnemar.test odds ratios, CI": table
    # T1 × T2 = [[464, 22], [6, 1]] gives McNemar's chi-squared = 8.0357, p-value = 0.004586.
    baseline, followup = _pairs_from_table(stay_1=1, up=22, down=6, stay_0=464)
    result = mcnemar(baseline=baseline, followup=followup)
    assert result.method == "mcnemar_chi2"
    assert result.statistic == pytest.approx(8.0357, abs=5e-5)
    assert result.p_value == pytest.approx(0.004586, abs=5e-7)
    assert result.estimate > 0 and result.effect_size == pytest.approx(22 / 6)


def test_mcnemar_exact_matches_binom_test():
    # R: binom.test(2, 12) prints p-value = 0.03857 and 95% CI 0.02086253 0.48413775
    # (Clopper-Pearson). With 2 switches up and 10 down the exact McNemar test is that
    # binomial test and the conditional odds ratio 2/10 has the CI p/(1 − p) of it.
    baseline, followup = _pairs_from_table(stay_1=5, up=2, down=10, stay_0=15)
    result = mcnemar(baseline=baseline, followup=followup)
    assert result.method == "mcnemar_exact"
    assert result.extra["discordant"] == 12
    assert result.statistic == 2
    assert result.p_value == pytest.approx(0.03857, abs=5e-6)
    assert result.effect_size == pytest.approx(0.2)
    assert result.effect_size_ci_low == pytest.approx(0.02086253 / (1 - 0.02086253), rel=1e-6)
    assert result.effect_size_ci_high == pytest.approx(0.48413775 / (1 - 0.48413775), rel=1e-6)
    assert result.estimate == pytest.approx((2 - 10) / 32)


def test_mcnemar_interval_reproduces_newcombe_square_and_add():
    # Fagerland, Lydersen & Laake, Statistical Analysis of Contingency Tables (2017), ch. 8,
    # complete response before × after consolidation therapy (Cavo et al. 2012), table
    # [[59, 6], [16, 80]] (rows: before): the Newcombe square-and-add interval (Newcombe 1998,
    # Stat Med 17:2635, method 10) prints "estimate = -0.0621 (95% CI -0.1186 to -0.0046)"
    # for before − after (R package contingencytables, tests/testthat/test-ch8.R).
    baseline, followup = _pairs_from_table(stay_1=59, up=16, down=6, stay_0=80)
    result = mcnemar(baseline=baseline, followup=followup)
    assert result.estimate == pytest.approx(0.0621, abs=5e-5)
    assert result.ci_low == pytest.approx(0.0046, abs=5e-5)
    assert result.ci_high == pytest.approx(0.1186, abs=5e-5)
    assert (result.risk_difference_ci_low, result.risk_difference_ci_high) == (
        result.ci_low,
        result.ci_high,
    )
    assert result.odds_ratio == pytest.approx(16 / 6)
    assert result.odds_ratio_ci_low == result.effect_size_ci_low


def test_newcombe_interval_does_not_collapse_without_discordant_pairs():
    # The Wald interval of a paired difference with b = c = 0 is 0 ± 0 ("0,00 (0,00 à 0,00)").
    low, high = newcombe_paired_interval(stay_1=3, up=0, down=0, stay_0=27)
    assert low < 0 < high
    assert -1 <= low and high <= 1


def test_mcnemar_rejects_non_binary_values():
    with pytest.raises(ValueError):
        mcnemar(baseline=[0, 1, 2], followup=[0, 1, 1])


def test_mcnemar_without_discordant_pairs():
    result = mcnemar(baseline=[0, 1, 1], followup=[0, 1, 1])
    assert result.p_value == 1.0 and result.estimate == 0 and result.effect_size is None
    assert result.to_dict()["effect_size"] is None


def test_to_dict_is_json_safe():
    import json

    result = paired_t(baseline=SLEEP_DRUG_1, followup=SLEEP_DRUG_2).to_dict()
    assert set(result) >= {"method", "n", "estimate", "effect_size_ci_high", "extra"}
    json.dumps(result, allow_nan=False)


def test_cohens_dz_interval_stays_finite_for_very_strong_effects():
    """Large n and t: the exact inversion loses precision; the interval must still hold.

    Reference: the asymptotic variance of d_z, 1/n + d²/(2n) (Hedges & Olkin, *Statistical
    Methods for Meta-Analysis*, 1985), to which the noncentral-t interval converges.
    """
    import numpy as np

    from livinglab.evaluation.stats import paired_t

    rng = np.random.default_rng(7)
    baseline = rng.normal(50, 10, 10_000)
    followup = baseline + rng.normal(6, 2, 10_000)  # d_z about 3, t about 300
    result = paired_t(baseline=baseline, followup=followup)
    d, n = result.effect_size, result.n
    half_width = 1.959964 * (1 / n + d**2 / (2 * n)) ** 0.5
    assert result.effect_size_ci_low == pytest.approx(d - half_width, abs=2e-3)
    assert result.effect_size_ci_high == pytest.approx(d + half_width, abs=2e-3)
    assert result.statistic > 250
