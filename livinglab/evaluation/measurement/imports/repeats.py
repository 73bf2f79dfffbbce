"""Indicators measured in an ODK repeat group, aggregated per submission.

A repeat table (ODK Central's ZIP holds one per repeat group) has `PARENT_KEY` and `KEY`; its
rows belong to the submission whose `KEY` starts `PARENT_KEY` (nested repeats included: keys
are paths below the instance id). Per submission, the mapping's `"aggregates"` says how the
mapped column's answers become one value: `count` (answers given), `sum` or `mean`. A
submission without any answer counts and sums to 0 (no activity = 0 minutes); its mean is missing.
"""

from collections import defaultdict

from django.utils.translation import gettext as _

from livinglab.core.tabular import Table
from livinglab.evaluation.measurement.imports.issues import Issue
from livinglab.evaluation.measurement.imports.valuemaps import ValueTable
from livinglab.evaluation.measurement.imports.values import cell_at, cell_text, parse_value
from livinglab.evaluation.measurement.models import Indicator

METHODS = ("count", "sum", "mean")
ROOT_KEY = "KEY"


def root_of(key) -> str:
    """`uuid:…/activites[2]/sous[1]` → `uuid:…` (the submission)."""
    return cell_text(key).split("/", 1)[0]


class RepeatValues:
    """Per indicator: the repeat answers of each submission, aggregated on demand."""

    def __init__(self, columns: dict[str, tuple[str, Table, int]], aggregates: dict[str, str]):
        # indicator code → submission → [(line, raw)]
        self.cells: dict[str, dict[str, list]] = {}
        self.where = {
            code: (name, table.header[index]) for code, (name, table, index) in columns.items()
        }
        self.methods = {code: aggregates.get(code, "") for code in columns}
        for code, (_name, table, index) in columns.items():
            parent = table.header.index("PARENT_KEY")
            by_submission = self.cells.setdefault(code, defaultdict(list))
            for offset, row in enumerate(table.rows):
                by_submission[root_of(cell_at(row, parent))].append(
                    (offset + 2, cell_at(row, index))
                )

    def label(self, code: str) -> str:
        filename, column = self.where[code]
        return f"{filename} › {column}"

    def value(
        self, code: str, submission: str, indicator: Indicator, lookup: ValueTable | None, line: int
    ) -> tuple[float | None, list[Issue]]:
        """The submission's aggregate (range-checked on its main line), or the issues."""
        label = self.label(code)
        method = self.methods[code]
        issues, numbers = [], []
        for line, raw in self.cells[code].get(submission, []):
            if cell_text(raw) == "":
                continue
            if method == "count":
                numbers.append(1.0)
                continue
            found, mapped = lookup.lookup(raw) if lookup else (False, None)
            if found:
                raw = mapped
                if raw is None:
                    continue
            try:
                numbers.append(float(str(raw).replace(",", ".")))
            except ValueError:
                issues.append(Issue(line, label, cell_text(raw), _("n'est pas un nombre")))
        if issues:
            return None, issues
        if method == "mean":
            total = sum(numbers) / len(numbers) if numbers else None
        else:
            total = float(sum(numbers))
        if total is None:
            return None, []
        value, reason = parse_value(total, indicator)
        if reason:
            return None, [Issue(line, label, cell_text(total), f"{method} : {reason}")]
        return value, []
