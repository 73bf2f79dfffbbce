"""The embedded defaults really run background jobs in a separate worker process."""

import os

import pytest

from livinglab.celery import ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_process_runs_a_task(celery_worker_process):
    result = ping.delay(21).get(timeout=60)
    assert result["pong"] == 42
    # Not eager mode: the task ran in another process (the worker's child).
    assert result["pid"] != os.getpid()
    assert celery_worker_process.poll() is None
