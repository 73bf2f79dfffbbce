"""Import speed: our response import vs a raw bulk_create and vs django-import-export.

Ratios against baselines measured in the same run, on the same data (docs/benchmarks.md):
  * 100,000 participant-wave rows × 8 indicators from CSV, against a raw `bulk_create` of the
    same values (target: ratio ≤ 3);
  * a 5,000-row subset, against a default `ModelResource` import of the same values
    (target: speed-up ≥ 10×).
Run: `make bench` (or `.venv/bin/python bench/bench_import.py [--rows N]`).
"""

import argparse
import csv
import io
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["LIVINGLAB_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-import-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livinglab.settings.dev")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

INDICATORS = [
    "mvpa_minutes", "fruit_veg_portions", "sleep_hours", "screen_time_hours",
    "who5_wellbeing", "pss4_stress", "daily_smoking", "knowledge_score",
]  # fmt: skip


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

    Response.objects.all().delete()
    ResponseSet.objects.all().delete()


def time_ours(campaign, data: bytes) -> tuple[float, int]:
    from livinglab.evaluation.measurement.imports import responses_import

    start = time.perf_counter()
    report = responses_import(campaign=campaign, data=data, filename="bench.csv")
    return time.perf_counter() - start, report.values


def time_bulk_create(campaign, data: bytes) -> float:
    """The floor: the same values, already parsed and typed, written with one bulk_create."""
    from livinglab.evaluation.models import Indicator, Response, ResponseSet

    reader = csv.reader(io.StringIO(data.decode()))
    header = next(reader)
    participants = dict(campaign.participants.values_list("code", "pk"))
    waves = dict(campaign.waves.values_list("code", "pk"))
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    columns = [(index, indicators[code]) for index, code in enumerate(header) if code in indicators]
    rows = [
        (participants[row[0]], waves[row[1]], indicator, float(row[index]))
        for row in reader
        for index, indicator in columns
    ]
    start = time.perf_counter()
    with transaction.atomic():
        response_set = ResponseSet.objects.create(campaign=campaign, source="import")
        Response.objects.bulk_create(
            [
                Response(
                    response_set=response_set, participant_id=p, wave_id=w, indicator_id=i, value=v
                )  # fmt: skip
                for p, w, i, v in rows
            ],
            batch_size=5000,
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
    parser.add_argument("--subset", type=int, default=5_000, help="rows for import-export")
    args = parser.parse_args()
    campaign = setup(args.rows // 2)
    data = make_csv(args.rows // 2)
    ours, values = time_ours(campaign, data)
    clear()
    floor = time_bulk_create(campaign, data)
    clear()
    subset = make_csv(args.subset // 2)
    ours_subset, _values = time_ours(campaign, subset)
    clear()
    import_export = time_import_export(campaign, subset)
    clear()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, SQLite")  # fmt: skip
    size = len(data) / 1e6
    print(f"rows: {args.rows:,} × {len(INDICATORS)} indicators = {values:,} values ({size:.1f} MB)")
    print(f"our import (parse + validate + write): {ours:.2f} s = {args.rows / ours:,.0f} rows/s")
    print(f"raw bulk_create of the same values:    {floor:.2f} s")
    print(f"ratio ours / bulk_create: {ours / floor:.2f} (target ≤ 3)")
    speedup = import_export / ours_subset
    print(f"subset {args.subset:,} rows: ours {ours_subset:.2f} s, import-export ModelResource "
          f"{import_export:.2f} s → speed-up {speedup:.1f}× (target ≥ 10×)")  # fmt: skip


if __name__ == "__main__":
    main()
