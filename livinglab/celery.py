"""Celery application, configured from Django settings (namespace CELERY_)."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livinglab.settings.dev")

app = Celery("livinglab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """Create the filesystem broker's folders (the embedded default needs no server)."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = app.conf.result_backend or ""
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@worker_init.connect
def _prepare_worker(**kwargs) -> None:
    ensure_broker_folders()


@app.task(name="livinglab.ping")
def ping(value: int) -> dict:
    """Round trip used by the health tests: proves a worker consumed and answered."""
    return {"pong": value * 2, "pid": os.getpid()}
