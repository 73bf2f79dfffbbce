"""The results document's tables: results JSON, CSV and XLSX, and the summary of a run.

Every table is rendered from the results document alone (already suppressed).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext as _

from livinglab.core.spreadsheets import escape_formula
from livinglab.evaluation.labels import correction_label, design_label, wave_label
from livinglab.evaluation.runs.analysis import RESULT_KEYS
from livinglab.evaluation.runs.findings import summary_of_findings, summary_sentences

# The results JSON keys, with the subgroup split in two columns and no "extra".
RESULT_COLUMNS = [
    column
    for key in RESULT_KEYS
    if key != "extra"
    for column in (("subgroup", "subgroup_value") if key == "subgroup" else (key,))
]
DESCRIPTIVE_COLUMNS = [
    "indicator",
    "label",
    "wave",
    "group",
    "n",
    "n_missing",
    "mean",
    "sd",
    "median",
    "q1",
    "q3",
    "count",
    "proportion",
    "suppressed",
]
FLOW_COLUMNS = ["stage", "detail", "group", "n", "suppressed"]
SUPPRESSED = "supprimé"


def hidden_count(min_cell_size: int) -> str:
    """How a withheld count reads: "< 10"."""
    return f"< {min_cell_size}"


def result_table(document: dict[str, Any]) -> list[list[Any]]:
    """Result rows as printed in CSV/XLSX: a suppressed row shows "< k" and no number."""
    rows = [
        {
            **row,
            "subgroup": "all" if row["subgroup"] == "all" else row["subgroup"]["dimension"],
            "subgroup_value": "" if row["subgroup"] == "all" else row["subgroup"]["value"],
            **{key: _flat(row.get(key)) for key in ("groups", "waves", "participants")},
        }
        for row in document["results"]
    ]
    return cell_table(rows, RESULT_COLUMNS, document["min_cell_size"])


def _flat(value: Any) -> Any:
    """Lists and dicts of a result row as one spreadsheet cell: "a, b", "a=60, b=58"."""
    if isinstance(value, dict):
        return ", ".join(f"{key}={'' if item is None else item}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


def cell_table(cells: list[dict[str, Any]], columns: list[str], k: int) -> list[list[Any]]:
    """Result, descriptive or flow cells as rows; withheld counts read "< k"."""
    table = []
    for cell in cells:
        shown = dict(cell)
        if cell.get("suppressed"):
            shown["n"] = hidden_count(k)
            shown["suppressed"] = SUPPRESSED
        else:
            shown["suppressed"] = ""
        table.append([shown.get(column) for column in columns])
    return table


def results_json(document: dict[str, Any]) -> bytes:
    """The results document with what people read first: the plain-language summary (one
    sentence per primary result) and the summary-of-findings rows."""
    readable = {
        **document,
        "summary": summary_sentences(document),
        "findings": [finding.as_dict() for finding in summary_of_findings(document)],
    }
    return json.dumps(readable, ensure_ascii=False, indent=2).encode()


def results_csv(document: dict[str, Any]) -> bytes:
    """The results table, UTF-8 with BOM (spreadsheet programs), formulas escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RESULT_COLUMNS)
    for row in result_table(document):
        writer.writerow([escape_formula("" if value is None else value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def summary_rows(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """Key facts of a run, first sheet of the workbook and first page of the report."""
    return [
        (_("Campagne"), document.get("campaign_title") or document["campaign"]),
        (_("Version du protocole"), document["protocol_version"]),
        (_("Empreinte du protocole"), document["protocol_hash"]),
        (_("Plan"), design_label(document["design"])),
        (_("Vagues"), ", ".join(wave_label(document, wave) for wave in document.get("waves", []))),
        (_("Seuil alpha"), document.get("alpha")),
        (_("Correction des tests multiples"), correction_label(document.get("correction"))),
        (_("Effectif minimal par case"), document["min_cell_size"]),
        (_("Calculé le"), document["generated_at"]),
        (_("Écarts au protocole"), " ; ".join(document.get("deviations") or []) or _("aucun")),
        (_("Remarques"), " ; ".join(document.get("notices") or []) or _("aucune")),
    ]


def results_xlsx(document: dict[str, Any]) -> bytes:
    """Workbook with sheets summary, results, descriptives and flow; formulas escaped."""
    from openpyxl import Workbook  # only when a workbook is written: not at start-up

    k = document["min_cell_size"]
    workbook = Workbook()
    sheets = [
        (
            "summary",
            [
                ["", ""],
                *[[str(label), value] for label, value in summary_rows(document)],
                *[[_("En bref"), sentence] for sentence in summary_sentences(document)],
            ],
        ),
        ("results", [RESULT_COLUMNS, *result_table(document)]),
        (
            "descriptives",
            [DESCRIPTIVE_COLUMNS, *cell_table(document["descriptives"], DESCRIPTIVE_COLUMNS, k)],
        ),
        ("flow", [FLOW_COLUMNS, *cell_table(document["flow"]["stages"], FLOW_COLUMNS, k)]),
    ]
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows[1:] if title == "summary" else rows:
            sheet.append([escape_formula(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


RENDERERS = {
    "json": (results_json, "application/json"),
    "csv": (results_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        results_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
