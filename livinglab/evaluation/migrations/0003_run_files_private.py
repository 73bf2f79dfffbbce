"""Run files (results, charts, PDF) move from the public media storage to the private one.

Runs written before this change kept their files under MEDIA_ROOT (`runs/<id>/…`), reachable
under `/media/` wherever media are served. Each file named in `EvaluationRun.artifacts` is
copied to `STORAGES["private"]` under the same relative name, then deleted from the default
storage; a file already gone is skipped (the views rebuild tables and the PDF from the stored
results). Only the Storage API is used, so both storages may be any backend. Running it again
finds nothing left to move. Reversing it moves nothing back: the files stay private (code from
before this change then rebuilds downloads and the PDF, but shows no chart).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import migrations

FILE_KEYS = ("json", "csv", "xlsx", "pdf")
CHART_KEYS = ("png", "svg")


def artifact_names(artifacts) -> list[str]:
    """The relative names of a run's files, as `runs/artifacts.write_artifacts` records them."""
    if not isinstance(artifacts, dict):
        return []
    names = [artifacts.get(key) for key in FILE_KEYS]
    for chart in artifacts.get("charts") or []:
        if isinstance(chart, dict):
            names += [chart.get(key) for key in CHART_KEYS]
    return [name for name in names if isinstance(name, str) and name]


def move_file(name: str, public, private) -> str | None:
    """Move one file; its name in the private storage, or None when there was nothing to move."""
    if not public.exists(name):
        return None
    with public.open(name, "rb") as handle:
        content = handle.read()
    if private.exists(name):  # an interrupted earlier attempt: the public copy is the original
        private.delete(name)
    stored = private.save(name, ContentFile(content))
    public.delete(name)
    return stored


def rename(artifacts: dict, renamed: dict[str, str]) -> dict:
    """`artifacts` with the names a storage changed on saving (normally none)."""
    updated = {**artifacts}
    for key in FILE_KEYS:
        if updated.get(key) in renamed:
            updated[key] = renamed[updated[key]]
    updated["charts"] = [
        {**chart, **{key: renamed[chart[key]] for key in CHART_KEYS if chart.get(key) in renamed}}
        if isinstance(chart, dict)
        else chart
        for chart in artifacts.get("charts") or []
    ]
    return updated


def move_run_files(apps, schema_editor):
    EvaluationRun = apps.get_model("evaluation", "EvaluationRun")
    public, private = storages["default"], storages["private"]
    for run in EvaluationRun.objects.only("pk", "artifacts").order_by("pk").iterator():
        renamed = {}
        for name in artifact_names(run.artifacts):
            stored = move_file(name, public, private)
            if stored is not None and stored != name:
                renamed[name] = stored
        if renamed:
            run.artifacts = rename(run.artifacts, renamed)
            run.save(update_fields=["artifacts"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_response_covering_index"),
    ]

    operations = [
        migrations.RunPython(move_run_files, migrations.RunPython.noop),
    ]
