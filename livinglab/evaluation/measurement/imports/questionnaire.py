"""Which question of the tool's questionnaire each column of an export holds, whatever headers
the export was made with: codes (`Q1[SQ001]`, `group/question`, ODK's `group-question`), labels
in any language of the form (`Code participant`, Kobo's `Question/Option`), group paths of
labels, or LimeSurvey's `Q1. Question text`."""

import re

from livinglab.evaluation.measurement.definitions import column_keys, text_key

CODE_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9_]*(?:\[[^\]]*\])?(?:#[01])?)\.\s")


def header_keys(definition: dict) -> tuple[dict[str, dict], dict[str, dict | None]]:
    """Codes and paths → column; labels (compared by `text_key`) → column, or None when two
    questions share a label."""
    codes: dict[str, dict] = {}
    labels: dict[str, dict | None] = {}
    for column in definition.get("columns", []):
        for name in column_keys(column):
            codes.setdefault(name, column)
        for label in column.get("labels", {}).values():
            key = text_key(label)
            if key and key in labels and labels[key] is not column:
                labels[key] = None
            elif key:
                labels[key] = column
    return codes, labels


def resolve_header(header: list[str], definition: dict | None) -> dict[int, dict]:
    """Column position in the file → the questionnaire column it holds (when recognised)."""
    if not definition:
        return {}
    codes, labels = header_keys(definition)
    resolved = {}
    for position, name in enumerate(header):
        column = _lookup(name, codes, labels)
        if column is not None:
            resolved[position] = column
    return resolved


def _lookup(name: str, codes: dict, labels: dict) -> dict | None:
    if name in codes:
        return codes[name]
    if labels.get(text_key(name)):
        return labels[text_key(name)]
    prefix = CODE_PREFIX.match(name)  # LimeSurvey "question code & question text" headings
    if prefix and prefix.group(1) in codes:
        return codes[prefix.group(1)]
    parts = name.split("/")  # Kobo labels with their groups: "Group label/Question label"
    for start in range(1, len(parts)):
        column = labels.get(text_key("/".join(parts[start:])))
        if column:
            return column
    return None


def locate(reference, header: list[str], resolved: dict[int, dict]) -> int | None:
    """The position of a mapped column: a header of the file, or a question name or path."""
    if not reference:
        return None
    if reference in header:
        return header.index(reference)
    for position, column in resolved.items():
        if reference in column_keys(column):
            return position
    key = text_key(reference)
    for position, name in enumerate(header):
        if text_key(name) == key:
            return position
    return None
