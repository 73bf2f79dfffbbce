"""Sample size against R pwr.t.test, plus the cluster design effect."""

import math

import pytest

from livinglab.evaluation.stats import sample_size, t_test_power


def test_two_group_matches_pwr():
    # R: pwr.t.test(d = 0.5, power = 0.8, sig.level = 0.05) prints n = 63.76561
    # ("NOTE: n is number in *each* group").
    result = sample_size(design="two_group", effect_size=0.5, power=0.8, alpha=0.05)
    assert result["n_per_group"] == pytest.approx(63.76561, abs=5e-5)
    assert result["n_per_group_rounded"] == 64
    assert result["design_effect"] == 1.0
    assert result["n_per_group_clustered"] == 64
    assert result["n_total"] == 128


def test_paired_matches_pwr():
    # R: pwr.t.test(d = .5, power = .8, sig.level = .05, type = "paired") prints
    # n = 33.36713 ("NOTE: n is number of *pairs*").
    result = sample_size(design="paired", effect_size=0.5, power=0.8, alpha=0.05)
    assert result["n_per_group"] == pytest.approx(33.36713, abs=5e-5)
    assert result["n_per_group_rounded"] == 34
    assert result["n_total"] == 34


def test_pwr_example_with_higher_power():
    # Stack Exchange "Power calculations" thread: pwr.t.test(d = 2/3, sig.level = 0.05,
    # power = 0.9, type = "two.sample") prints n = 48.26427.
    result = sample_size(design="two_group", effect_size=2 / 3, power=0.9, alpha=0.05)
    assert result["n_per_group"] == pytest.approx(48.26427, abs=5e-5)


def test_design_effect_inflates_before_rounding():
    result = sample_size(
        design="two_group", effect_size=0.5, power=0.8, alpha=0.05, icc=0.05, cluster_size=20
    )
    assert result["design_effect"] == pytest.approx(1.95)
    assert result["n_per_group_clustered"] == math.ceil(63.76561019 * 1.95)  # 125, not 64 · 1.95
    assert result["clusters_per_group"] == 7


def test_solution_reaches_the_power_and_sign_does_not_matter():
    result = sample_size(design="paired", effect_size=-0.3, power=0.9, alpha=0.01)
    n = result["n_per_group"]
    assert t_test_power(n=n, effect_size=0.3, alpha=0.01, design="paired") == pytest.approx(0.9)
    assert n == pytest.approx(
        sample_size(design="paired", effect_size=0.3, power=0.9, alpha=0.01)["n_per_group"]
    )


def test_large_effect_and_invalid_input():
    assert (
        sample_size(design="paired", effect_size=3, power=0.8, alpha=0.05)["n_per_group_rounded"]
        >= 3
    )
    for bad in [
        {"power": 1.0},
        {"alpha": 0.0},
        {"effect_size": 0.0},
        {"icc": 1.0},
        {"cluster_size": 0},
        {"design": "crossover"},
    ]:
        arguments = {"design": "two_group", "effect_size": 0.5, "power": 0.8, "alpha": 0.05} | bad
        with pytest.raises(ValueError):
            sample_size(**arguments)
