"""Import speed: our response import ÷ the database's raw bulk load of the same values.

Ratios against a baseline measured in the same run, on the same data (docs/benchmarks.md):
  * SQLite (default): `responses_import` (parse, validate every cell, write in one
    transaction) of a generic wide CSV, ÷ one raw `executemany` INSERT of the same values,
    already parsed and typed, in one transaction (target ≤ 1.5);
  * PostgreSQL (DATABASE_URL=postgres://…): the same, ÷ a raw `COPY … FROM STDIN` (psycopg's
    `cursor.copy()`) of the same values (target ≤ 1.3). The bench works in its own throw-away
    database `<name>_bench_import` on that server, never in the one DATABASE_URL names.
Each repeat times ours and the raw load (alternating which goes first) and prints as it goes;
the summary gives min / median of the ratios.
Size: `--rows` participant-wave rows × 8 indicators (default 100,000 = 800,000 values).
Optionally `--subset N` compares N rows with a default django-import-export `ModelResource`.
Run: `make bench` (both databases), or `.venv/bin/python bench/bench_import.py [--rows N]`.
"""

import argparse
import csv
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["LIVINGLAB_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-import-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livinglab.settings.dev")

from throwaway import drop_postgres, throwaway_postgres  # noqa: E402

INDICATORS = [
    "mvpa_minutes", "fruit_veg_portions", "sleep_hours", "screen_time_hours",
    "who5_wellbeing", "pss4_stress", "daily_smoking", "knowledge_score",
]  # fmt: skip


def say(text: str) -> None:
    print(text, flush=True)


POSTGRES = throwaway_postgres("bench_import")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def setup(participants: int):
    from livinglab.campaigns.models import Campaign, Organisation, Participant
    from livinglab.evaluation.measurement.catalogue import catalogue_load
    from livinglab.evaluation.measurement.protocols import protocol_import

    call_command("migrate", verbosity=0)
    catalogue_load()
    lead = Organisation.objects.create(name="Bench", kind="association")
    campaign = Campaign.objects.create(slug="bench", title="Bench", lead_organisation=lead)
    protocol_import(
        definition={
            "campaign": {"slug": "bench"},
            "design": "pre_post",
            "waves": ["baseline", "post"],
            "outcomes": [{"indicator": c, "primary": i == 0} for i, c in enumerate(INDICATORS)],
        }
    )
    Participant.objects.bulk_create(
        [Participant(campaign=campaign, code=f"P{n:06d}") for n in range(participants)],
        batch_size=5000,
    )
    return campaign


def make_csv(participants: int, waves=("baseline", "post")) -> bytes:
    import numpy as np

    rng = np.random.default_rng(1)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["participant", "wave", *INDICATORS])
    for wave in waves:
        for n in range(participants):
            writer.writerow([
                f"P{n:06d}", wave, int(rng.integers(0, 120)), round(rng.uniform(0, 8), 1),
                round(rng.uniform(5, 9), 1), round(rng.uniform(0, 6), 1),
                int(rng.integers(0, 101)), int(rng.integers(0, 17)), int(rng.integers(0, 2)),
                int(rng.integers(0, 11)),
            ])  # fmt: skip
    return buffer.getvalue().encode()


def clear():
    from livinglab.evaluation.models import Response, ResponseSet

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'TRUNCATE "{Response._meta.db_table}"')
    else:
        Response.objects.all().delete()
    ResponseSet.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'VACUUM ANALYZE "{Response._meta.db_table}"')


def time_ours(campaign, data: bytes) -> tuple[float, int]:
    from livinglab.evaluation.measurement.imports import responses_import

    start = time.perf_counter()
    report = responses_import(campaign=campaign, data=data, filename="bench.csv")
    return time.perf_counter() - start, report.values


def typed_rows(campaign, data: bytes) -> list[tuple[int, int, int, float]]:
    """The same values as the import writes, already parsed and typed (outside the timing)."""
    from livinglab.evaluation.models import Indicator

    reader = csv.reader(io.StringIO(data.decode()))
    header = next(reader)
    participants = dict(campaign.participants.values_list("code", "pk"))
    waves = dict(campaign.waves.values_list("code", "pk"))
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    columns = [(index, indicators[code]) for index, code in enumerate(header) if code in indicators]
    return [
        (participants[row[0]], waves[row[1]], indicator, float(row[index]))
        for row in reader
        for index, indicator in columns
    ]


