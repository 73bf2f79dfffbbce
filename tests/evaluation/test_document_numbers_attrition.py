"""Attrition numbers from a hand-made dataset: rates, differential, balance, suppression."""

import numpy as np
import pandas as pd
import pytest

from livinglab.evaluation.runs.analysis.attrition import attrition
from livinglab.evaluation.runs.analysis.plan import AnalysisPlan
from livinglab.evaluation.runs.dataset import EvaluationDataset, OutcomeData
from livinglab.evaluation.stats import standardised_difference


def dataset(*, intervention: int, comparison: int, lost: dict[str, int]) -> EvaluationDataset:
    rng = np.random.default_rng(2)
    groups = ["intervention"] * intervention + ["comparison"] * comparison
    index = pd.Index(np.arange(len(groups)), name="participant")
    people = pd.DataFrame(
        {"group": groups, "site_id": 1, "site_setting": "school", "sex": "", "age_band": ""},
        index=index,
    )
    baseline = rng.normal(50, 10, len(groups))
    followup = baseline + rng.normal(2, 5, len(groups))
    for group, count in lost.items():
        followup[np.flatnonzero(np.array(groups) == group)[:count]] = np.nan
    values = pd.DataFrame({"t0": baseline, "t1": followup}, index=index)
    outcome = OutcomeData(
        indicator="score",
        label="Score",
        scale="continuous",
        primary=True,
        higher_is_better=True,
        unit="points",
        values=values,
    )
    answered = {wave: values.index[values[wave].notna()] for wave in ("t0", "t1")}
    return EvaluationDataset(
        wave_codes=["t0", "t1"], participants=people, outcomes=[outcome], answered=answered
    )


CONTROLLED = AnalysisPlan(design="controlled_pre_post", wave_codes=["t0", "t1"])


def test_rates_differential_and_standardised_differences():
    data = dataset(intervention=60, comparison=50, lost={"intervention": 15, "comparison": 10})
    numbers = attrition(data, data.participants, CONTROLLED)
    assert numbers["by_group"]["intervention"] == {
        "baseline": 60, "completed": 45, "rate": 0.25, "suppressed": False,
    }  # fmt: skip
    assert numbers["by_group"]["comparison"]["rate"] == pytest.approx(0.2)
    assert numbers["differential"] == pytest.approx(0.05)
    (entry,) = numbers["completers_vs_dropouts"]
    values = data.outcomes[0].values
    completers = values["t1"].notna()
    assert entry["n"] == {"completers": 85, "dropouts": 25}
    assert entry["completers"] == pytest.approx(values.loc[completers, "t0"].mean())
    # Austin (2009): (x̄₁ − x̄₂) / sqrt((s₁² + s₂²)/2), computed here by hand.
    a, b = values.loc[completers, "t0"], values.loc[~completers, "t0"]
    assert entry["smd"] == pytest.approx((a.mean() - b.mean()) / np.sqrt((a.var() + b.var()) / 2))
    (balance,) = numbers["baseline_imbalance"]
    group = data.participants["group"]
    assert balance["smd"] == pytest.approx(
        standardised_difference(
            first=values.loc[group == "intervention", "t0"],
            second=values.loc[group == "comparison", "t0"],
            binary=False,
        )
    )


def test_small_counts_are_withheld():
    data = dataset(intervention=40, comparison=8, lost={"intervention": 5})
    numbers = attrition(data, data.participants, CONTROLLED)
    assert numbers["by_group"]["comparison"] == {
        "baseline": None, "completed": None, "rate": None, "suppressed": True,
    }  # fmt: skip
    assert numbers["differential"] is None
    # 5 drop-outs: their baseline mean describes fewer than 10 people.
    (entry,) = numbers["completers_vs_dropouts"]
    assert entry["suppressed"] and entry["dropouts"] is None and entry["smd"] is None
    (balance,) = numbers["baseline_imbalance"]
    assert balance["suppressed"] and balance["smd"] is None


def test_binary_standardised_difference():
    # Austin (2009) for proportions 0.5 and 0.3: 0.2 / sqrt((0.25 + 0.21)/2) = 0.41703.
    first, second = [1] * 5 + [0] * 5, [1] * 3 + [0] * 7
    value = standardised_difference(first=first, second=second, binary=True)
    assert value == pytest.approx(0.2 / np.sqrt(0.23))
    assert value == pytest.approx(0.41703, abs=5e-6)
