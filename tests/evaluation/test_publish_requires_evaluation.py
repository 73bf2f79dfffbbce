"""Regression: a campaign only "Validée" already showed published before/after results.

Results are published once the campaign is in evaluation (or closed), by the service and so by
the admin's button, which says why it is not offered before.
"""

import pytest
from django.urls import reverse

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.runs import services
from livinglab.evaluation.runs.selectors import published_results_for
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db
Status = Campaign.Status


@pytest.fixture
def run():
    campaign = simulate_campaign(slug="publication", n_per_group=30, subgroups=())
    Campaign.objects.filter(pk=campaign.pk).update(status=Status.VALIDATED)
    campaign.refresh_from_db()
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    return services.evaluation_run_execute(run_id=run.pk)


@pytest.fixture
def manager(django_user_model):
    return django_user_model.objects.create_superuser("publisher", password="x")


def set_status(campaign, status):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    campaign.refresh_from_db()


@pytest.mark.parametrize("status", [Status.VALIDATED, Status.RUNNING, Status.DRAFT])
def test_service_refuses_before_evaluation(run, manager, status):
    set_status(run.campaign, status)
    with pytest.raises(services.EvaluationError, match="évaluation"):
        services.evaluation_run_publish(run=run, user=manager)
    run.refresh_from_db()
    assert run.published_at is None
    assert published_results_for(run.campaign) is None


@pytest.mark.parametrize("status", [Status.EVALUATION, Status.CLOSED])
def test_service_publishes_in_evaluation_or_closed(run, manager, status):
    set_status(run.campaign, status)
    services.evaluation_run_publish(run=run, user=manager)
    assert published_results_for(run.campaign)["run_id"] == run.pk


def test_admin_says_why_and_refuses_then_publishes(client, run, manager):
    client.force_login(manager)
    detail_url = reverse("evaluation_runs_admin:detail", args=[run.pk])
    publish_url = reverse("evaluation_runs_admin:publish", args=[run.pk])
    page = client.get(detail_url).content.decode()
    assert "Publier les résultats" not in page
    assert "en évaluation" in page  # the reason the button is not there
    # Without `confirm` the POST only shows the confirmation page (publishing is irreversible).
    assert "Oui, publier" not in client.post(publish_url).content.decode()  # blocked: the reason
    response = client.post(publish_url, {"confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert published_results_for(run.campaign) is None
    messages = [str(message) for message in response.context["messages"]]
    assert any("évaluation" in message for message in messages), messages

    set_status(run.campaign, Status.EVALUATION)
    assert "Publier les résultats" in client.get(detail_url).content.decode()
    confirmation = client.post(publish_url)
    assert confirmation.status_code == 200 and published_results_for(run.campaign) is None
    assert "Oui, publier les résultats" in confirmation.content.decode()
    client.post(publish_url, {"confirm": "1"})
    assert published_results_for(run.campaign)["run_id"] == run.pk