def time_raw(campaign, rows) -> float:
    """The floor: the database's own bulk load of the same rows, in one transaction."""
    from livinglab.evaluation.models import Response, ResponseSet

    table = Response._meta.db_table
    columns = "response_set_id, participant_id, wave_id, indicator_id, value"
    start = time.perf_counter()
    with transaction.atomic():
        set_id = ResponseSet.objects.create(campaign=campaign, source="import").pk
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                    for p, w, i, v in rows:
                        copy.write_row((set_id, p, w, i, v))
            else:
                cursor.executemany(
                    f'INSERT INTO "{table}" ({columns}) VALUES (%s, %s, %s, %s, %s)',  # noqa: S608
                    [(set_id, p, w, i, v) for p, w, i, v in rows],
                )
    return time.perf_counter() - start


def time_import_export(campaign, data: bytes) -> float:
    """A default django-import-export ModelResource (foreign keys by natural code)."""
    import tablib
    from import_export import fields, resources, widgets

    from livinglab.campaigns.models import Participant
    from livinglab.evaluation.models import Indicator, Response, ResponseSet, Wave

    response_set = ResponseSet.objects.create(campaign=campaign, source="import")

    class ResponseResource(resources.ModelResource):
        participant = fields.Field(
            "participant", "participant", widgets.ForeignKeyWidget(Participant, "code")
        )
        wave = fields.Field("wave", "wave", widgets.ForeignKeyWidget(Wave, "code"))
        indicator = fields.Field(
            "indicator", "indicator", widgets.ForeignKeyWidget(Indicator, "code")
        )

        class Meta:
            model = Response
            fields = ("participant", "wave", "indicator", "value", "response_set")
            import_id_fields = ("participant", "wave", "indicator")

        def before_import_row(self, row, **kwargs):
            row["response_set"] = response_set.pk

    reader = csv.reader(io.StringIO(data.decode()))
    header = next(reader)
    dataset = tablib.Dataset(headers=["participant", "wave", "indicator", "value"])
    for row in reader:
        for index, code in enumerate(header[2:], start=2):
            dataset.append([row[0], row[1], code, row[index]])
    start = time.perf_counter()
    result = ResponseResource().import_data(dataset, raise_errors=True)
    assert not result.has_errors()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="participant-wave rows")
    parser.add_argument("--repeat", type=int, default=3, help="repeats (min / median)")
    parser.add_argument("--subset", type=int, default=0, help="rows for import-export (0: skip)")
    args = parser.parse_args()
    database = "PostgreSQL (COPY)" if connection.vendor == "postgresql" else "SQLite (executemany)"
    raw_name = "COPY" if connection.vendor == "postgresql" else "executemany"
    target = 1.3 if connection.vendor == "postgresql" else 1.5
    say(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {database}")  # fmt: skip
    campaign = setup(args.rows // 2)
    data = make_csv(args.rows // 2)
    rows = typed_rows(campaign, data)
    say(f"rows: {args.rows:,} × {len(INDICATORS)} indicators = {len(rows):,} values "
        f"({len(data) / 1e6:.1f} MB)")  # fmt: skip
    ratios, ours_times, raw_times = [], [], []
    for repeat in range(args.repeat):
        if repeat % 2 == 0:
            ours, values = time_ours(campaign, data)
            clear()
            raw = time_raw(campaign, rows)
            clear()
        else:
            raw = time_raw(campaign, rows)
            clear()
            ours, values = time_ours(campaign, data)
            clear()
        assert values == len(rows), (values, len(rows))
        ratios.append(ours / raw)
        ours_times.append(ours)
        raw_times.append(raw)
        say(f"  repeat {repeat + 1}: ours {ours:.2f} s ({args.rows / ours:,.0f} rows/s), "
            f"raw {raw_name} {raw:.2f} s → ratio {ours / raw:.2f}")  # fmt: skip
    say(f"response import {args.rows:,} × {len(INDICATORS)} ÷ raw {raw_name}: "
        f"min {min(ratios):.2f} / median {statistics.median(ratios):.2f} "
        f"(ours median {statistics.median(ours_times):.2f} s, raw median "
        f"{statistics.median(raw_times):.2f} s; target ≤ {target})")  # fmt: skip
    if args.subset:
        subset = make_csv(args.subset // 2)
        ours_subset, _values = time_ours(campaign, subset)
        clear()
        import_export = time_import_export(campaign, subset)
        clear()
        say(f"subset {args.subset:,} rows: ours {ours_subset:.2f} s, import-export ModelResource "
            f"{import_export:.2f} s → speed-up {import_export / ours_subset:.1f}×")  # fmt: skip


if __name__ == "__main__":
    try:
        main()
    finally:
        if POSTGRES is not None:
            drop_postgres(*POSTGRES)
