"""Withholding numbers on fewer than k people, and the multiple-testing adjustment."""

from __future__ import annotations

from typing import Any

from livinglab.evaluation import stats
from livinglab.evaluation.runs.analysis.plan import SECONDARY_FAMILY


def suppress_rows(rows: list[dict[str, Any]], min_cell_size: int) -> list[dict[str, Any]]:
    """Whole-sample rows: withhold every number of a result on fewer than k people."""
    published = []
    for row in rows:
        people = row.pop("_people")
        shown = stats.suppress_result(row, n=people, min_cell_size=min_cell_size)
        published.append(_keep_labels(row, shown, SMALL if shown["suppressed"] else ""))
    return published


def suppress_partition(rows: list[dict[str, Any]], min_cell_size: int) -> list[dict[str, Any]]:
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
        reason = _REASONS.get(decision["suppression"], "")
        published.append(
            _keep_labels(
                row, stats.suppress_result(row, n=hidden, min_cell_size=min_cell_size), reason
            )
        )
    return published


SMALL, COMPLEMENT = "small", "complement"
_REASONS = {"primary": SMALL, "complementary": COMPLEMENT}


def _keep_labels(row: dict[str, Any], published: dict[str, Any], reason: str) -> dict[str, Any]:
    """Suppression withholds numbers; the subgroup, wave and group labels are not numbers."""
    for key in ("subgroup", "wave", "groups", "waves"):
        published[key] = row.get(key)
    published["suppressed_reason"] = reason
    return published


def adjust(
    rows: list[dict[str, Any]],
    correction: str,
    *,
    families: dict[str, str],
    followups: list[str],
) -> None:
    """Adjust primary p-values within each family fixed by the protocol.

    A family is the outcomes of one protocol family (``families``: indicator → name) at one
    follow-up wave, within one subgroup (the whole sample first). Its size m is the number of
    the protocol's outcomes in it, whatever was published: a suppressed, failed or missing
    result keeps its place (``adjust_pvalues(missing="count")``).
    """
    size: dict[str, int] = {}
    for name in families.values():
        size[name] = size.get(name, 0) + 1
    members: dict[tuple[str, str, Any], list[dict[str, Any]]] = {}
    for row in rows:
        row["p_adjusted"] = None
        if row["analysis"] == "primary":
            name = families.get(row["indicator"], SECONDARY_FAMILY)
            key = (repr(row["subgroup"]), name, row["wave"])
            members.setdefault(key, []).append(row)
    for (_subgroup, name, wave), family in members.items():
        expected = size.get(name, 0) if wave in followups or wave is None else 0
        placeholders = max(expected - len(family), 0)
        adjusted = stats.adjust_pvalues(
            p_values=[row["p_value"] for row in family] + [None] * placeholders,
            method=correction,
            missing="count",
        )
        for row, value in zip(family, adjusted, strict=False):
            row["p_adjusted"] = value
