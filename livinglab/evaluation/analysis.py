"""From a dataset to the numbers of the results document (DESIGN.md §3 and §4).

Chooses the method per design and scale, computes descriptives, the participant flow,
subgroup results and the multiple-testing adjustment, then withholds every number that
describes fewer than ``min_cell_size`` people. No ORM here: input is an ``EvaluationDataset``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from livinglab.evaluation import stats
from livinglab.evaluation.dataset import EvaluationDataset, OutcomeData
from livinglab.evaluation.stats.results import TestResult, empty_result

INTERVENTION, COMPARISON = "intervention", "comparison"
ALL = "all"
NOT_STATED = "not_stated"
SUBGROUP_COLUMNS = {
    "setting": "site_setting",
    "site_type": "site_setting",
    "sex": "sex",
    "age_band": "age_band",
}
# The Hodges–Lehmann interval sorts all n(n+1)/2 Walsh averages: beyond this many pairs the
# signed-rank test would need gigabytes, so it is not computed (and the document says so).
SIGNED_RANK_MAX_PAIRS = 5000
RESULT_KEYS = (
    "indicator",
    "label",
    "subgroup",
    "wave",
    "analysis",
    "method",
    "n",
    "estimate",
    "ci_low",
    "ci_high",
    "statistic",
    "df",
    "p_value",
    "p_adjusted",
    "effect_size",
    "effect_size_name",
    "effect_size_ci_low",
    "effect_size_ci_high",
    "suppressed",
    "extra",
)


class NothingToAnalyse(Exception):
    """No outcome could be analysed; the message says why, in plain French."""


@dataclass(frozen=True)
class AnalysisPlan:
    """The protocol settings an analysis needs."""

    design: str
    wave_codes: list[str]
    alpha: float = 0.05
    correction: str = "holm"
    min_cell_size: int = 10
    subgroup_dimensions: list[str] = field(default_factory=list)

    @property
    def baseline(self) -> str:
        return self.wave_codes[0]

    @property
    def followups(self) -> list[str]:
        return self.wave_codes[1:]

    @property
    def controlled(self) -> bool:
        return self.design == "controlled_pre_post"


Progress = Callable[[int, str], None]


def analyse(
    *, dataset: EvaluationDataset, plan: AnalysisPlan, progress: Progress | None = None
) -> dict[str, Any]:
    """Flow, descriptives, suppressed results and notices of one evaluation."""
    progress = progress or (lambda percent, step: None)
    people = analysed_people(dataset.participants, plan)
    notices: list[str] = []
    if not plan.controlled and (dataset.participants["group"] == COMPARISON).any():
        notices.append(
            _("Le plan ne prévoit pas de groupe de comparaison : ses participants sont exclus.")
        )
    rows: list[dict[str, Any]] = []
    descriptive_cells: list[dict[str, Any]] = []
    analysed_counts: dict[str, pd.Series] = {}
    dimensions = _subgroup_dimensions(plan, notices)
    for position, outcome in enumerate(dataset.outcomes):
        progress(
            10 + int(50 * position / max(len(dataset.outcomes), 1)),
            _("Analyse de « %(label)s »") % {"label": outcome.label},
        )
        values = outcome.values.loc[outcome.values.index.isin(people.index)]
        try:
            descriptive_cells += _descriptives(outcome, values, people, plan)
        except ValueError as error:
            notices.append(
                _("« %(label)s » non analysé : %(error)s")
                % {"label": outcome.label, "error": error}
            )
            continue
        analysed_counts[outcome.indicator] = _analysed(values, people, plan)
        outcome_rows = _tag(_analyse_outcome(outcome, values, people, plan), outcome, ALL)
        _explain_small(outcome_rows, outcome, plan, notices)
        rows += _suppress_rows(outcome_rows, plan.min_cell_size)
        for dimension, column in dimensions.items():
            subgroup_rows = []
            for value, members in people.groupby(people[column].replace("", NOT_STATED)):
                subset = values.loc[values.index.isin(members.index)]
                subgroup = {"dimension": dimension, "value": str(value)}
                subgroup_rows += _tag(
                    _analyse_outcome(outcome, subset, members, plan), outcome, subgroup
                )
            rows += _suppress_partition(subgroup_rows, plan.min_cell_size)
    progress(62, _("Ajustement pour tests multiples et secret statistique"))
    _adjust(rows, plan.correction)
    rows = [{key: row.get(key) for key in RESULT_KEYS} for row in rows]
    primary_all = [r for r in rows if r["subgroup"] == ALL and r["analysis"] == "primary"]
    if not any(r["estimate"] is not None for r in primary_all):
        raise NothingToAnalyse(" ; ".join(notices) or _("Aucun critère n'a pu être analysé."))
    return {
        "flow": participant_flow(dataset, people, analysed_counts, plan),
        "descriptives": _publish_cells(descriptive_cells, plan.min_cell_size),
        "results": rows,
        "notices": notices,
    }


def analysed_people(participants: pd.DataFrame, plan: AnalysisPlan) -> pd.DataFrame:
    """Designs without a comparison group analyse the intervention group only."""
    if plan.controlled:
        return participants[participants["group"].isin([INTERVENTION, COMPARISON])]
    return participants[participants["group"] == INTERVENTION]


def _subgroup_dimensions(plan: AnalysisPlan, notices: list[str]) -> dict[str, str]:
    dimensions = {}
    for dimension in plan.subgroup_dimensions:
        if dimension in SUBGROUP_COLUMNS:
            dimensions[dimension] = SUBGROUP_COLUMNS[dimension]
        else:
            notices.append(_("Sous-groupe « %(name)s » inconnu : ignoré.") % {"name": dimension})
    return dimensions


def _tag(
    results: list[tuple[str, str | None, TestResult, int]], outcome: OutcomeData, subgroup: Any
) -> list[dict[str, Any]]:
    """Result rows with the outcome, subgroup, analysis role and the people count behind them."""
    rows = []
    for analysis, wave, result, people_count in results:
        row = result.to_dict()
        row.update(
            indicator=outcome.indicator,
            label=outcome.label,
            subgroup=subgroup,
            wave=wave,
            analysis=analysis,
            _people=people_count,
        )
        rows.append(row)
    return rows


def _analyse_outcome(
    outcome: OutcomeData, values: pd.DataFrame, people: pd.DataFrame, plan: AnalysisPlan
) -> list[tuple[str, str | None, TestResult, int]]:
    """(analysis role, follow-up wave, result, people behind the result) per method and wave."""
    if plan.design == "repeated" and outcome.scale != "binary":
        return _repeated(values, people, plan)
    results = []
    for wave in plan.followups:
        if plan.controlled:
            results += _controlled(outcome, values, people, plan, wave)
        else:
            results += _paired(outcome, values, plan, wave)
    return results


def _guarded(
    plan: AnalysisPlan, method: str, people: int, function: Callable[..., TestResult], **arguments
) -> TestResult:
    """Run a method unless its result would be suppressed anyway; a numerical failure becomes
    a result without numbers that says why, instead of failing the whole run."""
    if people < plan.min_cell_size:
        return empty_result(method, people, f"fewer than {plan.min_cell_size} people")
    try:
        return function(**arguments)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as error:
        return empty_result(method, people, str(error))


def _paired(
    outcome: OutcomeData, values: pd.DataFrame, plan: AnalysisPlan, wave: str
) -> list[tuple[str, str | None, TestResult, int]]:
    before, after = values[plan.baseline].to_numpy(), values[wave].to_numpy()
    pairs = int((~np.isnan(before) & ~np.isnan(after)).sum())
    arguments = {"baseline": before, "followup": after, "alpha": plan.alpha}
    if outcome.scale == "binary":
        return [
            ("primary", wave, _guarded(plan, "mcnemar", pairs, stats.mcnemar, **arguments), pairs)
        ]
    signed_rank = (
        _guarded(plan, "wilcoxon_signed_rank", pairs, stats.wilcoxon_signed_rank, **arguments)
        if pairs <= SIGNED_RANK_MAX_PAIRS
        else empty_result("wilcoxon_signed_rank", pairs, "too many pairs for Hodges-Lehmann")
    )
    if outcome.scale == "ordinal":
        return [("primary", wave, signed_rank, pairs)]
    return [
        ("primary", wave, _guarded(plan, "paired_t", pairs, stats.paired_t, **arguments), pairs),
        ("sensitivity", wave, signed_rank, pairs),
    ]


# Cluster-robust standard errors are unreliable with few clusters (Cameron & Miller, "A
# practitioner's guide to cluster-robust inference", J. Human Resources 2015: 20–50 at least);
# with two sites, one per group, they even collapse to zero. Below this many sites the
# standard errors are clustered by participant (the repeated measures) instead.
MIN_SITE_CLUSTERS = 20


def _clusters(people: pd.DataFrame) -> pd.Series:
    """Sites when every participant has one and there are enough of them, else people."""
    sites = people["site_id"]
    if sites.notna().all() and sites.nunique() >= MIN_SITE_CLUSTERS:
        return sites.astype(str)
    return pd.Series(people.index.astype(str), index=people.index)


def _controlled(
    outcome: OutcomeData,
    values: pd.DataFrame,
    people: pd.DataFrame,
    plan: AnalysisPlan,
    wave: str,
) -> list[tuple[str, str | None, TestResult, int]]:
    pair = values[[plan.baseline, wave]]
    group = (people["group"].reindex(pair.index) == INTERVENTION).astype(float)
    cluster = _clusters(people).reindex(pair.index)
    present = pair.notna()
    cells = [
        int((present[column] & (group == level)).sum())
        for column in pair.columns
        for level in (0.0, 1.0)
    ]
    smallest = min(cells)
    long = pair.rename(columns={plan.baseline: 0.0, wave: 1.0}).stack().dropna()
    long = long.rename("y").reset_index()
    long.columns = ["participant", "wave", "y"]
    arguments = {
        "y": long["y"].to_numpy(),
        "group": group.reindex(long["participant"]).to_numpy(),
        "wave": long["wave"].to_numpy(dtype=float),
        "cluster": cluster.reindex(long["participant"]).to_numpy(),
        "alpha": plan.alpha,
    }
    if outcome.scale == "binary":
        did = _guarded(plan, "did_logit", smallest, stats.did_logit, **arguments)
        return [("primary", wave, did, smallest)]
    complete = pair.dropna()
    by_group = group.reindex(complete.index)
    complete_cells = min(int((by_group == level).sum()) for level in (0.0, 1.0))
    ancova = _guarded(
        plan,
        "ancova",
        complete_cells,
        stats.ancova,
        baseline=complete[plan.baseline].to_numpy(),
        followup=complete[wave].to_numpy(),
        group=by_group.to_numpy(),
        cluster=cluster.reindex(complete.index).to_numpy(),
        alpha=plan.alpha,
    )
    return [
        (
            "primary",
            wave,
            _guarded(plan, "did_ols", smallest, stats.did_ols, **arguments),
            smallest,
        ),
        ("secondary", wave, ancova, complete_cells),
    ]


def _repeated(
    values: pd.DataFrame, people: pd.DataFrame, plan: AnalysisPlan
) -> list[tuple[str, str | None, TestResult, int]]:
    present = values.notna().sum()
    observed = {
        wave: int(min(present.get(plan.baseline, 0), present.get(wave, 0)))
        for wave in plan.followups
    }

    def without_numbers(reason: str) -> list[tuple[str, str | None, TestResult, int]]:
        return [
            ("primary", wave, empty_result("mixed_model", observed[wave], reason), observed[wave])
            for wave in plan.followups
        ]

    if max(observed.values(), default=0) < plan.min_cell_size:
        return without_numbers(f"fewer than {plan.min_cell_size} people")
    long = values.stack().dropna().rename("y").reset_index()
    long.columns = ["participant", "wave", "y"]
    sites = people["site_id"].reindex(long["participant"])
    use_sites = bool(sites.notna().all() and sites.nunique() > 1)
    try:
        fitted = stats.mixed_model(
            y=long["y"].to_numpy(),
            wave=long["wave"].to_numpy(),
            subject=long["participant"].to_numpy(),
            site=sites.astype(str).to_numpy() if use_sites else None,
            wave_order=plan.wave_codes,
            alpha=plan.alpha,
        )
    except (ValueError, ArithmeticError, np.linalg.LinAlgError, KeyError, IndexError) as error:
        return without_numbers(str(error))
    return [("primary", result.extra["wave"], result, result.n) for result in fitted]


def _explain_small(
    rows: list[dict[str, Any]], outcome: OutcomeData, plan: AnalysisPlan, notices: list[str]
) -> None:
    """Say in plain French why a whole-sample primary result has no numbers."""
    for row in rows:
        if row["analysis"] != "primary":
            continue
        if row["_people"] < plan.min_cell_size:
            notices.append(
                _("pas assez de paires complètes pour « %(label)s » : %(n)d < %(k)d")
                % {"label": outcome.label, "n": row["_people"], "k": plan.min_cell_size}
            )
        elif row["estimate"] is None:
            notices.append(
                _("« %(label)s » : résultat non calculable (%(reason)s)")
                % {"label": outcome.label, "reason": row["extra"].get("reason", "")}
            )


def _suppress_rows(rows: list[dict[str, Any]], min_cell_size: int) -> list[dict[str, Any]]:
    """Whole-sample rows: withhold every number of a result on fewer than k people."""
    published = []
    for row in rows:
        people = row.pop("_people")
        published.append(
            _keep_labels(row, stats.suppress_result(row, n=people, min_cell_size=min_cell_size))
        )
    return published


def _suppress_partition(rows: list[dict[str, Any]], min_cell_size: int) -> list[dict[str, Any]]:
    """Subgroup rows partition the sample: complementary suppression within each dimension.

    The whole-sample result is published, so one hidden subgroup could be recomputed from
    the others (a mean change is a weighted average): ``suppress_cells`` prevents that.
    """
    cells = [
        {
            "n": row["_people"],
            "groups": [
                (row["indicator"], row["wave"], row["analysis"], row["subgroup"]["dimension"])
            ],
        }
        for row in rows
    ]
    decisions = stats.suppress_cells(cells=cells, min_cell_size=min_cell_size)
    published = []
    for row, decision in zip(rows, decisions, strict=True):
        people = row.pop("_people")
        hidden = None if decision["suppressed"] else people
        published.append(
            _keep_labels(row, stats.suppress_result(row, n=hidden, min_cell_size=min_cell_size))
        )
    return published


def _keep_labels(row: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    """Suppression withholds numbers; the subgroup and wave labels are not numbers."""
    published["subgroup"] = row["subgroup"]
    published["wave"] = row["wave"]
    return published


def _adjust(rows: list[dict[str, Any]], correction: str) -> None:
    """Adjust primary p-values across outcomes, within each subgroup (the whole sample first)."""
    families: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        row["p_adjusted"] = None
        if row["analysis"] == "primary":
            key = repr(row["subgroup"])
            families.setdefault(key, []).append(row)
    for family in families.values():
        adjusted = stats.adjust_pvalues(
            p_values=[row["p_value"] for row in family], method=correction
        )
        for row, value in zip(family, adjusted, strict=True):
            row["p_adjusted"] = value


def _group_labels(people: pd.DataFrame, plan: AnalysisPlan) -> list[str]:
    """Groups shown separately: both arms in a controlled design, else none."""
    if not plan.controlled:
        return []
    return [g for g in (INTERVENTION, COMPARISON) if (people["group"] == g).any()]


def _descriptives(
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


def _analysed(values: pd.DataFrame, people: pd.DataFrame, plan: AnalysisPlan) -> pd.Series:
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
    return {"groups": groups or [ALL], "stages": _publish_cells(cells, plan.min_cell_size)}


def _publish_cells(cells: list[dict[str, Any]], min_cell_size: int) -> list[dict[str, Any]]:
    """Suppress a table (primary + complementary) and drop the structural margin keys."""
    published = stats.suppress_cells(cells=cells, min_cell_size=min_cell_size)
    for cell in published:
        cell.pop("groups", None)
    return published
