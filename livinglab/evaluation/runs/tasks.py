"""Celery tasks of the evaluation: thin wrappers around the services, keyed by the run row."""

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from livinglab.evaluation.runs import dispatch, services


# ignore_result: the run row is the result. It also spares the sender a subscription to the
# result backend, which retries for ~20 s when Redis is down (the user waits on the send).
@shared_task(
    name="evaluation.run",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def evaluation_run_task(run_id: int) -> dict:
    """Execute one run; a redelivered message finds the row finished or takes it over."""
    run = services.evaluation_run_execute(run_id=run_id)
    return {"run": run_id, "status": run.status if run else None}


@shared_task(
    name="evaluation.dataset_snapshot",
    ignore_result=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def dataset_snapshot_task(campaign_id: int, version: int) -> bool:
    """Write the campaign's dataset snapshot for `version`, unless a later change superseded it."""
    from livinglab.evaluation.runs.dataset import snapshot_refresh

    return snapshot_refresh(campaign_id=campaign_id, version=version)


@shared_task(name="evaluation.recover", ignore_result=True)
def evaluation_recover_task() -> dict:
    """Re-queue or fail orphaned runs and send again the waiting ones.

    Beat runs it every minute (``livinglab/celery.py``), so a run queued while the broker was
    down starts by itself once the broker is back.
    """
    return dispatch.evaluation_runs_recover()


@worker_ready.connect
def _recover_on_worker_start(sender=None, **kwargs):
    """A worker that starts (e.g. after a crash) first picks up what a dead one left behind."""
    evaluation_recover_task.delay()
