"""A run's files (tables, charts, PDF), written once by the worker and rendered on demand.

Every file is rendered from the results document alone (already suppressed), so the web
server can rebuild a file a worker on another machine wrote.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from livinglab.evaluation.runs import charts, report
from livinglab.evaluation.runs.document import RENDERERS, results_csv, results_json, results_xlsx


def run_folder(run_id: int) -> str:
    return f"runs/{run_id}"


def save_file(name: str, content: bytes) -> str:
    """Write (replacing) a file in the media storage and return its relative path."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def write_artifacts(*, run_id: int, document: dict[str, Any]) -> dict[str, Any]:
    """Write every file of a run under MEDIA_ROOT/runs/<id>/ and return their paths."""
    folder = run_folder(run_id)
    artifacts: dict[str, Any] = {
        "json": save_file(f"{folder}/results.json", results_json(document)),
        "csv": save_file(f"{folder}/results.csv", results_csv(document)),
        "xlsx": save_file(f"{folder}/results.xlsx", results_xlsx(document)),
        "charts": [],
    }
    for chart in charts.render_charts(document):
        artifacts["charts"].append(
            {
                "name": chart.name,
                "title": chart.title,
                "png": save_file(f"{folder}/{chart.name}.png", chart.png),
                "svg": save_file(f"{folder}/{chart.name}.svg", chart.svg),
            }
        )
    artifacts["pdf"] = save_file(f"{folder}/report.pdf", report.report_pdf(document))
    return artifacts


def render(document: dict[str, Any], file_format: str) -> bytes:
    """One output of a results document, for commands and downloads."""
    if file_format == "pdf":
        return report.report_pdf(document)
    return RENDERERS[file_format][0](document)
