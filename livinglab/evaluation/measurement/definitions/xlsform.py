"""XLSForms — the `survey`, `choices` and `settings` sheets KoboToolbox and ODK build forms from.

The workbook goes first through `core.tabular.read_table` (size, decompressed size, compression
ratio and row limits, defusedxml under openpyxl), then its sheets are read in read-only mode,
each within the row limit. Labels come from `label` and `label::Language (code)` columns.
"""

import io
import re

from django.utils.translation import gettext as _

from livinglab.core.tabular import FileRejected, Limits, read_table
from livinglab.evaluation.measurement.definitions import (
    CHOICE,
    MULTIPLE,
    NUMBER,
    OTHER,
    TEXT,
    TICKED,
    DefinitionError,
    numeric,
)

NUMBER_TYPES = {"integer", "decimal", "range"}
TEXT_TYPES = {
    "text",
    "date",
    "time",
    "datetime",
    "barcode",
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "geopoint",
    "geotrace",
    "geoshape",
    "image",
    "audio",
    "video",
    "file",
}
NO_COLUMN = {"note", "end group", "end repeat", "begin group", "begin repeat", "audit"}
BOUND = re.compile(r"\.\s*(>=|>|<=|<)\s*(-?\d+(?:[.,]\d+)?)")
PARAMETER = re.compile(r"(start|end)\s*=\s*(-?\d+(?:[.,]\d+)?)")


def read_xlsform(data: bytes, *, filename: str, limits: Limits) -> dict:
    """The questions of an XLSForm, their labels in every language and their choices."""
    from openpyxl import load_workbook

    try:
        read_table(data, filename=filename, limits=limits)  # the limits every XLSX goes through
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRejected as error:
        raise DefinitionError(str(error)) from error
    except Exception as error:  # noqa: BLE001 - any parser failure means "not a valid workbook"
        raise DefinitionError(
            _("XLSForm illisible ou corrompu (%(error)s).") % {"error": error.__class__.__name__}
        ) from error
    try:
        sheets = {sheet.title.strip().casefold(): sheet for sheet in workbook.worksheets}
        if "survey" not in sheets:
            raise DefinitionError(_("Ce classeur n'est pas un XLSForm : pas de feuille survey."))
        survey = _records(sheets["survey"], limits.max_rows)
        choices = _records(sheets["choices"], limits.max_rows) if "choices" in sheets else []
        settings = _records(sheets["settings"], limits.max_rows) if "settings" in sheets else []
    finally:
        workbook.close()
    settings_row = settings[0] if settings else {}
    default = str(settings_row.get("default_language") or "") or "default"
    lists = _lists(choices, default)
    columns, languages = _columns(survey, lists, default)
    for options in lists.values():
        for option in options:
            languages.update(option["labels"])
    return {
        "tool": "xlsform",
        "title": str(settings_row.get("form_title") or settings_row.get("form_id") or ""),
        "languages": sorted(languages),
        "columns": columns,
        "lists": lists,
    }


def _records(sheet, max_rows: int) -> list[dict]:
    """The sheet's rows as {column: value}, refusing a sheet past the row limit."""
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, [])]
    records = []
    for row in rows:
        if not any(cell not in (None, "") for cell in row):
            continue
        if len(records) == max_rows:
            raise DefinitionError(
                _("Feuille « %(sheet)s » : plus de %(limit)d lignes.")
                % {"sheet": sheet.title, "limit": max_rows}
            )
        records.append({key: value for key, value in zip(header, row, strict=False) if key})
    return records


def _labels(record: dict, field: str, default: str) -> dict:
    """{language: text} from `label` and `label::Français (fr)` (or `label:fr`) columns."""
    labels = {}
    for key, value in record.items():
        if value in (None, ""):
            continue
        head, _sep, language = key.partition(":")
        if head.strip().casefold() != field:
            continue
        language = language.lstrip(":").strip() or default
        labels[language] = str(value).strip()
    return labels


