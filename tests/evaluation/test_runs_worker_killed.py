"""A worker killed in the middle of a run: the run ends succeeded or failed, never running."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings

from livinglab.evaluation.models import EvaluationRun
from livinglab.evaluation.runs import dispatch, services
from tests.builders import simulate_campaign
from tests.conftest import start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SLOW = {dispatch.STEP_DELAY_ENV: "0.7"}


def wait_for(run_id: int, condition, timeout: float = 120) -> EvaluationRun:
    deadline = time.monotonic() + timeout
    while True:
        run = EvaluationRun.objects.get(pk=run_id)
        if condition(run):
            return run
        assert time.monotonic() < deadline, f"run {run_id}: {run.status} {run.step}"
        time.sleep(0.2)


def running_with_pid(run: EvaluationRun) -> bool:
    return run.status == "running" and run.percent >= 5 and bool(run.artifacts.get("_worker"))


def own_worker(name: str, queue: str):
    return start_worker(
        queue=queue,
        log_path=Path(settings.VAR_DIR) / f"test-worker-{name}.log",
        hostname=f"{name}-{os.getpid()}@%h",
        extra_env=SLOW,
    )


def test_killed_pool_process_is_redelivered_and_the_run_succeeds(django_db_blocker):
    campaign = simulate_campaign(slug="killed-child", n_per_group=25, subgroups=())
    queue = f"kill-child-{os.getpid()}"
    worker = own_worker("kill-child", queue)
    try:
        run = services.evaluation_run_start(campaign=campaign, enqueue=False)
        assert dispatch.evaluation_run_enqueue(run_id=run.pk, queue=queue)
        run = wait_for(run.pk, running_with_pid)
        os.kill(run.artifacts["_worker"]["pid"], signal.SIGKILL)
        run = wait_for(run.pk, lambda r: r.status in ("succeeded", "failed"))
    finally:
        stop_worker(worker)
    assert run.status == "succeeded", run.error
    assert run.attempts == 2  # the acknowledged-late message came back to a new pool process


def test_whole_worker_killed_then_a_new_worker_recovers_the_run():
    campaign = simulate_campaign(slug="killed-worker", n_per_group=25, subgroups=())
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    first = own_worker("doomed", f"doomed-{os.getpid()}")
    try:
        run = services.evaluation_run_start(campaign=campaign, enqueue=False)
        dispatch.evaluation_run_enqueue(run_id=run.pk, queue=first.queue)
        run = wait_for(run.pk, running_with_pid)
        first.kill()  # the master first, so that it cannot redeliver: its message is lost
        first.wait(timeout=20)
        pid = run.artifacts["_worker"]["pid"]
        os.kill(pid, signal.SIGKILL)
        # SIGKILL is asynchronous: wait until the kernel has really ended the process.
        deadline = time.monotonic() + 20
        while dispatch.process_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop_worker(first)
    # Nothing runs it any more; the recovery (also run when a worker starts) re-queues it.
    result = dispatch.evaluation_runs_recover()
    state = EvaluationRun.objects.filter(pk=run.pk).values("status", "step", "artifacts").first()
    assert result["requeued"] == 1, state
    assert EvaluationRun.objects.get(pk=run.pk).status == "queued"
    second = own_worker("rescuer", queue)
    try:
        run = wait_for(run.pk, lambda r: r.status in ("succeeded", "failed"))
    finally:
        stop_worker(second)
    assert run.status == "succeeded", run.error
    assert run.attempts == 2
