"""Withholding numbers on fewer than k people, and the multiple-testing adjustment."""

from __future__ import annotations

from typing import Any

from livinglab.evaluation import stats


def suppress_rows(rows: list[dict[str, Any]], min_cell_size: int) -> list[dict[str, Any]]:
    """Whole-sample rows: withhold every number of a result on fewer than k people."""
    published = []
    for row in rows:
        people = row.pop("_people")
        shown = stats.suppress_result(row, n=people, min_cell_size=min_cell_size)
        shown["suppression"] = "primary" if shown["suppressed"] else None  # why, for readers
        published.append(_keep_labels(row, shown))
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
        shown = stats.suppress_result(row, n=hidden, min_cell_size=min_cell_size)
        # "primary" (fewer than k) or "complementary" (hidden to protect another group).
        shown["suppression"] = decision["suppression"]
        published.append(_keep_labels(row, shown))
    return published


def _keep_labels(row: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    """Suppression withholds numbers; the subgroup and wave labels are not numbers."""
    published["subgroup"] = row["subgroup"]
    published["wave"] = row["wave"]
    return published


def adjust(rows: list[dict[str, Any]], correction: str) -> None:
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