def _lists(choices: list[dict], default: str) -> dict[str, list[dict]]:
    lists: dict[str, list[dict]] = {}
    for record in choices:
        list_name = str(record.get("list_name") or record.get("list name") or "").strip()
        name = record.get("name")
        if not list_name or name in (None, ""):
            continue
        name = str(int(name)) if isinstance(name, float) and name.is_integer() else str(name)
        options = lists.setdefault(list_name, [])
        options.append(
            {
                "name": name.strip(),
                "labels": _labels(record, "label", default),
                "value": numeric(name),
                "order": len(options) + 1,
            }
        )
    return lists


def _columns(survey: list[dict], lists: dict, default: str) -> tuple[list[dict], set]:
    columns: list[dict] = []
    languages: set[str] = set()
    groups: list[tuple[str, str]] = []  # (group or repeat, name) from the outermost
    for record in survey:
        head, rest = _type(record.get("type"))
        name = str(record.get("name") or "").strip()
        if not head:
            continue
        if head in {"begin group", "begin repeat"}:
            groups.append((head.split()[1], name))
            continue
        if head in {"end group", "end repeat"}:
            if groups:
                groups.pop()
            continue
        if head in NO_COLUMN or not name:
            continue
        labels = _labels(record, "label", default)
        languages.update(labels)
        path = "/".join([group for _kind, group in groups] + [name])
        repeat = (
            "/".join(group for _kind, group in groups)
            if any(kind == "repeat" for kind, _name in groups)
            else ""
        )
        list_name = rest[0] if rest else ""
        column = {
            "name": name,
            "path": path,
            "type": head.replace(" ", "_"),
            "labels": labels,
            "choices": None,
            "question": name,
            "repeat": repeat,
            "bounds": _bounds(record, head),
        }
        if head in {"select one", "select one from file"}:
            columns.append(
                {
                    **column,
                    "kind": CHOICE,
                    "choices": list_name if list_name in lists else None,
                    "type": f"select_one {list_name}",
                }
            )
        elif head in {"select multiple", "select multiple from file"}:
            columns.append(
                {
                    **column,
                    "kind": MULTIPLE,
                    "choices": list_name,
                    "type": f"select_multiple {list_name}",
                }
            )
            for option in lists.get(list_name, []):
                option_labels = {
                    language: f"{text}/{option['labels'].get(language, option['name'])}"
                    for language, text in labels.items()
                }
                columns.append(
                    {
                        **column,
                        "kind": TICKED,
                        "name": f"{name}/{option['name']}",
                        "path": f"{path}/{option['name']}",
                        "labels": option_labels,
                        "type": "select_multiple option",
                    }
                )
        elif head in NUMBER_TYPES:
            columns.append({**column, "kind": NUMBER})
        else:
            columns.append({**column, "kind": TEXT if head in TEXT_TYPES else OTHER})
    return columns, languages


def _type(value) -> tuple[str, list[str]]:
    """`select_one list` → ("select one", ["list"]); `begin_group` → ("begin group", [])."""
    tokens = str(value or "").split()
    if not tokens:
        return "", []
    if tokens[0] in {"begin", "end"} or tokens[0] == "select" and len(tokens) > 1:
        return f"{tokens[0]} {tokens[1] if len(tokens) > 1 else ''}".strip(), tokens[2:]
    return tokens[0].replace("_", " "), tokens[1:]


def _bounds(record: dict, head: str) -> list:
    """[min, max] from a `range`'s parameters or a constraint such as `. >= 0 and . <= 600`."""
    low = high = None
    if head == "range":
        for key, value in PARAMETER.findall(str(record.get("parameters") or "")):
            if key == "start":
                low = numeric(value)
            else:
                high = numeric(value)
        return [low, high]
    for operator, value in BOUND.findall(str(record.get("constraint") or "")):
        if operator.startswith(">"):
            low = numeric(value)
        else:
            high = numeric(value)
    return [low, high]
