"""From a dataset to the numbers of the results document (DESIGN.md §3 and §4).

Chooses the method per design and scale (the table in ``methods.py``), computes descriptives,
the participant flow, subgroup results and the multiple-testing adjustment, then withholds
every number that describes fewer than ``min_cell_size`` people. No ORM here: input is an
``EvaluationDataset``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from livinglab.evaluation.runs.analysis.plan import (
    ALL,
    COMPARISON,
    INTERVENTION,
    NOT_STATED,
    RESULT_KEYS,
    SUBGROUP_COLUMNS,
    AnalysisPlan,
    NothingToAnalyse,
    Progress,
    outcome_family,
)

if TYPE_CHECKING:
    import pandas as pd

    from livinglab.evaluation.runs.analysis.methods import MethodRow
    from livinglab.evaluation.runs.dataset import EvaluationDataset, OutcomeData

__all__ = ["RESULT_KEYS", "AnalysisPlan", "NothingToAnalyse", "analyse", "analysed_people"]


def analyse(
    *, dataset: EvaluationDataset, plan: AnalysisPlan, progress: Progress | None = None
) -> dict[str, Any]:
    """Flow, descriptives, suppressed results and notices of one evaluation."""
    # The methods, tables and suppression import pandas and the statistics (scipy,
    # statsmodels): loaded here, when a run is computed, not when this package is imported
    # (the plan, RESULT_KEYS and NothingToAnalyse are needed by the admin views at start-up).
    from livinglab.evaluation.runs.analysis.attrition import attrition
    from livinglab.evaluation.runs.analysis.methods import analyse_outcome
    from livinglab.evaluation.runs.analysis.suppression import (
        adjust,
        suppress_partition,
        suppress_rows,
    )
    from livinglab.evaluation.runs.analysis.tables import (
        analysed_counts_by_group,
        outcome_descriptives,
        participant_flow,
        publish_cells,
    )

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
            descriptive_cells += outcome_descriptives(outcome, values, people, plan)
        except ValueError as error:
            notices.append(
                _("« %(label)s » non analysé : %(error)s")
                % {"label": outcome.label, "error": error}
            )
            continue
        analysed_counts[outcome.indicator] = analysed_counts_by_group(values, people, plan)
        outcome_rows = _tag(analyse_outcome(outcome, values, people, plan), outcome, ALL)
        _explain_small(outcome_rows, outcome, plan, notices)
        rows += suppress_rows(outcome_rows, plan.min_cell_size)
        for dimension, column in dimensions.items():
            subgroup_rows = []
            for value, members in people.groupby(people[column].replace("", NOT_STATED)):
                subset = values.loc[values.index.isin(members.index)]
                subgroup = {"dimension": dimension, "value": str(value)}
                subgroup_rows += _tag(
                    analyse_outcome(outcome, subset, members, plan), outcome, subgroup
                )
            rows += suppress_partition(subgroup_rows, plan.min_cell_size)
    progress(62, _("Ajustement pour tests multiples et secret statistique"))
    adjust(rows, plan.correction, families=_families(plan, dataset), followups=plan.followups)
    rows = [{key: row.get(key) for key in RESULT_KEYS} for row in rows]
    primary_all = [r for r in rows if r["subgroup"] == ALL and r["analysis"] == "primary"]
    if not any(r["estimate"] is not None for r in primary_all):
        raise NothingToAnalyse(" ; ".join(notices) or _("Aucun critère n'a pu être analysé."))
    return {
        "flow": participant_flow(dataset, people, analysed_counts, plan),
        "descriptives": publish_cells(descriptive_cells, plan.min_cell_size),
        "results": rows,
        "notices": notices,
        "attrition": attrition(dataset, people, plan),
    }


def analysed_people(participants: pd.DataFrame, plan: AnalysisPlan) -> pd.DataFrame:
    """Designs without a comparison group analyse the intervention group only."""
    if plan.controlled:
        return participants[participants["group"].isin([INTERVENTION, COMPARISON])]
    return participants[participants["group"] == INTERVENTION]


def _families(plan: AnalysisPlan, dataset: EvaluationDataset) -> dict[str, str]:
    """Indicator → multiplicity family: the protocol's, else each outcome's primary flag."""
    if plan.families:
        return dict(plan.families)
    return {outcome.indicator: outcome_family(outcome) for outcome in dataset.outcomes}


def _subgroup_dimensions(plan: AnalysisPlan, notices: list[str]) -> dict[str, str]:
    dimensions = {}
    for dimension in plan.subgroup_dimensions:
        if dimension in SUBGROUP_COLUMNS:
            dimensions[dimension] = SUBGROUP_COLUMNS[dimension]
        else:
            notices.append(_("Sous-groupe « %(name)s » inconnu : ignoré.") % {"name": dimension})
    return dimensions


def _tag(results: list[MethodRow], outcome: OutcomeData, subgroup: Any) -> list[dict[str, Any]]:
    """Result rows with the outcome, subgroup, analysis role, the groups, waves and distinct
    participants they used, and the people count behind them (for suppression)."""
    rows = []
    for method_row in results:
        row = method_row.result.to_dict()
        row.update(
            indicator=outcome.indicator,
            label=outcome.label,
            subgroup=subgroup,
            wave=method_row.wave,
            analysis=method_row.analysis,
            groups=list(method_row.participants),
            waves=list(method_row.waves),
            participants=dict(method_row.participants),
            _people=method_row.people,
        )
        rows.append(row)
    return rows


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
                % {"label": outcome.label, "reason": reason_text(row["extra"].get("reason", ""))}
            )


def reason_text(reason: str) -> str:
    """The statistics' reason for a result without numbers, in the reader's language.

    The stats package says it in English for developers (`stats.results.NoNumbers`); a
    numerical error's own message is shown as it is.
    """
    from livinglab.evaluation.stats.results import NoNumbers

    known = {
        NoNumbers.EMPTY_CELL: _(
            "un des groupes n'a aucune réponse à l'une des vagues, ou un seul participant"
        ),
        NoNumbers.SEPARATION: _(
            "dans un des groupes, à l'une des vagues, tous les participants ont donné la même "
            "réponse (tous oui ou tous non) : le rapport des cotes n'est pas défini"
        ),
        NoNumbers.TOO_FEW_FOR_ANCOVA: _("il faut les deux groupes et au moins 4 paires complètes"),
        NoNumbers.TOO_FEW_PAIRS: _("moins de 2 paires complètes"),
        NoNumbers.EQUAL_DIFFERENCES: _("toutes les différences entre vagues sont égales"),
        NoNumbers.ZERO_DIFFERENCES: _("aucune réponse n'a changé entre les vagues"),
        NoNumbers.NO_PAIRS: _("aucune paire complète"),
    }
    return known.get(reason, reason)
