"""Celery task of pooled evidence: thin wrapper around the service, keyed by indicator codes."""

from celery import shared_task

from livinglab.evaluation.pooled import services


@shared_task(name="evaluation.pooled_evidence", ignore_result=True, acks_late=True)
def pooled_evidence_task(codes: list[str] | None = None) -> dict:
    """Recompute the pooled results of these indicators from the database (idempotent)."""
    return services.pooled_evidence_compute_all(codes=codes)
