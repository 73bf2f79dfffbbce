"""The broker is down when a user starts a run: the run waits, then starts by itself.

Each test brings its own `redis-server` (a subprocess on a free port), points this process's
Celery app and a real worker at it, stops it, starts a run from the real admin view, starts it
again and waits: nothing but the path built for it (beat's periodic recovery, or the progress
endpoint the user's open page polls) may send the run. No mock: real Redis, real worker.
"""

import html
import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import pytest
from django.conf import settings

from livinglab.celery import BROKER_FAIL_FAST, RECOVER_EVERY_ENV
from livinglab.celery import app as celery_app
from livinglab.evaluation.models import EvaluationRun
from livinglab.evaluation.runs import dispatch
from tests.builders import simulate_campaign
from tests.conftest import start_worker, stop_worker
from tests.evaluation.test_runs_views import member

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary"),
]

Status = EvaluationRun.Status


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away `redis-server` (no persistence) that can be stopped and started again."""

    def __init__(self, port: int, log_path: Path):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 15
        while not self._answers():
            assert self.process.poll() is None, f"redis-server exited, see {self.log_path}"
            assert time.monotonic() < deadline, f"redis-server not answering: {self.log_path}"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        assert not self._answers()

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def _drop_connections() -> None:
    """Close this process's broker connections; the next send opens new ones from the config.

    Celery's app caches its pools, and kombu keeps them in global registries keyed by broker:
    both must forget them, or a later send acquires from a closed pool.
    """
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str, monkeypatch):
    """Send this process's tasks to `url`, then restore the session's broker.

    Only the broker: the tasks used here ignore results, and a result backend on a Redis that
    goes away would retry for ~20 s whenever a forgotten AsyncResult is garbage collected.
    """
    keys = ("broker_url", "broker_transport_options")
    saved = {key: celery_app.conf[key] for key in keys}
    _drop_connections()
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its configuration
    celery_app.conf.update(
        broker_url=url, broker_transport_options={**BROKER_FAIL_FAST, "visibility_timeout": 3600}
    )
    try:
        yield
    finally:
        _drop_connections()
        celery_app.conf.update(saved)
        monkeypatch.undo()


@pytest.fixture
def redis_server(tmp_path, monkeypatch):
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    try:
        with celery_broker(server.url, monkeypatch):
            assert celery_app.connection_for_write().as_uri().endswith(f":{server.port}/0")
            yield server
    finally:
        server.stop()


def worker_answers() -> bool:
    """A control ping through the broker (no result backend involved)."""
    return bool(celery_app.control.ping(timeout=1.0))


def worker_on(redis: RedisServer, name: str, *, beat_dir: Path | None = None):
    """A real worker on the test database and `redis`, optionally with embedded beat."""
    extra_env = {
        "CELERY_BROKER_URL": redis.url,
        "CELERY_RESULT_BACKEND": redis.url,
        RECOVER_EVERY_ENV: "1",  # beat's recovery every second instead of every minute
    }
    extra_args = ["-B", "--schedule", str(beat_dir / "beat-schedule")] if beat_dir else []
    return start_worker(
        queue=settings.CELERY_TASK_DEFAULT_QUEUE,  # this session's queue, on a private Redis
        log_path=Path(settings.VAR_DIR) / f"test-worker-{name}.log",
        hostname=f"{name}-{os.getpid()}@%h",
        extra_env=extra_env,
        extra_args=extra_args,
        ready=worker_answers,
    )


def start_from_admin(client, user, campaign) -> EvaluationRun:
    """Click "Lancer une évaluation" with the broker down: fast answer, clear message."""
    client.force_login(user)
    started = time.monotonic()
    response = client.post(f"/admin/evaluation-runs/campaign/{campaign.pk}/start/")
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    # Without ignore_result and the fail-fast options this took ~20 s (seconds of retries).
    assert elapsed < 10, f"the start request waited {elapsed:.1f} s on the dead broker"
    response = client.get(response.url)  # the page the user lands on shows the message
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "La file d'attente des calculs est injoignable" in page
    assert "démarrera automatiquement" in page and "inutile de la relancer" in page
    assert "lancée." not in page  # not the usual success message
    run = campaign.runs.get()
    assert run.status == Status.QUEUED and dispatch.dispatch_failed(run), run.step
    assert run.step.startswith("File d'attente injoignable")
    return run


def wait_until_finished(run_id: int, timeout: float, poll=None) -> EvaluationRun:
    deadline = time.monotonic() + timeout
    while True:
        if poll is not None:
            poll()
        run = EvaluationRun.objects.get(pk=run_id)
        if run.status in (Status.SUCCEEDED, Status.FAILED):
            return run
        assert time.monotonic() < deadline, f"run {run_id}: {run.status} — {run.step}"
        time.sleep(0.5)


def test_broker_back_then_beat_starts_the_queued_run(
    client, django_user_model, redis_server, tmp_path
):
    campaign = simulate_campaign(slug="broker-down-beat", n_per_group=25, subgroups=())
    manager = member(django_user_model, campaign, "manager", "manager")
    worker = worker_on(redis_server, "broker-beat", beat_dir=tmp_path)
    try:
        redis_server.stop()
        run = start_from_admin(client, manager, campaign)
        time.sleep(3)  # beat's ticks fail meanwhile, the worker keeps reconnecting
        assert EvaluationRun.objects.get(pk=run.pk).status == Status.QUEUED
        redis_server.start()  # same port, empty: the worker reconnects, beat ticks
        run = wait_until_finished(run.pk, timeout=60)  # nobody does anything but wait
    finally:
        stop_worker(worker)
    assert run.status == Status.SUCCEEDED, run.error
    assert run.attempts == 1
    assert EvaluationRun.objects.count() == 1 and campaign.runs.get().pk == run.pk
    assert "evaluation.recover" in worker.log_path.read_text()


def test_broker_back_then_the_open_progress_page_starts_the_queued_run(
    client, django_user_model, redis_server
):
    campaign = simulate_campaign(slug="broker-down-page", n_per_group=25, subgroups=())
    evaluator = member(django_user_model, campaign, "evaluator", "evaluator")
    worker = worker_on(redis_server, "broker-page")  # no beat: only the page can send the run
    progress_url = None
    try:
        redis_server.stop()
        run = start_from_admin(client, evaluator, campaign)
        progress_url = f"/evaluation/runs/{run.pk}/progress"
        payload = client.get(progress_url).json()  # the open page polls while the broker is down
        assert payload["status"] == "queued" and payload["waiting_for_queue"]
        # Past the retry delay the page's poll sends again: it fails again, nothing is lost.
        time.sleep(dispatch.DISPATCH_RETRY_AFTER.total_seconds() + 0.5)
        payload = client.get(progress_url).json()
        assert payload["status"] == "queued" and payload["waiting_for_queue"]
        run.refresh_from_db()
        assert run.artifacts[dispatch.DISPATCH_FAILED_KEY]["count"] >= 2
        redis_server.start()

        def page_polls():
            response = client.get(progress_url)
            assert response.status_code == 200

        run = wait_until_finished(run.pk, timeout=60, poll=page_polls)
    finally:
        stop_worker(worker)
    assert run.status == Status.SUCCEEDED, run.error
    assert run.attempts == 1
    assert EvaluationRun.objects.count() == 1
    payload = client.get(progress_url).json()
    assert payload["finished"] and payload["result_url"] and not payload["waiting_for_queue"]
