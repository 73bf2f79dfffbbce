"""Shared fixtures: media in a temporary folder, and a real Celery worker process."""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections, transaction

REPO_ROOT = Path(__file__).resolve().parent.parent
RESTARTS_DATABASE = "restarts_database"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"{RESTARTS_DATABASE}: restarts the database server (every connection dies); runs last",
    )


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(session, config, items):
    """Tests that restart the database server run after every other test of the session."""
    items.sort(key=lambda item: item.get_closest_marker(RESTARTS_DATABASE) is not None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the database is rolled back between tests, so
    site-wide data or pages cached by an earlier test would describe rows that no longer exist."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request under /en/ leaves English active in
    the thread (LocaleMiddleware does not deactivate it), which later tests would inherit."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    private = {**settings.STORAGES["private"], "OPTIONS": {"location": tmp_path / "private"}}
    settings.STORAGES = {**settings.STORAGES, "private": private}


def database_url(settings_dict: dict) -> str:
    """The URL of the test database, for a worker process started from the tests."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def start_worker(
    *,
    queue: str,
    log_path: Path,
    hostname: str,
    extra_env: dict | None = None,
    extra_args: list[str] | None = None,
    ready: Callable[[], bool] | None = None,
) -> subprocess.Popen:
    """Start a real `celery worker` on the test database, consuming `queue`; wait for it.

    Ready means a `ping` task came back through this process's Celery app (broker and result
    backend), unless ``ready`` says otherwise: e.g. a control ping, when the worker uses
    another broker and result backend than this process's (see ``extra_env``).
    """
    from livinglab.celery import app, ping

    def answered_a_task() -> bool:
        ping.apply_async(args=[0], queue=queue).get(timeout=5)
        return True

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "livinglab.settings.test",
        "DATABASE_URL": database_url(connections["default"].settings_dict),
        "CELERY_QUEUE": queue,
        **(extra_env or {}),
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "livinglab", "worker",
                "--concurrency=1", "--pool=prefork", "--loglevel=INFO",
                "-Q", queue, "--hostname", hostname, *(extra_args or []),
            ],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Celery worker exited early, see {log_path}")
            try:
                if (ready or answered_a_task)():
                    break
            except Exception:  # noqa: BLE001 - not ready yet: retry until the deadline
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker not ready after 90 s, see {log_path}")
            time.sleep(0.2)
    except BaseException:
        stop_worker(process)
        raise
    process.log_path = log_path
    process.app = app
    process.queue = queue
    return process


def stop_worker(process: subprocess.Popen) -> None:
    """Warm shutdown, then kill if the worker does not stop in time."""
    stop_process(process)


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if the process (worker, server) does not stop within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """Start a real `celery worker` on the test database and this session's queue."""
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # Messages of earlier sessions (other queues) would only pile up: drop them.
        for message in Path(settings.CELERY_BROKER_DIR, "queue").glob("*.msg"):
            message.unlink(missing_ok=True)
    process = start_worker(
        queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        log_path=Path(settings.VAR_DIR) / "test-worker.log",
        hostname=f"test-{os.getpid()}@%h",
    )
    try:
        yield process
    finally:
        stop_worker(process)


@pytest.fixture(scope="session")
def demo_snapshot(tmp_path_factory):
    """The demo's rows and files, kept from its first load in the session (see
    `tests/demo_snapshot.py`)."""
    from tests.demo_snapshot import DemoSnapshot

    return DemoSnapshot(tmp_path_factory.mktemp("demo-snapshot"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory, demo_snapshot):
    """The demo for the module, rolled back after it (a module using it overrides
    `_media_in_tmp` so that its images and run files stay where this put them)."""
    from tests.demo_snapshot import files_in

    media = tmp_path_factory.mktemp("demo-media")
    private = tmp_path_factory.mktemp("demo-private")
    with files_in(media, private), django_db_blocker.unblock():
        with transaction.atomic():
            demo_snapshot.load(media=media, private=private)
            yield
            transaction.set_rollback(True)
