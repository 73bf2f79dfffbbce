"""What the runs do when measurement commits a change of a campaign's data (issue #15).

A response import asks a worker, right after its commit, to write the dataset's columnar
snapshot for the new data version (`dataset.snapshot_refresh`), so that the first run after
an import reads it instead of the database. Other changes (a withdrawal, the retention purge,
an online submission, a merge) ask for it only when the campaign already has a snapshot (it
is large), after `SNAPSHOT_SETTLE_SECONDS`: the task does nothing when a later change has
superseded its version, so a burst of submissions writes one snapshot, not one per answer.
"""

from __future__ import annotations

import logging

from livinglab.evaluation.measurement.dataversion import data_committed, data_version

logger = logging.getLogger(__name__)

SNAPSHOT_SETTLE_SECONDS = 30


def _data_committed(sender, campaign_ids=(), bulk=False, **kwargs) -> None:
    from livinglab.evaluation.runs.dataset import has_snapshot
    from livinglab.evaluation.runs.tasks import dataset_snapshot_task

    for campaign_id in campaign_ids:
        if not bulk and not has_snapshot(campaign_id):
            continue  # small campaign: its runs read the database quickly enough
        try:
            dataset_snapshot_task.apply_async(
                args=[campaign_id, data_version(campaign_id)],
                countdown=0 if bulk else SNAPSHOT_SETTLE_SECONDS,
                retry=False,
            )
        except Exception:  # noqa: BLE001 - broker down: the first run reads the database
            logger.warning("dataset snapshot of campaign %s not requested", campaign_id,
                           exc_info=True)  # fmt: skip


def connect_receivers() -> None:
    """Called from the evaluation app's `ready()`."""
    data_committed.connect(_data_committed, dispatch_uid="runs-dataset-snapshot")
