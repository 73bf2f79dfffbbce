"""The demo, loaded once per test session, then restored from a snapshot of its rows and files.

`load_demo` takes about a minute on CI's 2 cores (most of it matplotlib drawing the runs' charts),
and a dozen modules and every browser test want the whole demo. The first of them in a session
runs the real command; the rows of every table and the files it wrote (media and private storage)
are then kept, and the next ones get them back in a second or two: the same rows, ids included,
the same files. Tests of the command itself (`tests/core/test_demo.py`, ...) still run it.

Rows are copied table by table in the caller's transaction (rolled back after a module, committed
for a browser test): `executemany` on SQLite, `COPY` on PostgreSQL. Foreign keys are deferred on
both (Django creates them so), so the order of the tables does not matter. SQLite's full-text
table is filled by Wagtail's triggers from the index entries, so it is emptied, not copied.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

NOT_COPIED = {"django_migrations"}  # written by `migrate` only; the same in every state


def files_in(media: Path, private: Path) -> override_settings:
    """Settings putting public media under `media` and the private storage under `private`."""
    private_storage = {**settings.STORAGES["private"], "OPTIONS": {"location": private}}
    return override_settings(
        MEDIA_ROOT=media, STORAGES={**settings.STORAGES, "private": private_storage}
    )


@dataclass
class DemoSnapshot:
    """Lazily taken on the first `load`; `folder` keeps the demo's files of that load."""

    folder: Path
    tables: list[tuple[str, list[str], object]] = field(default_factory=list)
    emptied: list[str] = field(default_factory=list)  # full-text tables, refilled by triggers
    taken: bool = False

    def load(self, *, media: Path, private: Path) -> None:
        """The demo in the current transaction, its files under `media` and `private`."""
        if not self.taken:
            with files_in(media, private):
                call_command("load_demo", force=True, stdout=io.StringIO())
            self._take(media, private)
        else:
            self._restore(media, private)
        ContentType.objects.clear_cache()  # ids of the snapshot, whatever was cached before

    def _take(self, media: Path, private: Path) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                self.tables = [(table, [], _copy_out(cursor, table)) for table in _pg_tables()]
            else:
                plain, self.emptied = _sqlite_tables(cursor)
                for table in [*plain, "sqlite_sequence"]:
                    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - schema's names
                    columns = [column[0] for column in cursor.description]
                    self.tables.append((table, columns, cursor.fetchall()))
        for name, source in (("media", media), ("private", private)):
            if source.exists():
                shutil.copytree(source, self.folder / name)
        self.taken = True

    def _restore(self, media: Path, private: Path) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for table in [*self.emptied, *(table for table, _columns, _rows in self.tables)]:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - schema's names
            for table, columns, rows in self.tables:
                if connection.vendor == "postgresql":
                    _copy_in(cursor, table, rows)
                elif rows:
                    names = ", ".join(quote(column) for column in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
                    cursor.executemany(insert, rows)
        for name, target in (("media", media), ("private", private)):
            if (self.folder / name).exists():
                shutil.copytree(self.folder / name, target, dirs_exist_ok=True)


def _sqlite_tables(cursor) -> tuple[list[str], list[str]]:
    """(plain tables, full-text virtual tables); the virtual tables' own storage is left out."""
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    rows = cursor.fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    plain = [
        name
        for name, _sql in rows
        if name not in virtual
        and name not in NOT_COPIED
        and not name.startswith("sqlite_")
        and not any(name.startswith(f"{table}_") for table in virtual)
    ]
    return plain, virtual


def _pg_tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return [name for name in names if name not in NOT_COPIED]


def _copy_out(cursor, table: str) -> bytes:
    buffer = io.BytesIO()
    with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
        for chunk in copy:
            buffer.write(chunk)
    return buffer.getvalue()


def _copy_in(cursor, table: str, data: bytes) -> None:
    if data:
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
            copy.write(data)
