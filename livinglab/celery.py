"""Celery application, configured from Django settings (namespace CELERY_)."""

import os
from pathlib import Path

from celery import Celery

# Without settings a worker gets the production ones, which refuse to start without
# DJANGO_SECRET_KEY: never DEBUG and the development key by accident (make run sets dev).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livinglab.settings.production")

# Seconds between two periodic recoveries run by beat (tests shorten it).
RECOVER_EVERY_ENV = "LIVINGLAB_RECOVER_EVERY"

# A send must fail within seconds when the broker is down or unreachable: the web request that
# starts an evaluation waits on it. Without these, a refused Redis costs ~6 s per send and a
# black-holed one hangs for minutes. CELERY_BROKER_TRANSPORT_OPTIONS keys win over these.
BROKER_FAIL_FAST = {
    "socket_connect_timeout": 2,  # Redis transport: TCP connect timeout, seconds
    "max_retries": 1,  # connection attempts when a producer opens its channel
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

app = Celery("livinglab")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Defaults under the Django settings: a CELERY_* setting of the same name replaces them.
app.add_defaults(
    lambda: {
        "broker_connection_timeout": 2,  # seconds (Celery: 4), AMQP connect and retry budget
        "beat_schedule": {
            # Orphaned runs (dead worker) and runs queued while the broker was down start again
            # without anybody doing anything. Needs one beat: `celery -A livinglab beat`, or a
            # worker started with -B (one such worker only).
            "evaluation-recover": {
                "task": "evaluation.recover",
                "schedule": float(os.environ.get(RECOVER_EVERY_ENV) or 60),
                "options": {"expires": 50},  # ticks piled up behind a busy worker are dropped
            },
            # Uploads previewed but never confirmed (participants' answers) are deleted once
            # expired (LIVINGLAB_PARKED_UPLOAD_SECONDS).
            "core-purge-parked-uploads": {
                "task": "core.purge_parked_uploads",
                "schedule": 3600.0,
                "options": {"expires": 1800},
            },
            # Campaigns past their retention period lose their participants and answers.
            "campaigns-apply-retention": {
                "task": "campaigns.apply_retention",
                "schedule": 24 * 3600.0,
                "options": {"expires": 3600},
            },
        },
    }
)
app.autodiscover_tasks()
# Sub-packages of an app keep their tasks beside their services; livinglab.core is no app.
app.autodiscover_tasks(
    ["livinglab.evaluation.runs", "livinglab.evaluation.pooled", "livinglab.core"]
)


@app.on_after_configure.connect
def _configure_fail_fast_and_beat(sender, source, **kwargs):
    """Merge the fail-fast transport options; keep beat's schedule file in var/."""
    from django.conf import settings

    source.broker_transport_options = {
        **BROKER_FAIL_FAST,
        **(source.broker_transport_options or {}),
    }
    if source.beat_schedule_filename == "celerybeat-schedule":  # Celery's default, in the cwd
        source.beat_schedule_filename = str(Path(settings.VAR_DIR) / "celerybeat-schedule")


@app.task(name="livinglab.ping")
def ping(value: int) -> dict:
    """Round trip used by the health tests: proves a worker consumed and answered."""
    return {"pong": value * 2, "pid": os.getpid()}
