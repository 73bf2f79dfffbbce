"""Small-cell suppression: no published number may describe fewer than k people.

A table is a list of cells, each a dict with:

- ``n``: the number of people the cell describes (None counts as unknown, so suppressed);
- ``groups``: the keys of the margins the cell adds up into, each a hashable naming one
  published total, e.g. ``("wave=baseline", "group=intervention")`` for a 2-D table, or
  ``("flow",)`` for one list whose total is printed. ``group_key`` (one key) also works;
- any other fields (labels, mean, sd, p-values ...): numbers are withheld when suppressed.

Primary suppression withholds every cell with n < k, zeros included (conservative: an
empty cell next to small ones still tells something). Complementary suppression then
withholds more cells until no withheld count can be recomputed exactly from the published
cells and margins: first the rule "a margin with exactly one withheld cell loses its next
smallest cell too", then a linear-algebra audit that also catches recoveries across rows and
columns of a 2-D table. A margin made of a single cell equals that cell: suppress such a
total where it is published (pass margins as cells of their parent table).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

DEFAULT_MIN_CELL_SIZE = 10
SMALLEST_ALLOWED_MIN_CELL_SIZE = 5
_STRUCTURE_KEYS = ("groups", "group_key")


def check_min_cell_size(min_cell_size: int) -> int:
    """Refuse thresholds below 5: DESIGN.md §3 forbids them."""
    if int(min_cell_size) != min_cell_size or min_cell_size < SMALLEST_ALLOWED_MIN_CELL_SIZE:
        raise ValueError(
            f"min_cell_size must be an integer of at least {SMALLEST_ALLOWED_MIN_CELL_SIZE}"
        )
    return int(min_cell_size)


def suppress_cells(
    *, cells: Sequence[Mapping[str, Any]], min_cell_size: int = DEFAULT_MIN_CELL_SIZE
) -> list[dict[str, Any]]:
    """Return copies of the cells with ``suppressed``/``suppression`` set and numbers withheld.

    ``suppression`` is ``"primary"`` (n < k), ``"complementary"`` (withheld so that a primary
    cell cannot be recovered by subtraction) or None.
    """
    k = check_min_cell_size(min_cell_size)
    sizes = [cell.get("n") for cell in cells]
    reasons: list[str | None] = ["primary" if size is None or size < k else None for size in sizes]
    members = _group_members(cells)
    while True:
        target = _next_complement(members, reasons, sizes)
        if target is None:
            break
        reasons[target] = "complementary"
    return [_publish(cell, reason) for cell, reason in zip(cells, reasons, strict=True)]


def _group_members(cells: Sequence[Mapping[str, Any]]) -> dict[Hashable, list[int]]:
    """Map each published margin to the indices of the cells adding up into it."""
    members: dict[Hashable, list[int]] = defaultdict(list)
    for index, cell in enumerate(cells):
        keys = cell.get("groups")
        if keys is None:
            keys = [cell["group_key"]] if cell.get("group_key") is not None else []
        for key in keys:
            members[key].append(index)
    return members


def _next_complement(
    members: Mapping[Hashable, list[int]], reasons: list[str | None], sizes: list[Any]
) -> int | None:
    """Pick the next cell to withhold, or None when nothing withheld can be recomputed."""
    for indices in members.values():
        hidden = [i for i in indices if reasons[i]]
        if len(hidden) == 1:
            choice = _smallest_visible(indices, reasons, sizes)
            if choice is not None:
                return choice
    for exposed in _recoverable(members, reasons):
        for indices in members.values():
            if exposed in indices:
                choice = _smallest_visible(indices, reasons, sizes)
                if choice is not None:
                    return choice
    return None


def _smallest_visible(
    indices: list[int], reasons: list[str | None], sizes: list[Any]
) -> int | None:
    """The still-published cell with the smallest n (first one on ties)."""
    visible = [i for i in indices if not reasons[i]]
    return min(visible, key=lambda i: (sizes[i], i)) if visible else None


def _recoverable(members: Mapping[Hashable, list[int]], reasons: list[str | None]) -> list[int]:
    """Withheld cells whose count is a linear combination of the published margins.

    Each margin tells the sum of its withheld cells; cell j is recoverable exactly when the
    unit vector e_j lies in the row space of that margin × withheld-cell incidence matrix.
    """
    hidden = [i for i, reason in enumerate(reasons) if reason]
    if not hidden:
        return []
    column = {cell: position for position, cell in enumerate(hidden)}
    rows = []
    for indices in members.values():
        row = np.zeros(len(hidden))
        for i in indices:
            if i in column:
                row[column[i]] = 1
        if row.any():
            rows.append(row)
    if not rows:
        return []
    incidence = np.array(rows)
    rank = np.linalg.matrix_rank(incidence)
    exposed = []
    for cell, position in column.items():
        unit = np.zeros(len(hidden))
        unit[position] = 1
        if np.linalg.matrix_rank(np.vstack([incidence, unit])) == rank:
            exposed.append(cell)
    return exposed


def _publish(cell: Mapping[str, Any], reason: str | None) -> dict[str, Any]:
    """Copy a cell, withholding its numbers when it is suppressed."""
    published = {
        key: (value if not reason or key in _STRUCTURE_KEYS else _withhold(value))
        for key, value in cell.items()
    }
    published["suppressed"] = bool(reason)
    published["suppression"] = reason
    return published


def _withhold(value: Any) -> Any:
    """Replace every number (also inside dicts and lists) by None; keep labels."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | np.integer | np.floating):
        return None
    if isinstance(value, Mapping):
        return {key: _withhold(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_withhold(item) for item in value]
    return value


def suppress_result(
    result: Mapping[str, Any], *, n: int | None, min_cell_size: int = DEFAULT_MIN_CELL_SIZE
) -> dict[str, Any]:
    """Withhold every number of a result computed on fewer than k people; set ``suppressed``."""
    k = check_min_cell_size(min_cell_size)
    published = copy.deepcopy(dict(result))
    hidden = n is None or n < k
    if hidden:
        published = {key: _withhold(value) for key, value in published.items()}
    published["suppressed"] = hidden
    return published
