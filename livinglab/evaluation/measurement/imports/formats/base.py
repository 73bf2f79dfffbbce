"""What a survey-tool format declares, and the header normalisation most of them share."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field


def normalise_column(column: str) -> str:
    """Kobo `group/question`, ODK `group-question` → `question`; accents and case folded."""
    last = re.split(r"[/]", column)[-1]
    if "-" in last and not last.startswith("meta"):
        last = last.split("-")[-1]
    ascii_text = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode()
    return ascii_text.strip().lower()


@dataclass(frozen=True)
class SurveyFormat:
    """One survey tool's export: how it is recognised, how its headers read, what it skips."""

    name: str  # stored on the response set and the saved column mapping
    label: str  # shown to people
    recognises: Callable[[set[str]], bool]  # from the header's column names
    normalise: Callable[[str], str] = normalise_column  # header → indicator code or field alias
    # A row of the file (column → cell) → why it is not an answer to import, or None.
    skip_row: Callable[[dict], str | None] | None = None
    # A row that is imported but that the tool flags (e.g. ODK Central's "hasIssues") → why.
    flag_row: Callable[[dict], str | None] | None = None
    # How a multiple-choice box reads when ticked or not (cell text → value); empty text is
    # "not ticked" only when the tool writes it so (LimeSurvey's `Y` or nothing).
    ticked: dict[str, float] = field(default_factory=lambda: {"1": 1.0, "0": 0.0})
    # Which questionnaire definition describes its exports (definitions.TOOL_FORMATS).
    definition_tool: str = ""
