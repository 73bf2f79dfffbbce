"""Signals of pooled evidence: what the public pages (their cache) will listen to."""

from django.dispatch import Signal

# Sent with `indicator` once its pooled results have been replaced (in the process that
# recomputed them, usually a Celery worker).
pooled_evidence_computed = Signal()
