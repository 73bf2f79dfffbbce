"""Questionnaire definitions of the survey tools: which column of an export holds which question,
its labels in every language and its answer options, so nobody types code tables by hand.

A definition is plain JSON, saved with the campaign's column mapping
(`ColumnMapping.mapping["questionnaire"]`) so that later waves reuse it::

    {"tool": "limesurvey" | "xlsform", "title": "…", "languages": ["fr", …],
     "columns": [{"name", "path", "kind", "type", "labels": {language: text},
                  "choices": list key or None, "question": parent name, "repeat": path or "",
                  "bounds": [min, max]}],
     "lists": {list key: [{"name", "labels": {language: text}, "value": float or None,
                           "order": 1…n}]}}

`name` is the column as the tool writes it with codes as headers (LimeSurvey `Q1[SQ001]`,
XLSForm `question` or `question/option`), `path` adds the XLSForm groups (`group/question`).
`kind` is one of KINDS. Readers: `limesurvey` (.lss with defusedxml, tab-separated .txt) and
`xlsform` (.xlsx), both within the upload limits of `core.tabular`.
"""

import html
import re
from pathlib import Path

from django.utils.translation import gettext as _

from livinglab.core.tabular import FileRejected, Limits, check_size

NUMBER, CHOICE, TICKED, MULTIPLE, TEXT, OTHER = (
    "number", "choice", "ticked", "multiple", "text", "other",
)  # fmt: skip
KINDS = (NUMBER, CHOICE, TICKED, MULTIPLE, TEXT, OTHER)
# Which response-file formats a definition describes.
TOOL_FORMATS = {"limesurvey": ("limesurvey",), "xlsform": ("kobo", "odk")}
TAG = re.compile(r"<[^>]+>")


class DefinitionError(ValueError):
    """A questionnaire definition that cannot be read; the message says why, in French."""


def read_definition(data: bytes, *, filename: str, limits: Limits | None = None) -> dict:
    """The definition in a LimeSurvey .lss/.txt or an XLSForm .xlsx, or DefinitionError."""
    from livinglab.evaluation.measurement.definitions import limesurvey, xlsform

    limits = limits or Limits.from_settings()
    try:
        check_size(len(data), limits)
    except FileRejected as error:
        raise DefinitionError(str(error)) from error
    suffix = Path(filename).suffix.lower()
    if suffix == ".lss":
        return limesurvey.read_lss(data)
    if suffix in {".txt", ".tsv"}:
        return limesurvey.read_tsv(data, filename=filename, limits=limits)
    if suffix in {".xlsx", ".xlsm"}:
        return xlsform.read_xlsform(data, filename=filename, limits=limits)
    if suffix == ".xls":
        raise DefinitionError(
            _("Ancien format Excel (.xls) : enregistrez le XLSForm au format .xlsx.")
        )
    raise DefinitionError(
        _(
            "Format de questionnaire non pris en charge : structure LimeSurvey (.lss ou .txt) "
            "ou XLSForm (.xlsx) de KoboToolbox et ODK."
        )
    )


def text_key(text) -> str:
    """How a header, label or answer is compared: no markup, entities, spacing or case."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    plain = html.unescape(TAG.sub(" ", str(text)))
    return " ".join(plain.split()).casefold()


def numeric(text) -> float | None:
    """A choice code or assessment value as a number, when it is one."""
    try:
        return float(str(text).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None


def first_label(labels: dict, fallback: str = "") -> str:
    """The label shown to people: French first, then the first language that has one."""
    for language, text in labels.items():
        if "fr" in language.casefold() and text:
            return plain_text(text)
    for text in labels.values():
        if text:
            return plain_text(text)
    return fallback


def plain_text(text) -> str:
    return " ".join(html.unescape(TAG.sub(" ", str(text or ""))).split())


def column_keys(column: dict) -> tuple[str, ...]:
    """How exports write a column with codes as headers: its name, its path with `/` (Kobo)
    or `-` (ODK), and ODK's split multiple choice `group-question/option`."""
    path = column.get("path") or column["name"]
    keys = [column["name"], path, path.replace("/", "-")]
    if column["kind"] == TICKED and "/" in path:
        question, option = path.rsplit("/", 1)
        keys.append(f"{question.replace('/', '-')}/{option}")
    return tuple(dict.fromkeys(keys))


def column_named(definition: dict | None, name: str) -> dict | None:
    """A column of the definition by any of its keys (`column_keys`)."""
    if not definition or not name:
        return None
    for column in definition.get("columns", []):
        if name in column_keys(column):
            return column
    return None


def summary(definition: dict) -> dict:
    """What the admin pages say about a saved definition."""
    columns = definition.get("columns", [])
    return {
        "tool": definition.get("tool", ""),
        "title": definition.get("title", ""),
        "languages": definition.get("languages", []),
        "columns": len(columns),
        "choices": sum(1 for column in columns if column["kind"] == CHOICE),
        "numbers": sum(1 for column in columns if column["kind"] == NUMBER),
        "ticked": sum(1 for column in columns if column["kind"] == TICKED),
    }
