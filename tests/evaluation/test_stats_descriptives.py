"""Descriptive statistics: R-compatible quantiles, NaN safety, binary proportions."""

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from livinglab.evaluation.stats import descriptives

SLEEP_DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_continuous_summary_matches_r():
    # R: tapply(sleep$extra, sleep$group, summary) prints for group 2 Min. -0.100,
    # 1st Qu. 0.875, Median 1.750, Mean 2.330, 3rd Qu. 4.150, Max. 5.500, and dplyr's
    # summarise() in the same tutorial sd 2.00, IQR 3.28 (type-7 quantiles, R's default).
    summary = descriptives(values=SLEEP_DRUG_2 + [np.nan, None], scale="continuous")
    assert summary["n"] == 10 and summary["n_missing"] == 2
    assert summary["mean"] == pytest.approx(2.33)
    assert summary["sd"] == pytest.approx(2.00, abs=0.005)
    assert summary["q3"] - summary["q1"] == pytest.approx(3.28, abs=0.005)
    assert summary["median"] == pytest.approx(1.75)
    assert summary["q1"] == pytest.approx(0.875)
    assert summary["q3"] == pytest.approx(4.15)
    assert (summary["min"], summary["max"]) == (-0.1, 5.5)


def test_binary_summary_counts_ones():
    summary = descriptives(values=[1, 0, 1, None, 1, np.nan], scale="binary")
    assert summary == {"scale": "binary", "n": 4, "n_missing": 2, "count": 3, "proportion": 0.75}


def test_empty_and_single_values_give_none_not_errors():
    empty = descriptives(values=[np.nan, None], scale="ordinal")
    assert empty["n"] == 0 and empty["mean"] is None and empty["q3"] is None
    assert descriptives(values=[], scale="binary")["proportion"] is None
    single = descriptives(values=[4], scale="ordinal")
    assert single["mean"] == 4 and single["sd"] is None


def test_rejects_unknown_scale_and_non_binary_values():
    with pytest.raises(ValueError):
        descriptives(values=[1, 2], scale="nominal")
    with pytest.raises(ValueError):
        descriptives(values=[0, 2], scale="binary")


@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
        max_size=40,
    )
)
def test_order_statistics_are_consistent(values):
    summary = descriptives(values=values, scale="continuous")
    present = [v for v in values if v is not None]
    assert summary["n"] == len(present) and summary["n"] + summary["n_missing"] == len(values)
    if present:
        assert (
            summary["min"] <= summary["q1"] <= summary["median"] <= summary["q3"] <= summary["max"]
        )
        assert summary["min"] - 1e-6 <= summary["mean"] <= summary["max"] + 1e-6


def test_statistical_core_never_imports_django():
    # STYLE.md: evaluation/stats/ is pure numpy/scipy/statsmodels.
    package = Path(__file__).resolve().parents[2] / "livinglab" / "evaluation" / "stats"
    for module in package.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+django", source, re.MULTILINE), module.name
