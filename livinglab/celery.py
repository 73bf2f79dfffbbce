"""Celery application, configured from Django settings (namespace CELERY_)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livinglab.settings.dev")

app = Celery("livinglab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="livinglab.ping")
def ping(value: int) -> dict:
    """Round trip used by the health tests: proves a worker consumed and answered."""
    return {"pong": value * 2, "pid": os.getpid()}
