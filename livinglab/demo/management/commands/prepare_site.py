"""What `make run` does before serving, in one process: messages, migrations, cache table, demo.

A second `make run` with nothing changed must be quick (issue #15): `migrate` runs only when the
migration plan is not empty, and the system checks and `load_demo` only when the stamp of their
inputs (every file of the code and of the demo's data, the requirements, the settings module,
the database written to and its migration history) differs from the one written after the last
successful load (`var/demo-stamp-<database>.json`).
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

# What load_demo's result depends on: the code (demo, models, runs' files), the demo's data,
# the indicator catalogue, the pinned requirements.
STAMP_INPUTS = (
    Path(settings.BASE_DIR) / "livinglab",
    Path(settings.BASE_DIR) / "fixtures",
    Path(settings.BASE_DIR) / "requirements.txt",
)
SKIPPED_SUFFIXES = (".pyc", ".mo")


def stale_catalogues() -> bool:
    """True when a .po translation file is newer than its compiled .mo (or has none)."""
    for folder in settings.LOCALE_PATHS:
        for po_file in Path(folder).glob("*/LC_MESSAGES/*.po"):
            mo_file = po_file.with_suffix(".mo")
            if not mo_file.exists() or mo_file.stat().st_mtime < po_file.stat().st_mtime:
                return True
    return False


def pending_migrations() -> list[str]:
    """The migrations `migrate` would apply to the default database, in order."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def database_identity() -> list[str]:
    database = connections[DEFAULT_DB_ALIAS].settings_dict
    return [database["ENGINE"], str(database["NAME"]), database.get("HOST") or ""]


def demo_stamp() -> str:
    """SHA-256 of the demo's inputs: every file's path and bytes, and the target database.

    The database is named, and dated by its migration history: a database dropped and migrated
    again (a test session, a fresh `var/`) has newer `applied` times, so it gets the demo.
    """
    from django.db.migrations.recorder import MigrationRecorder
    from django.db.models import Count, Max

    history = MigrationRecorder(connections[DEFAULT_DB_ALIAS]).migration_qs.aggregate(
        last=Max("applied"), count=Count("id")
    )
    digest = hashlib.sha256()
    target = [*database_identity(), str(settings.MEDIA_ROOT), settings.SETTINGS_MODULE]
    digest.update(json.dumps([*target, str(history["last"]), history["count"]]).encode())
    for root in STAMP_INPUTS:
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix in SKIPPED_SUFFIXES:
                continue
            digest.update(f"\x1e{path.relative_to(root.parent)}\x1f".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def stamp_path() -> Path:
    """One stamp per database, so that a test session never answers for the dev database."""
    name = hashlib.sha256(json.dumps(database_identity()).encode()).hexdigest()[:12]
    return Path(settings.VAR_DIR) / f"demo-stamp-{name}.json"


def stamp_matches(stamp: str) -> bool:
    try:
        saved = json.loads(stamp_path().read_text())
    except (FileNotFoundError, ValueError):
        return False
    return saved.get("inputs") == stamp and Path(settings.MEDIA_ROOT).is_dir()


class Command(BaseCommand):
    help = (
        "Compile changed translations, migrate, create the cache table, then load the demo "
        "(used by `make run`); skips what has not changed since the last run."
    )
    # Checked in handle(): not again when nothing changed since the last successful run
    # (the stamp covers the code, the requirements and the settings module).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload-demo", action="store_true", help="Load the demo even if its stamp matches."
        )
        parser.add_argument("--skip-checks", action="store_true", help="Skip system checks.")

    def handle(self, *args, **options):
        # One Django start-up instead of three keeps a second `make run` fast.
        if stale_catalogues():
            call_command("compilemessages", ignore_patterns=[".venv", "var"], verbosity=0)
        pending = pending_migrations()
        # A fresh database has no migration history to stamp yet: stamped after `migrate`.
        stamp = None if pending else demo_stamp()
        unchanged = not pending and not options["reload_demo"] and stamp_matches(stamp)
        if not unchanged and not options.get("skip_checks"):
            self.check()
        if pending:
            call_command("migrate", interactive=False, verbosity=0)
            stamp = demo_stamp()  # the migration history is part of it
        # The database cache's table (production settings without CACHE_URL); `migrate` creates
        # it too, this makes it explicit. Nothing to do with a memory or Redis cache.
        call_command("createcachetable", verbosity=0)
        if unchanged:
            self.stdout.write(
                "Démo inchangée depuis le dernier chargement (var/demo-stamp-*.json) : "
                "rien à recharger (--reload-demo pour forcer)."
            )
            return
        stamp_path().unlink(missing_ok=True)  # a load that fails half-way leaves no stamp
        call_command("load_demo", stdout=self.stdout)
        stamp_path().write_text(json.dumps({"inputs": stamp}))
