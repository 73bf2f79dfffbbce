"""A run's files (tables, charts, PDF), written once by the worker and rendered on demand.

Every file is rendered from the results document alone (already suppressed), so the web
server can rebuild a file a worker on another machine wrote.

The files live in the **private storage** (`STORAGES["private"]`), never under MEDIA_ROOT:
results of an unpublished run are not public, and a guessable `runs/<id>/…` name must not be
reachable under `/media/`. They leave the storage only through the permission-checked views of
`runs/views.py`. Only the Storage API is used (open, save, exists, delete), so any backend fits
(a private S3 bucket through django-storages, say).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from livinglab.evaluation.runs import charts, report
from livinglab.evaluation.runs.costs import report_costs_for_document
from livinglab.evaluation.runs.document import RENDERERS, results_csv, results_json, results_xlsx

PRIVATE_STORAGE = "private"


def run_storage() -> Storage:
    """Where a run's files are kept (looked up on each call: settings may change it)."""
    return storages[PRIVATE_STORAGE]


def run_folder(run_id: int) -> str:
    return f"runs/{run_id}"


def save_file(name: str, content: bytes) -> str:
    """Write (replacing) a file in the private storage and return its relative path."""
    storage = run_storage()
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(content))


def read_file(name: str | None) -> bytes | None:
    """A stored file of a run, or None when the storage does not have it."""
    storage = run_storage()
    if not name or not storage.exists(name):
        return None
    try:
        with storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:  # deleted between the two calls
        return None


def write_artifacts(*, run_id: int, document: dict[str, Any]) -> dict[str, Any]:
    """Write every file of a run under runs/<id>/ of the private storage; return their paths."""
    folder = run_folder(run_id)
    artifacts: dict[str, Any] = {
        "json": save_file(f"{folder}/results.json", results_json(document)),
        "csv": save_file(f"{folder}/results.csv", results_csv(document)),
        "xlsx": save_file(f"{folder}/results.xlsx", results_xlsx(document)),
        "charts": [],
    }
    rendered = charts.render_charts(document)  # each figure drawn once: files and PDF
    for chart in rendered:
        artifacts["charts"].append(
            {
                "name": chart.name,
                "title": chart.title,
                "png": save_file(f"{folder}/{chart.name}.png", chart.png),
                "svg": save_file(f"{folder}/{chart.name}.svg", chart.svg),
            }
        )
    costs = report_costs_for_document(document)  # the budget as recorded when the run is made
    pdf = report.report_pdf(document, rendered, costs=costs)
    artifacts["pdf"] = save_file(f"{folder}/report.pdf", pdf)
    return artifacts


def render(document: dict[str, Any], file_format: str) -> bytes:
    """One output of a results document, for commands and downloads."""
    if file_format == "pdf":
        return report.report_pdf(document, costs=report_costs_for_document(document))
    return RENDERERS[file_format][0](document)
