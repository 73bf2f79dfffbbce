"""Descriptive cells (wave × group) and the participant flow, suppressed."""

from __future__ import annotations

from typing import Any

import pandas as pd

from livinglab.evaluation import stats
from livinglab.evaluation.runs.analysis.plan import ALL, COMPARISON, INTERVENTION, AnalysisPlan
from livinglab.evaluation.runs.dataset import EvaluationDataset, OutcomeData


def _group_labels(people: pd.DataFrame, plan: AnalysisPlan) -> list[str]:
    """Groups shown separately: both arms in a controlled design, else none."""
    if not plan.controlled:
        return []
    return [g for g in (INTERVENTION, COMPARISON) if (people["group"] == g).any()]


def outcome_descriptives(
    outcome: OutcomeData, values: pd.DataFrame, people: pd.DataFrame, plan: AnalysisPlan
) -> list[dict[str, Any]]:
    """Cells wave × group (and the whole sample); min and max are single people: left out."""
    cells = []
    group = people["group"].reindex(values.index)
    for wave in plan.wave_codes:
        column = values[wave] if wave in values else pd.Series(dtype=float)
        margin = (outcome.indicator, wave)
        parts = [(ALL, column, [])]
        parts += [(g, column[group == g], [margin]) for g in _group_labels(people, plan)]
        for label, series, margins in parts:
            summary = stats.descriptives(values=series.to_numpy(), scale=outcome.scale)
            summary.pop("min", None)
            summary.pop("max", None)
            cells.append(
                {
                    "indicator": outcome.indicator,
                    "label": outcome.label,
                    "wave": wave,
                    "group": label,
                    **summary,
                    "groups": margins,
                }
            )
    return cells


def analysed_counts_by_group(
    values: pd.DataFrame, people: pd.DataFrame, plan: AnalysisPlan
) -> pd.Series:
    """People per group who contribute to the primary analysis of an outcome."""
    if plan.design == "pre_post":
        mask = values[plan.baseline].notna() & values[plan.followups].notna().any(axis=1)
    elif plan.controlled:
        mask = values[plan.baseline].notna() | values[plan.followups].notna().any(axis=1)
    else:
        mask = values.notna().any(axis=1)
    return people["group"].reindex(values.index[mask]).value_counts()


def participant_flow(
    dataset: EvaluationDataset,
    people: pd.DataFrame,
    analysed: dict[str, pd.Series],
    plan: AnalysisPlan,
) -> dict[str, Any]:
    """Enrolled → answered each wave → analysed per outcome, per group, suppressed."""
    groups = _group_labels(people, plan)
    counts = people["group"].value_counts()
    stages: list[tuple[str, str | None, pd.Series]] = [("enrolled", None, counts)]
    for wave in plan.wave_codes:
        answered = dataset.answered.get(wave, pd.Index([]))
        stages.append(
            (
                "answered",
                wave,
                people["group"].reindex(answered.intersection(people.index)).value_counts(),
            )
        )
    for outcome in dataset.outcomes:
        if outcome.indicator in analysed:
            stages.append(("analysed", outcome.indicator, analysed[outcome.indicator]))
    cells = [
        {"stage": "withdrawn", "detail": None, "group": ALL, "n": dataset.withdrawn, "groups": []}
    ]
    for stage, detail, by_group in stages:
        key = (stage, detail)
        cells.append(
            {"stage": stage, "detail": detail, "group": ALL, "n": int(by_group.sum()), "groups": []}
        )
        cells += [
            {
                "stage": stage,
                "detail": detail,
                "group": g,
                "n": int(by_group.get(g, 0)),
                "groups": [key],
            }
            for g in groups
        ]
    return {"groups": groups or [ALL], "stages": publish_cells(cells, plan.min_cell_size)}


def publish_cells(cells: list[dict[str, Any]], min_cell_size: int) -> list[dict[str, Any]]:
    """Suppress a table (primary + complementary) and drop the structural margin keys."""
    published = stats.suppress_cells(cells=cells, min_cell_size=min_cell_size)
    for cell in published:
        cell.pop("groups", None)
    return published
