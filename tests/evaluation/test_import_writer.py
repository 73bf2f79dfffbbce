"""The import writer (issue #15): COPY on PostgreSQL, one executemany elsewhere, same errors.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points at it (stage 2 of .ci/run).
"""

from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from livinglab.campaigns.models import Participant
from livinglab.evaluation.measurement.dataversion import data_version
from livinglab.evaluation.measurement.imports import responses_import, writer
from livinglab.evaluation.models import Indicator, Response, ResponseSet

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
pytestmark = pytest.mark.django_db
TABLE = Response._meta.db_table


def stored():
    return sorted(
        Response.objects.values_list("participant__code", "wave__code", "indicator__code", "value")
    )


def test_the_import_writes_exactly_the_validated_values(campaign):
    report = responses_import(
        campaign=campaign,
        data=(DATA / "generic.csv").read_bytes(),
        filename="generic.csv",
        create_participants=True,
    )
    assert report.values == 17 and report.new_participants == 3
    rows = stored()
    assert len(rows) == 17
    assert ("P001", "baseline", "mvpa_minutes", 35.0) in rows
    assert ("P003", "baseline", "mvpa_minutes", 41.5) in rows
    assert ("P002", "post", "pss4_stress", 10.0) in rows
    # The empty cell stays missing, and every row belongs to the import's response set.
    assert ("P002", "post", "mvpa_minutes") not in {row[:3] for row in rows}
    assert set(Response.objects.values_list("response_set_id", flat=True)) == {
        report.response_set_id
    }


def test_responses_go_in_one_bulk_statement_without_model_instances(campaign, monkeypatch):
    built = []
    original_init = Response.__init__

    def counting_init(self, *args, **kwargs):
        built.append(1)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(Response, "__init__", counting_init)
    with CaptureQueriesContext(connection) as queries:
        responses_import(
            campaign=campaign,
            data=(DATA / "generic.csv").read_bytes(),
            filename="generic.csv",
            create_participants=True,
        )
    assert not built
    inserts = [q["sql"] for q in queries.captured_queries if f'INSERT INTO "{TABLE}"' in q["sql"]]
    if connection.vendor == "postgresql":
        assert inserts == []  # COPY, outside Django's query log
    else:
        assert len(inserts) == 1 and inserts[0].startswith("17 times"), inserts
    assert Response.objects.count() == 17


def test_a_conflict_at_write_time_rolls_everything_back(campaign, monkeypatch):
    """Another import committing the same participant × wave between validation and writing:
    the database's unique constraint refuses it, as it did with bulk_create, and nothing of
    this import remains (its response set, its new participants, its data version bump)."""
    real_insert = writer.responses_insert

    def racing_insert(rows):
        rows = list(rows)
        set_id, participant_id, wave_id, indicator_id, _value = rows[0]
        other = ResponseSet.objects.create(campaign=campaign, source="import")
        Response.objects.create(response_set=other, participant_id=participant_id,
                                wave_id=wave_id, indicator_id=indicator_id, value=0.0)  # fmt: skip
        real_insert(rows)

    monkeypatch.setattr(writer, "responses_insert", racing_insert)
    before = data_version(campaign.pk)
    with pytest.raises(IntegrityError):
        responses_import(
            campaign=campaign,
            data=(DATA / "generic.csv").read_bytes(),
            filename="generic.csv",
            create_participants=True,
        )
    assert Response.objects.count() == 0
    assert ResponseSet.objects.count() == 0
    assert not Participant.objects.filter(campaign=campaign).exists()
    assert data_version(campaign.pk) == before


def test_the_writer_refuses_a_duplicate_like_bulk_create(campaign):
    indicator = Indicator.objects.get(code="mvpa_minutes")
    wave = campaign.waves.get(code="baseline")
    person = Participant.objects.create(campaign=campaign, code="P900")
    response_set = ResponseSet.objects.create(campaign=campaign, source="import")
    row = (response_set.pk, person.pk, wave.pk, indicator.pk, 1.0)
    with pytest.raises(IntegrityError), transaction.atomic():
        writer.responses_insert([row, row])
    assert Response.objects.count() == 0
    with transaction.atomic():
        writer.responses_insert(iter([row]))  # any iterable
    assert Response.objects.get().value == 1.0


@pytest.mark.parametrize(
    ("raw", "scale", "expected"),
    [
        ("12", "continuous", 12.0),
        ("12,5", "continuous", 12.5),  # French decimal comma
        ("1\u202f200", "continuous", 1200.0),  # narrow no-break space between thousands
        ("1e2", "continuous", 100.0),
        ("", "continuous", None),
        ("NA", "continuous", None),
        ("oui", "binary", 1.0),
        ("1", "binary", 1.0),
        ("2", "binary", "valeur binaire"),
        ("nan", "continuous", "n'est pas un nombre"),
        ("inf", "continuous", "n'est pas un nombre"),
        ("douze", "continuous", "n'est pas un nombre"),
        ("2.5", "ordinal", "valeur entière"),
    ],
)
def test_cells_parse_as_before_the_fast_path(raw, scale, expected):
    """Plain numbers now go through one float() first: every kind of cell keeps its result."""
    from livinglab.evaluation.measurement.imports import parse_value

    indicator = Indicator(code="x", label="x", scale=scale)
    value, reason = parse_value(raw, indicator)
    if isinstance(expected, str):
        assert value is None and reason.startswith(expected), (value, reason)
    else:
        assert (value, reason) == (expected, None)
