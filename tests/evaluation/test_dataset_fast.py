"""The dataset's columnar snapshot (issue #15): same data as the database, never stale.

A large load is stored under VAR_DIR/snapshots, keyed by the campaign's data version; the next
load of the same data reads no response from the database. Every write that bumps the data
version (here a withdrawal through the privacy service, a response import) makes the next load
read the database again.
"""

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from livinglab.campaigns.privacy import participant_withdraw
from livinglab.evaluation.measurement.imports import responses_import
from livinglab.evaluation.measurement.models import Response
from livinglab.evaluation.measurement.protocols import current_protocol
from livinglab.evaluation.runs import dataset as dataset_module
from livinglab.evaluation.runs.dataset import load_dataset
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db

RESPONSES_TABLE = Response._meta.db_table


@pytest.fixture
def snapshots(settings, tmp_path, monkeypatch):
    """Snapshots in a temporary folder, written for every size of dataset."""
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(dataset_module, "SNAPSHOT_MIN_ROWS", 1)
    return tmp_path / "snapshots"


def _reads_responses(queries) -> bool:
    return any(RESPONSES_TABLE in query["sql"] for query in queries.captured_queries)


def _same(first, second) -> None:
    assert first.data_hash() == second.data_hash()
    assert first.withdrawn == second.withdrawn
    pd.testing.assert_frame_equal(first.participants, second.participants)
    for one, other in zip(first.outcomes, second.outcomes, strict=True):
        assert one.indicator == other.indicator and one.label == other.label
        pd.testing.assert_frame_equal(one.values, other.values)
    assert first.answered.keys() == second.answered.keys()
    for code in first.answered:
        assert first.answered[code].equals(second.answered[code])


def test_second_load_reads_the_snapshot_and_gives_the_same_dataset(snapshots):
    campaign = simulate_campaign(
        slug="fast-same", outcomes=(("a", "continuous"), ("b", "binary")), n_per_group=15
    )
    protocol = current_protocol(campaign)
    with CaptureQueriesContext(connection) as cold_queries:
        cold = load_dataset(protocol=protocol)
    assert _reads_responses(cold_queries)
    assert len(list(snapshots.glob("campaign-*.pickle"))) == 1
    with CaptureQueriesContext(connection) as warm_queries:
        warm = load_dataset(protocol=protocol)
    assert not _reads_responses(warm_queries), warm_queries.captured_queries
    _same(cold, warm)


def test_small_datasets_write_no_snapshot(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    campaign = simulate_campaign(slug="fast-small", n_per_group=12)
    load_dataset(protocol=current_protocol(campaign))
    assert not (tmp_path / "snapshots").exists()


def test_a_withdrawal_makes_the_next_load_read_the_database(snapshots):
    campaign = simulate_campaign(slug="fast-withdraw", n_per_group=12)
    protocol = current_protocol(campaign)
    first = load_dataset(protocol=protocol)
    person = campaign.participants.filter(pk__in=list(first.outcomes[0].values.index)).first()
    participant_withdraw(participant=person)
    with CaptureQueriesContext(connection) as queries:
        second = load_dataset(protocol=protocol)
    assert _reads_responses(queries)
    assert second.withdrawn == first.withdrawn + 1
    assert person.pk not in second.participants.index
    assert second.data_hash() != first.data_hash()
    # Only the newest snapshot of the campaign is kept.
    assert len(list(snapshots.glob(f"campaign-{campaign.pk}-*.pickle"))) == 1


def test_an_import_makes_the_next_load_read_the_database(snapshots):
    campaign = simulate_campaign(slug="fast-import", n_per_group=12, missing=0.3)
    protocol = current_protocol(campaign)
    indicator = protocol.outcomes.get(primary=True).indicator.code
    first = load_dataset(protocol=protocol)
    taken = set(
        Response.objects.filter(
            participant__campaign=campaign, wave__code="post", indicator__code=indicator
        ).values_list("participant__code", flat=True)
    )
    missing = [
        code
        for code in campaign.participants.order_by("code").values_list("code", flat=True)
        if code not in taken
    ]
    assert missing, "the builder leaves some post values missing"
    content = f"participant,wave,{indicator}\n" + "".join(f"{code},post,3.0\n" for code in missing)
    responses_import(campaign=campaign, data=content.encode(), filename="post.csv")
    second = load_dataset(protocol=protocol)
    assert second.outcomes[0].values["post"].notna().sum() > (
        first.outcomes[0].values["post"].notna().sum()
    )


def test_an_unreadable_snapshot_falls_back_to_the_database(snapshots):
    campaign = simulate_campaign(slug="fast-corrupt", n_per_group=12)
    protocol = current_protocol(campaign)
    first = load_dataset(protocol=protocol)
    (path,) = snapshots.glob("campaign-*.pickle")
    path.write_bytes(b"not a pickle")
    with CaptureQueriesContext(connection) as queries:
        second = load_dataset(protocol=protocol)
    assert _reads_responses(queries)
    _same(first, second)
