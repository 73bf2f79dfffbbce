"""The declared method table: design × scale → the statistics that answer it (DESIGN.md §3).

One place to read and extend. A method receives one outcome's values (participants × waves)
and returns ``MethodRow`` tuples (analysis role, follow-up wave, result, people behind the
result for suppression, distinct participants per group, waves used); a method ``per_wave``
is called once per follow-up wave, the others once for all waves.
To add a method: write the function here (numbers come from `livinglab.evaluation.stats`),
then add its line to ``METHODS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from livinglab.evaluation import stats
from livinglab.evaluation.runs.analysis.plan import (
    COMPARISON,
    INTERVENTION,
    SIGNED_RANK_MAX_PAIRS,
    AnalysisPlan,
)
from livinglab.evaluation.runs.dataset import OutcomeData
from livinglab.evaluation.stats.results import TestResult, empty_result


class MethodRow(NamedTuple):
    """One result of a method and what it stands on."""

    analysis: str  # primary, secondary, sensitivity
    wave: str | None  # the follow-up wave compared with the baseline
    result: TestResult
    people: int  # the smallest cell behind the result: what suppression looks at
    participants: dict[str, int]  # group → distinct participants analysed
    waves: list[str]  # wave codes the result used


Rows = list[MethodRow]


def _distinct_by_group(mask: pd.Series, people: pd.DataFrame, groups: list[str]) -> dict[str, int]:
    """Distinct participants per group among those where ``mask`` holds."""
    counts = people["group"].reindex(mask.index[mask.to_numpy()]).value_counts()
    return {group: int(counts.get(group, 0)) for group in groups}


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
    outcome: OutcomeData, values: pd.DataFrame, people: pd.DataFrame, plan: AnalysisPlan, wave: str
) -> Rows:
    """Each participant against themselves: baseline and one follow-up wave."""
    before, after = values[plan.baseline].to_numpy(), values[wave].to_numpy()
    pairs = int((~np.isnan(before) & ~np.isnan(after)).sum())
    arguments = {"baseline": before, "followup": after, "alpha": plan.alpha}
    used = {INTERVENTION: pairs}
    waves = [plan.baseline, wave]

    def row(analysis: str, result: TestResult) -> MethodRow:
        return MethodRow(analysis, wave, result, pairs, used, waves)

    if outcome.scale == "binary":
        return [row("primary", _guarded(plan, "mcnemar", pairs, stats.mcnemar, **arguments))]
    signed_rank = (
        _guarded(plan, "wilcoxon_signed_rank", pairs, stats.wilcoxon_signed_rank, **arguments)
        if pairs <= SIGNED_RANK_MAX_PAIRS
        else empty_result("wilcoxon_signed_rank", pairs, "too many pairs for Hodges-Lehmann")
    )
    if outcome.scale == "ordinal":
        return [row("primary", signed_rank)]
    return [
        row("primary", _guarded(plan, "paired_t", pairs, stats.paired_t, **arguments)),
        row("sensitivity", signed_rank),
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
) -> Rows:
    """Intervention against comparison group: the difference of their changes."""
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
    groups, waves = [INTERVENTION, COMPARISON], [plan.baseline, wave]
    observed = _distinct_by_group(present.any(axis=1), people, groups)
    if outcome.scale == "binary":
        did = _guarded(plan, "did_logit", smallest, stats.did_logit, **arguments)
        return [MethodRow("primary", wave, did, smallest, observed, waves)]
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
    did = _guarded(plan, "did_ols", smallest, stats.did_ols, **arguments)
    paired = _distinct_by_group(present.all(axis=1), people, groups)
    return [
        MethodRow("primary", wave, did, smallest, observed, waves),
        MethodRow("secondary", wave, ancova, complete_cells, paired, waves),
    ]


def _repeated(
    outcome: OutcomeData,
    values: pd.DataFrame,
    people: pd.DataFrame,
    plan: AnalysisPlan,
    wave: str | None,
) -> Rows:
    """Every wave at once: a mixed model with a random intercept per participant (and site)."""
    present = values.notna().sum()
    observed = {
        wave: int(min(present.get(plan.baseline, 0), present.get(wave, 0)))
        for wave in plan.followups
    }

    waves = [code for code in plan.wave_codes if code in values and values[code].notna().any()]
    used = _distinct_by_group(values.notna().any(axis=1), people, [INTERVENTION])

    def without_numbers(reason: str) -> Rows:
        return [
            MethodRow(
                "primary",
                wave,
                empty_result("mixed_model", observed[wave], reason),
                observed[wave],
                used,
                waves,
            )
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
    return [
        MethodRow("primary", result.extra["wave"], result, result.n, used, waves)
        for result in fitted
    ]


@dataclass(frozen=True)
class Method:
    """How one design × scale is analysed."""

    function: Callable[..., Rows]
    per_wave: bool  # called once per follow-up wave (else once, for every wave)
    produces: tuple[str, ...]  # the `method` names its result rows carry


PAIRED_CONTINUOUS = Method(_paired, True, ("paired_t", "wilcoxon_signed_rank"))
PAIRED_ORDINAL = Method(_paired, True, ("wilcoxon_signed_rank",))
PAIRED_BINARY = Method(_paired, True, ("mcnemar_exact", "mcnemar_chi2"))
DIFFERENCE_IN_DIFFERENCES = Method(_controlled, True, ("did_ols", "ancova"))
MIXED_MODEL = Method(_repeated, False, ("mixed_model",))

# design × scale → method (DESIGN.md §3). Binary outcomes of a repeated design are compared
# wave by wave with the baseline (McNemar); ordinal outcomes use the continuous methods where
# no rank method exists for the design.
METHODS: dict[tuple[str, str], Method] = {
    ("pre_post", "continuous"): PAIRED_CONTINUOUS,
    ("pre_post", "ordinal"): PAIRED_ORDINAL,
    ("pre_post", "binary"): PAIRED_BINARY,
    ("controlled_pre_post", "continuous"): DIFFERENCE_IN_DIFFERENCES,
    ("controlled_pre_post", "ordinal"): DIFFERENCE_IN_DIFFERENCES,
    ("controlled_pre_post", "binary"): Method(_controlled, True, ("did_logit",)),
    ("repeated", "continuous"): MIXED_MODEL,
    ("repeated", "ordinal"): MIXED_MODEL,
    ("repeated", "binary"): PAIRED_BINARY,
}


def method_for(design: str, scale: str) -> Method:
    try:
        return METHODS[(design, scale)]
    except KeyError:
        raise ValueError(f"no method for design {design!r} and scale {scale!r}") from None


def analyse_outcome(
    outcome: OutcomeData, values: pd.DataFrame, people: pd.DataFrame, plan: AnalysisPlan
) -> Rows:
    """The ``MethodRow`` of each method and follow-up wave of one outcome."""
    method = method_for(plan.design, outcome.scale)
    if not method.per_wave:
        return method.function(outcome, values, people, plan, None)
    return [
        row
        for wave in plan.followups
        for row in method.function(outcome, values, people, plan, wave)
    ]
