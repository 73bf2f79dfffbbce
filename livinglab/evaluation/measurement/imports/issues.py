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
    flagged: dict = field(default_factory=dict)  # reason → rows imported that the tool flags
    response_set_id: int | None = None
    format_label: str = ""
    columns: list = field(default_factory=list)  # per column: question, target, value table
    repeats: list = field(default_factory=list)  # repeat-group tables read with the file
    definition: dict = field(default_factory=dict)  # summary of the questionnaire used

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def summary_lines(self) -> list[str]:
        """What was skipped or flagged, one line per reason, for the command and messages."""
        lines = [
            _("%(count)d ligne(s) ignorée(s) : %(reason)s") % {"count": count, "reason": reason}
            for reason, count in self.skipped.items()
        ]
        lines += [
            _("%(count)d ligne(s) importée(s) mais %(reason)s") % {"count": count, "reason": reason}
            for reason, count in self.flagged.items()
        ]
        return lines
