"""Demo evaluation runs: each demo campaign gets a succeeded run, published by the demo manager
when the campaign is in evaluation or closed (the demo campaigns are: `data/campaigns.json`).

Publishing goes through the same service as the admin's "Publier" button, so the audit log holds
who published what, exactly as for a real campaign.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from livinglab.campaigns import permissions
from livinglab.campaigns.models import Membership
from livinglab.demo.accounts import MANAGER_USERNAME
from livinglab.evaluation.models import EvaluationRun, Response
from livinglab.evaluation.pooled.services import pooled_evidence_compute_all
from livinglab.evaluation.runs import services


def load(*, stdout=None, publisher=None) -> list[EvaluationRun]:
    """Every campaign with a protocol and responses that `publisher` (by default the demo
    manager) manages gets a succeeded run, published in their name; idempotent."""
    if publisher is None:
        publisher = get_user_model().objects.filter(username=MANAGER_USERNAME).first()
        if publisher is None:  # the accounts are loaded first; nobody may publish without them
            return []
    runs = []
    campaigns = permissions.campaigns_with_roles(publisher, {Membership.Role.MANAGER})
    for campaign in campaigns.filter(protocols__isnull=False).distinct():
        if not Response.objects.filter(wave__campaign=campaign).exists():
            continue
        run = services.evaluation_run_start(campaign=campaign, user=publisher, enqueue=False)
        if run.status != EvaluationRun.Status.SUCCEEDED:
            run = services.evaluation_run_execute(run_id=run.pk)
        unpublished = run.status == EvaluationRun.Status.SUCCEEDED and run.published_at is None
        if unpublished and services.publish_blocker(campaign) is None:  # evaluation or closed
            run = services.evaluation_run_publish(run=run, user=publisher)
        if stdout is not None:
            stdout.write(f"Évaluation de « {campaign.title} » : {run.get_status_display()}")
        runs.append(run)
    # The pooled evidence and its forest plots are there without waiting for a worker (the
    # publications also queued the same, idempotent, recomputation).
    measured = {
        outcome["indicator"] for run in runs for outcome in (run.result or {}).get("outcomes", [])
    }
    pooled_evidence_compute_all(codes=sorted(measured))
    return runs
