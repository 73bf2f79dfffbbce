"""Small-cell suppression: primary, complementary, and no recovery by subtraction."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from livinglab.evaluation.stats import check_min_cell_size, suppress_cells, suppress_result


def _hidden(cells):
    return [cell["suppressed"] for cell in cells]


def test_threshold_below_five_is_refused():
    for bad in (4, 0, -1, 7.5):
        with pytest.raises(ValueError):
            check_min_cell_size(bad)
        with pytest.raises(ValueError):
            suppress_cells(cells=[{"n": 20, "group_key": "g"}], min_cell_size=bad)
        with pytest.raises(ValueError):
            suppress_result({"estimate": 1.0}, n=3, min_cell_size=bad)
    assert check_min_cell_size(5) == 5


def test_primary_suppression_withholds_numbers_and_keeps_labels():
    cells = [
        {"label": "école", "n": 9, "mean": 3.2, "sd": 1.1, "group_key": "site"},
        {"label": "collège", "n": 10, "mean": 2.9, "sd": 1.0},
        {"label": "lycée", "n": 0, "mean": None},
    ]
    published = suppress_cells(cells=cells)
    assert published[0] == {
        "label": "école",
        "n": None,
        "mean": None,
        "sd": None,
        "group_key": "site",
        "suppressed": True,
        "suppression": "primary",
    }
    assert published[1]["n"] == 10 and published[1]["suppressed"] is False
    assert published[2]["suppression"] == "primary"  # zero counts are withheld too
    assert cells[0]["n"] == 9  # input untouched


def test_complementary_suppression_protects_against_subtraction():
    # Flow counts with a published total of 62: hiding only the 4 would let anyone compute
    # it as 62 − 40 − 18; the next smallest cell (18) is withheld as well.
    cells = [
        {"step": "répondu T0 seulement", "n": 4, "group_key": "flow"},
        {"step": "répondu T0 et T1", "n": 40, "group_key": "flow"},
        {"step": "perdu de vue", "n": 18, "group_key": "flow"},
    ]
    published = suppress_cells(cells=cells, min_cell_size=5)
    assert [c["suppression"] for c in published] == ["primary", None, "complementary"]


def test_two_way_table_is_protected_across_rows_and_columns():
    counts = [[3, 20, 30], [15, 12, 40], [25, 30, 11]]
    cells = [
        {"n": n, "groups": (f"row{r}", f"col{c}")}
        for r, row in enumerate(counts)
        for c, n in enumerate(row)
    ]
    published = suppress_cells(cells=cells)
    hidden = np.array(_hidden(published)).reshape(3, 3)
    assert hidden[0, 0]
    for line in list(hidden) + list(hidden.T):
        assert line.sum() != 1
    assert _recoverable(_members(cells), ["x" if h else None for h in hidden.ravel()]) == []


def test_bridge_between_two_blocks_is_caught_by_the_audit():
    # Rows/columns each hold two withheld cells, yet the (r1, c2) cell joining two 2 × 2
    # blocks is a bridge: row sums minus column sums on one side give it exactly. The audit
    # must withhold more until nothing is recoverable.
    pattern = {(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)}
    cells = [
        {"n": 3 if (r, c) in pattern else 50 + r + c, "groups": (f"r{r}", f"c{c}")}
        for r, c in itertools.product(range(4), range(4))
    ]
    primary_only = ["primary" if cell["n"] < 10 else None for cell in cells]
    assert _recoverable(_members(cells), primary_only) == [6]  # the bridge (r1, c2)
    published = suppress_cells(cells=cells)
    reasons = [c["suppression"] for c in published]
    assert "complementary" in reasons
    assert _recoverable(_members(cells), reasons) == []


def test_suppress_result_nulls_every_number():
    result = {
        "indicator": "mvpa_minutes",
        "method": "paired_t",
        "n": 7,
        "estimate": 1.2,
        "p_value": 0.03,
        "subgroup": {"dimension": "sexe", "value": "F"},
        "extra": {"discordant": 3, "exact": True},
    }
    hidden = suppress_result(result, n=7, min_cell_size=10)
    assert hidden["suppressed"] is True
    assert hidden["estimate"] is None and hidden["n"] is None and hidden["p_value"] is None
    assert hidden["extra"] == {"discordant": None, "exact": True}
    assert hidden["method"] == "paired_t" and hidden["subgroup"]["value"] == "F"
    shown = suppress_result(result, n=12)
    assert shown["suppressed"] is False and shown["estimate"] == 1.2
    assert result["estimate"] == 1.2


def _recoverable(members, reasons):
    """Independent oracle: a withheld cell is pinned down by the margins exactly when every
    solution of "withheld cells of each margin sum to a known total" agrees on it, i.e. when
    the null space of the margin × withheld-cell matrix is zero in its coordinate."""
    hidden = [i for i, reason in enumerate(reasons) if reason]
    if not hidden:
        return []
    matrix = np.array(
        [[1.0 if i in indices else 0.0 for i in hidden] for indices in members.values()]
    )
    free = null_space(matrix)
    return [cell for position, cell in enumerate(hidden) if np.allclose(free[position], 0)]


def _members(cells):
    members = {}
    for index, cell in enumerate(cells):
        for key in cell.get("groups") or [cell.get("group_key")]:
            members.setdefault(key, []).append(index)
    return members


def _recovered_by_subtraction(published, members):
    """Every withheld count an attacker gets from one margin minus its published cells."""
    found = set()
    for indices in members.values():
        hidden = [i for i in indices if published[i]["suppressed"]]
        if len(hidden) == 1:
            found.add(hidden[0])
    return found


@settings(max_examples=150, deadline=None)
@given(
    rows=st.integers(min_value=1, max_value=4),
    columns=st.integers(min_value=2, max_value=5),
    k=st.integers(min_value=5, max_value=15),
    data=st.data(),
)
def test_no_withheld_count_can_be_recomputed(rows, columns, k, data):
    counts = data.draw(
        st.lists(
            st.integers(min_value=0, max_value=60), min_size=rows * columns, max_size=rows * columns
        )
    )
    two_way = rows > 1
    cells = [
        {
            "n": counts[r * columns + c],
            "groups": (f"row{r}", f"col{c}") if two_way else (f"row{r}",),
        }
        for r in range(rows)
        for c in range(columns)
    ]
    published = suppress_cells(cells=cells, min_cell_size=k)
    members = _members(cells)
    reasons = [cell["suppression"] for cell in published]
    for cell, shown in zip(cells, published, strict=True):
        if cell["n"] < k:
            assert shown["suppressed"] and shown["n"] is None
        if not shown["suppressed"]:
            assert shown["n"] == cell["n"] >= k
    assert not _recovered_by_subtraction(published, members)
    assert _recoverable(members, reasons) == []
