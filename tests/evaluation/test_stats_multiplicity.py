"""Multiple-testing adjustment against published examples."""

import pytest

from livinglab.evaluation.stats import adjust_pvalues

# Benjamini & Hochberg (1995), JRSS B 57(1), section 4: the 15 p-values of the
# Neuhaus et al. trial. At level 0.05 BH rejects the four smallest; the Bonferroni-type
# procedures (Holm) reject only three.
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459]
BH_1995 += [0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000]


def test_benjamini_hochberg_1995_example():
    adjusted = adjust_pvalues(p_values=BH_1995, method="fdr_bh")
    assert sum(p <= 0.05 for p in adjusted) == 4
    assert all(p <= 0.05 for p in adjusted[:4])
    # p.adjust(method = "BH"): 0.0095 · 15 / 4 = 0.035625 for the fourth.
    assert adjusted[3] == pytest.approx(0.035625)


def test_holm_on_bh_1995_example_rejects_three():
    adjusted = adjust_pvalues(p_values=BH_1995, method="holm")
    assert sum(p <= 0.05 for p in adjusted) == 3
    assert adjusted[:4] == pytest.approx([0.0015, 0.0056, 0.0247, 0.114])


def test_matches_stdlib_padjust_documentation():
    # stdlib-js @stdlib/stats/padjust docs (an R p.adjust port):
    # padjust([0.008, 0.03, 0.123, 0.6, 0.2], 'bh') -> [0.04, 0.075, ~0.205, 0.6, 0.25];
    # padjust([0.319, 0.201, 0.4, 0.374, 0.113], 'holm') -> [~0.957, 0.804, ..., ~0.957, ~0.565].
    bh = adjust_pvalues(p_values=[0.008, 0.03, 0.123, 0.6, 0.2], method="fdr_bh")
    assert bh == pytest.approx([0.04, 0.075, 0.205, 0.6, 0.25])
    holm = adjust_pvalues(p_values=[0.319, 0.201, 0.4, 0.374, 0.113], method="holm")
    assert holm == pytest.approx([0.957, 0.804, 0.957, 0.957, 0.565])


def test_missing_p_values_stay_missing_and_do_not_count():
    adjusted = adjust_pvalues(p_values=[0.01, None, float("nan"), 0.04], method="holm")
    assert adjusted[1] is None and adjusted[2] is None
    assert adjusted[0] == pytest.approx(0.02) and adjusted[3] == pytest.approx(0.04)
    assert adjust_pvalues(p_values=[None], method="fdr_bh") == [None]


def test_none_method_and_bad_input():
    assert adjust_pvalues(p_values=[0.2, None], method="none") == [0.2, None]
    with pytest.raises(ValueError):
        adjust_pvalues(p_values=[0.2], method="bonferroni")
    with pytest.raises(ValueError):
        adjust_pvalues(p_values=[1.2], method="holm")


def test_a_missing_p_value_keeps_its_place_when_the_family_is_fixed():
    # The protocol fixes m = 3; one result is suppressed. Holm (1979) with m = 3 and the
    # unknown p-value counted as the largest: 0.01 · 3 = 0.03, max(0.03, 0.04 · 2) = 0.08.
    adjusted = adjust_pvalues(p_values=[0.01, None, 0.04], method="holm", missing="count")
    assert adjusted[1] is None
    assert adjusted[0] == pytest.approx(0.03) and adjusted[2] == pytest.approx(0.08)
    # Benjamini–Hochberg likewise uses m = 3: 0.04 · 3/2 = 0.06, 0.01 · 3 = 0.03.
    bh = adjust_pvalues(p_values=[0.01, None, 0.04], method="fdr_bh", missing="count")
    assert bh[0] == pytest.approx(0.03) and bh[2] == pytest.approx(0.06)
    with pytest.raises(ValueError):
        adjust_pvalues(p_values=[0.2], method="holm", missing="ignore")
