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


# --- Snapshot written at import (issue #15): the first run after an import reads the file.


@pytest.fixture
def eager_celery():
    """Tasks run in this process when sent (the real task code, no broker)."""
    from livinglab.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def _post_import(campaign, indicator, value):
    """CSV of `value` at post for every participant still missing it."""
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
    half = missing[: max(1, len(missing) // 2)]
    return f"participant,wave,{indicator}\n" + "".join(f"{code},post,{value}\n" for code in half)


def test_an_import_writes_the_snapshot_of_the_new_data_version(
    snapshots, eager_celery, django_capture_on_commit_callbacks
):
    from livinglab.evaluation.measurement.dataversion import data_version

    campaign = simulate_campaign(slug="fast-at-import", n_per_group=12, missing=0.4)
    protocol = current_protocol(campaign)
    indicator = protocol.outcomes.get(primary=True).indicator.code
    assert not snapshots.exists() or not list(snapshots.glob("campaign-*.pickle"))
    before = data_version(campaign.pk)
    with django_capture_on_commit_callbacks(execute=True):
        responses_import(
            campaign=campaign, data=_post_import(campaign, indicator, 3.0).encode(),
            filename="post.csv",
        )  # fmt: skip
    assert data_version(campaign.pk) == before + 1
    (path,) = snapshots.glob(f"campaign-{campaign.pk}-*.pickle")
    assert path == dataset_module._snapshot_path(campaign.pk)  # keyed on the current version
    # The first load after the import reads the snapshot, and it holds the imported values.
    with CaptureQueriesContext(connection) as queries:
        first = load_dataset(protocol=protocol)
    assert not _reads_responses(queries), queries.captured_queries
    path.unlink()
    _same(first, load_dataset(protocol=protocol))  # the database gives the same dataset

    # A further import: its own snapshot replaces the old one, which is never read again.
    with django_capture_on_commit_callbacks(execute=True):
        responses_import(
            campaign=campaign, data=_post_import(campaign, indicator, 4.0).encode(),
            filename="post2.csv",
        )  # fmt: skip
    (newer,) = snapshots.glob(f"campaign-{campaign.pk}-*.pickle")
    assert newer == dataset_module._snapshot_path(campaign.pk)
    with CaptureQueriesContext(connection) as queries:
        second = load_dataset(protocol=protocol)
    assert not _reads_responses(queries)
    assert (second.outcomes[0].values["post"] == 4.0).sum() > 0
    assert second.data_hash() != first.data_hash()


def test_a_stale_snapshot_is_not_read_after_a_further_import(snapshots):
    """Without the task (its commit callbacks never run here), the old file is ignored."""
    campaign = simulate_campaign(slug="fast-stale", n_per_group=12, missing=0.4)
    protocol = current_protocol(campaign)
    indicator = protocol.outcomes.get(primary=True).indicator.code
    first = load_dataset(protocol=protocol)
    (stale,) = snapshots.glob(f"campaign-{campaign.pk}-*.pickle")
    responses_import(
        campaign=campaign, data=_post_import(campaign, indicator, 4.0).encode(),
        filename="post.csv",
    )  # fmt: skip
    assert stale.exists() and stale != dataset_module._snapshot_path(campaign.pk)
    with CaptureQueriesContext(connection) as queries:
        second = load_dataset(protocol=protocol)
    assert _reads_responses(queries)
    assert (second.outcomes[0].values["post"] == 4.0).sum() > 0
    assert second.data_hash() != first.data_hash()


def test_a_superseded_version_writes_nothing(snapshots):
    from livinglab.evaluation.measurement.dataversion import data_changed, data_version

    campaign = simulate_campaign(slug="fast-superseded", n_per_group=12)
    version = data_version(campaign.pk)
    data_changed(campaign.pk)
    assert not dataset_module.snapshot_refresh(campaign_id=campaign.pk, version=version)
    assert not dataset_module.has_snapshot(campaign.pk)
    assert dataset_module.snapshot_refresh(campaign_id=campaign.pk, version=version + 1)
    assert dataset_module.has_snapshot(campaign.pk)


def test_a_withdrawal_refreshes_an_existing_snapshot_but_small_campaigns_get_no_task(
    snapshots, eager_celery, django_capture_on_commit_callbacks
):
    campaign = simulate_campaign(slug="fast-withdraw-task", n_per_group=12)
    protocol = current_protocol(campaign)
    people = list(campaign.participants.order_by("pk")[:2])
    # No snapshot yet: a withdrawal (not an import) asks for none.
    with django_capture_on_commit_callbacks(execute=True):
        participant_withdraw(participant=people[0])
    assert not dataset_module.has_snapshot(campaign.pk)
    load_dataset(protocol=protocol)  # a run's load writes one (threshold lowered here)
    assert dataset_module.has_snapshot(campaign.pk)
    # Now the campaign is known large: the next withdrawal's commit rewrites it.
    with django_capture_on_commit_callbacks(execute=True):
        participant_withdraw(participant=people[1])
    (path,) = snapshots.glob(f"campaign-{campaign.pk}-*.pickle")
    assert path == dataset_module._snapshot_path(campaign.pk)
    with CaptureQueriesContext(connection) as queries:
        dataset = load_dataset(protocol=protocol)
    assert not _reads_responses(queries)
    assert people[1].pk not in dataset.participants.index


# --- One reader of a campaign's responses at a time (issue #15): a run that starts while the
# snapshot task is reading the database waits for its file instead of loading the rows twice.


def test_a_load_waits_for_the_snapshot_being_written_and_reads_it(snapshots):
    import threading
    import time

    campaign = simulate_campaign(slug="fast-wait", n_per_group=12)
    protocol = current_protocol(campaign)
    expected = load_dataset(protocol=protocol)
    (path,) = snapshots.glob(f"campaign-{campaign.pk}-*.pickle")
    written = path.read_bytes()  # what the snapshot task will write
    path.unlink()
    holding, finished = threading.Event(), []

    def snapshot_task():  # holds the campaign's lock while "reading", then writes the file
        with dataset_module.campaign_lock(campaign.pk) as held:
            holding.set()
            time.sleep(0.4)
            path.write_bytes(written)
            finished.append((held, time.monotonic()))

    task = threading.Thread(target=snapshot_task)
    task.start()
    try:
        assert holding.wait(5)
        with CaptureQueriesContext(connection) as queries:
            observed = load_dataset(protocol=protocol)
        loaded_at = time.monotonic()
    finally:
        task.join()
    ((held, written_at),) = finished
    assert held and loaded_at >= written_at  # it waited for the task…
    assert not _reads_responses(queries), queries.captured_queries  # …and read its file
    _same(expected, observed)


def test_a_lock_held_too_long_does_not_stop_a_load(snapshots, monkeypatch, caplog):
    campaign = simulate_campaign(slug="fast-stuck", n_per_group=12)
    protocol = current_protocol(campaign)
    monkeypatch.setattr(dataset_module, "LOCK_WAIT_SECONDS", 0.2)
    with dataset_module.campaign_lock(campaign.pk):  # a stuck holder (another descriptor)
        with CaptureQueriesContext(connection) as queries:
            observed = load_dataset(protocol=protocol)
    assert _reads_responses(queries)
    assert "lock still held" in caplog.text
    (path,) = snapshots.glob(f"campaign-{campaign.pk}-*.pickle")
    path.unlink()
    _same(load_dataset(protocol=protocol), observed)


def test_response_rows_are_the_database_rows_exactly(snapshots):
    """PostgreSQL packs each outcome's rows in one bytea: the same rows, bit for bit, as the
    DB-API's tuples (SQLite reads those tuples)."""
    import numpy as np

    campaign = simulate_campaign(
        slug="fast-packed", outcomes=(("a", "continuous"), ("b", "binary")), n_per_group=15,
        missing=0.3,
    )  # fmt: skip
    for indicator_id in current_protocol(campaign).outcomes.values_list("indicator_id", flat=True):
        query = (
            Response.objects.filter(indicator_id=indicator_id, wave__campaign=campaign)
            .order_by()
            .values_list("participant_id", "wave_id", "value")
        )
        with CaptureQueriesContext(connection) as queries:
            packed = dataset_module.response_rows(query)
        assert ("float8send" in queries.captured_queries[-1]["sql"]) == (
            connection.vendor == "postgresql"
        )
        tuples = sorted(query)
        assert len(tuples) > 0
        assert sorted(packed.tolist()) == tuples  # same ids, same float bits
        assert packed.dtype == np.dtype(
            [("participant", np.int64), ("wave", np.int64), ("value", float)]
        )
        # Above the bytea's capacity the DB-API path reads the same rows.
        fallback = dataset_module.response_rows(query, most=dataset_module.PACKED_MAX_ROWS + 1)
        assert sorted(fallback.tolist()) == tuples
    empty = dataset_module.response_rows(query.filter(pk__lt=0))
    assert len(empty) == 0
