"""Celery tasks of the campaigns app."""

from celery import shared_task

from livinglab.campaigns.privacy import retention_apply


@shared_task(name="campaigns.apply_retention")
def apply_retention_task() -> dict:
    """Daily (Celery beat): erase the campaigns past their retention period."""
    return retention_apply()
