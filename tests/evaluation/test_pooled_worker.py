"""Acceptance 2 (pooled part): publishing or withdrawing a run updates the pooled figures
through the real Celery path — the receiver queues the task after the commit, a real worker
process consumes it and rewrites the stored meta-analysis and its forest plot."""

import time

import pytest

from livinglab.evaluation.models import Indicator
from livinglab.evaluation.pooled.selectors import pooled_evidence_for
from livinglab.evaluation.pooled.services import pooled_evidence_compute
from livinglab.evaluation.runs import services
from tests.evaluation.pooled_builders import campaign_with_run, result_row


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_publishing_and_withdrawing_a_run_update_the_pooled_figures(
    celery_worker_process, django_user_model
):
    campaign_with_run("lycee-a", result_row(estimate=0.3, ci_low=0.1, ci_high=0.5))
    campaign_with_run("lycee-b", result_row(estimate=0.6, ci_low=0.3, ci_high=0.9))
    third = campaign_with_run(
        "lycee-c", result_row(estimate=0.4, ci_low=0.2, ci_high=0.6), published=False
    )
    indicator = Indicator.objects.get(code="sleep_score")
    pooled_evidence_compute(indicator=indicator, charts=False)
    before = pooled_evidence_for(indicator)
    assert before.campaigns == 2

    manager = django_user_model.objects.create_superuser("publication", password="x")
    services.evaluation_run_publish(run=third, user=manager)

    def recomputed():
        evidence = pooled_evidence_for(indicator)
        return evidence is not None and evidence.computed_at > before.computed_at

    assert wait_for(recomputed), "the worker did not recompute the pooled evidence"
    after = pooled_evidence_for(indicator)
    assert after.campaigns == 3
    assert "Lycee C" in [study["title"] for study in after.numbers["studies"]]
    assert after.numbers["pm"]["k"] == 3 and after.numbers["pm"]["pi_low"] is not None
    assert set(after.charts) == {"png", "svg"}  # the worker drew the forest plot

    services.evaluation_run_withdraw(run=third, user=manager, reason="Données à corriger")

    def dropped():
        evidence = pooled_evidence_for(indicator)
        return evidence is not None and evidence.computed_at > after.computed_at

    assert wait_for(dropped), "the worker did not recompute after the withdrawal"
    withdrawn = pooled_evidence_for(indicator)
    assert withdrawn.campaigns == 2
    assert "Lycee C" not in [study["title"] for study in withdrawn.numbers["studies"]]
