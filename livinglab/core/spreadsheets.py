"""Spreadsheet-safe exports (OWASP CSV injection), shared by every app that lets people
download rows."""

import tablib

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP CSV
# injection); a leading single quote makes it plain text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def escape_formula(value):
    """`value`, prefixed with a single quote when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escaped_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of `dataset` with every cell (headers included) passed through `escape_formula`."""
    escaped = tablib.Dataset(headers=[escape_formula(h) for h in dataset.headers or []])
    for row in dataset:
        escaped.append([escape_formula(cell) for cell in row])
    return escaped


def dataset_to_bytes(dataset: tablib.Dataset, file_format: str) -> bytes:
    """The escaped dataset as CSV (UTF-8 with BOM, for spreadsheet programs) or XLSX bytes."""
    if file_format not in CONTENT_TYPES:
        raise ValueError(f"Unsupported export format {file_format!r}")
    content = escaped_dataset(dataset).export(file_format)
    if isinstance(content, str):
        return ("\ufeff" + content).encode("utf-8")
    return content
