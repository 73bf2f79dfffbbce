"""Attrition: who answered the baseline and the last follow-up, and whether drop-outs differ.

Feeds the certainty of the evidence (issue #13): the drop-out rate per group, the difference
between the groups' rates, completers against drop-outs at baseline, and the groups' balance
at baseline. Every figure on fewer than ``min_cell_size`` people is withheld
(``suppressed: true``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from livinglab.evaluation import stats
from livinglab.evaluation.runs.analysis.plan import COMPARISON, INTERVENTION, AnalysisPlan
from livinglab.evaluation.runs.dataset import EvaluationDataset


def attrition(
    dataset: EvaluationDataset, people: pd.DataFrame, plan: AnalysisPlan
) -> dict[str, Any]:
    """The ``attrition`` entry of the results document (analysed people only)."""
    k = plan.min_cell_size
    groups = [INTERVENTION, COMPARISON] if plan.controlled else [INTERVENTION]
    empty = pd.Index([])
    at_baseline = dataset.answered.get(plan.baseline, empty).intersection(people.index)
    last = dataset.answered.get(plan.followups[-1], empty) if plan.followups else empty
    completed = at_baseline.intersection(last)
    dropped = at_baseline.difference(completed)
    group = people["group"]
    by_group: dict[str, dict[str, Any]] = {}
    for code in groups:
        started = int((group.reindex(at_baseline) == code).sum())
        finished = int((group.reindex(completed) == code).sum())
        if started < k or finished < k:
            by_group[code] = {"baseline": None, "completed": None, "rate": None}
            by_group[code]["suppressed"] = True
            continue
        by_group[code] = {
            "baseline": started,
            "completed": finished,
            "rate": 1 - finished / started,
            "suppressed": False,
        }
    rates = [by_group[code]["rate"] for code in groups]
    differential = rates[0] - rates[1] if plan.controlled and None not in rates else None
    return {
        "by_group": by_group,
        "differential": differential,
        "completers_vs_dropouts": [
            _compare(
                outcome,
                outcome.values.reindex(completed),
                outcome.values.reindex(dropped),
                plan,
                ("completers", "dropouts"),
            )
            for outcome in dataset.outcomes
        ],
        "baseline_imbalance": [
            _compare(
                outcome,
                outcome.values.reindex(group.index[group == INTERVENTION]),
                outcome.values.reindex(group.index[group == COMPARISON]),
                plan,
                (INTERVENTION, COMPARISON),
            )
            for outcome in dataset.outcomes
        ]
        if plan.controlled
        else [],
    }


def _compare(
    outcome: Any,
    first: pd.DataFrame,
    second: pd.DataFrame,
    plan: AnalysisPlan,
    names: tuple[str, str],
) -> dict[str, Any]:
    """Baseline mean (or proportion) of two sets of people and their standardised difference."""
    binary = outcome.scale == "binary"
    a = first[plan.baseline].dropna() if plan.baseline in first else pd.Series(dtype=float)
    b = second[plan.baseline].dropna() if plan.baseline in second else pd.Series(dtype=float)
    entry: dict[str, Any] = {
        "indicator": outcome.indicator,
        "label": outcome.label,
        "primary": outcome.primary,
        "scale": outcome.scale,
    }
    if min(len(a), len(b)) < plan.min_cell_size:
        entry.update({names[0]: None, names[1]: None, "n": None, "smd": None, "suppressed": True})
        return entry
    entry.update(
        {
            names[0]: float(a.mean()),
            names[1]: float(b.mean()),
            "n": {names[0]: len(a), names[1]: len(b)},
            "smd": stats.standardised_difference(
                first=a.to_numpy(), second=b.to_numpy(), binary=binary
            ),
            "suppressed": False,
        }
    )
    return entry
