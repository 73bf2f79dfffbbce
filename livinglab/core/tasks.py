"""Celery tasks of the shared upload pipeline (livinglab/celery.py autodiscovers them)."""

from celery import shared_task

from livinglab.core.uploads import purge_parked_uploads


@shared_task(name="core.purge_parked_uploads", ignore_result=True)
def purge_parked_uploads_task() -> int:
    """Hourly (Celery beat): delete uploads previewed but never confirmed, once expired."""
    return purge_parked_uploads()
