"""Publication and withdrawal of a run change what is pooled: recompute after the commit."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

from livinglab.evaluation.runs import signals

logger = logging.getLogger(__name__)


def measured_indicators(run) -> list[str]:
    return [outcome["indicator"] for outcome in (run.result or {}).get("outcomes", [])]


def recompute_after_commit(sender, run, **kwargs) -> None:
    """Queue the recomputation of the run's indicators once its transaction commits."""
    from livinglab.evaluation.pooled.tasks import pooled_evidence_task

    codes = measured_indicators(run)
    if codes:
        # robust: a broker outage must not undo nor fail the publication that committed; the
        # figures catch up at the next publication or with `compute_pooled_evidence`.
        transaction.on_commit(partial(pooled_evidence_task.delay, codes), robust=True)


def connect_receivers() -> None:
    signals.results_published.connect(recompute_after_commit, dispatch_uid="pooled_on_publish")
    signals.results_withdrawn.connect(recompute_after_commit, dispatch_uid="pooled_on_withdraw")
