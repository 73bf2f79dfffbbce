"""What an import reports: each problem with its place, and the summary of a success."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Issue:
    row: int  # line number in the file: 1 is the header
    column: str
    value: str
    reason: str

    def __str__(self):
        value = f" « {self.value} »" if self.value != "" else ""
        return _("ligne %(row)d, colonne %(column)s%(value)s : %(reason)s") % {
            "row": self.row,
            "column": self.column or "—",
            "value": value,
            "reason": self.reason,
        }


class ImportFailed(Exception):
    """Raised with every issue found; nothing has been written."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues[:50]))


@dataclass
class ImportReport:
    source_format: str
    rows: int = 0
    values: int = 0
    new_participants: int = 0
    dry_run: bool = False
    mapping: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)  # reason → rows the format says to skip
    response_set_id: int | None = None
