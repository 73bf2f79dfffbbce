"""Withdrawing published results (#17): a campaign manager takes a run's results off the public
site, with a reason, after a confirmation page.

Afterwards nothing public reads that run: the campaign's results are those of the run published
before it (or none), its public charts, PDF and HTML report answer 404 to anyone, the public API
no longer lists them; the withdrawal is in the audit trail and `results_withdrawn` is sent.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import ModelLogEntry

from livinglab.evaluation.runs import services
from livinglab.evaluation.runs.selectors import published_results_for
from livinglab.evaluation.runs.signals import results_withdrawn
from tests.builders import simulate_campaign
from tests.evaluation.test_runs_views import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = simulate_campaign(slug="retrait", n_per_group=30, subgroups=())
    campaign.status = campaign.Status.EVALUATION
    campaign.save(update_fields=["status"])
    return campaign


def _succeeded_run(campaign):
    run = services.evaluation_run_start(campaign=campaign, force=True, enqueue=False)
    return services.evaluation_run_execute(run_id=run.pk)


@pytest.fixture
def manager(django_user_model, campaign):
    return member(django_user_model, campaign, "manager", "gestionnaire")


@pytest.fixture
def published(campaign, manager):
    """A run published, then withdrawn or not by each test."""
    run = _succeeded_run(campaign)
    return services.evaluation_run_publish(run=run, user=manager)


def public_urls(run) -> list[str]:
    chart = run.artifacts["charts"][0]["name"]
    return [
        reverse("evaluation_runs:public_chart", args=[run.pk, chart, "png"]),
        reverse("evaluation_runs:public_chart", args=[run.pk, chart, "svg"]),
        reverse("evaluation_runs:public_report", args=[run.pk]),
        reverse("evaluation_runs:public_report_page", args=[run.pk]),
        f"/api/v2/campaigns/{run.campaign.slug}/results/",
    ]


def test_anonymous_public_urls_answer_404_once_withdrawn(client, published, manager):
    urls = public_urls(published)
    assert [client.get(url).status_code for url in urls] == [200] * len(urls)

    received = []
    results_withdrawn.connect(
        lambda **kwargs: received.append(kwargs), weak=False, dispatch_uid="t"
    )
    try:
        services.evaluation_run_withdraw(run=published, user=manager, reason="Erreur d'import")
    finally:
        results_withdrawn.disconnect(dispatch_uid="t")

    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert published_results_for(published.campaign) is None
    published.refresh_from_db()
    assert published.published_at is None and published.withdrawn_at is not None
    assert published.withdrawal_reason == "Erreur d'import"
    entry = ModelLogEntry.objects.get(action="livinglab.withdraw_results")
    assert entry.user == manager and entry.data["run"] == published.pk
    assert entry.data["reason"] == "Erreur d'import"
    assert entry.object_id == str(published.campaign.pk)
    message = f"Publication de l'évaluation n° {published.pk} retirée : Erreur d'import"
    assert entry.message == message
    assert len(received) == 1 and received[0]["run"].pk == published.pk
    assert received[0]["reason"] == "Erreur d'import" and received[0]["user"] == manager


def test_the_previous_published_run_is_public_again(client, campaign, published, manager):
    newer = services.evaluation_run_publish(run=_succeeded_run(campaign), user=manager)
    assert published_results_for(campaign)["run_id"] == newer.pk

    services.evaluation_run_withdraw(run=newer, user=manager, reason="Analyse à refaire")

    results = published_results_for(campaign)
    assert results["run_id"] == published.pk
    assert results["report_url"] == f"/evaluation/public/runs/{published.pk}/report"
    api = client.get(f"/api/v2/campaigns/{campaign.slug}/results/")
    assert api.status_code == 200 and api.json()["run_id"] == published.pk
    assert client.get(f"/evaluation/public/runs/{newer.pk}/report").status_code == 404
    assert client.get(f"/evaluation/public/runs/{published.pk}/report").status_code == 200


def test_the_service_refuses_without_reason_right_or_publication(
    published, manager, campaign, django_user_model
):
    with pytest.raises(services.EvaluationError, match="motif"):
        services.evaluation_run_withdraw(run=published, user=manager, reason="   ")
    evaluator = member(django_user_model, campaign, "evaluator", "evaluateur")
    with pytest.raises(PermissionDenied):
        services.evaluation_run_withdraw(run=published, user=evaluator, reason="Non")
    unpublished = _succeeded_run(campaign)
    with pytest.raises(services.EvaluationError, match="pas publiés"):
        services.evaluation_run_withdraw(run=unpublished, user=manager, reason="Non")
    published.refresh_from_db()
    assert published.published_at is not None
    assert not ModelLogEntry.objects.filter(action="livinglab.withdraw_results").exists()


def test_admin_confirmation_page_asks_the_reason(client, published, manager, django_user_model):
    detail_url = reverse("evaluation_runs_admin:detail", args=[published.pk])
    withdraw_url = reverse("evaluation_runs_admin:withdraw", args=[published.pk])
    evaluator = member(django_user_model, published.campaign, "evaluator", "evaluateur")
    client.force_login(evaluator)
    assert "Retirer la publication" not in client.get(detail_url).content.decode()
    client.post(withdraw_url, {"confirm": "1", "reason": "Non"})  # denied
    assert published_results_for(published.campaign)["run_id"] == published.pk

    client.force_login(manager)
    assert f'data-withdraw-link href="{withdraw_url}"' in client.get(detail_url).content.decode()
    page = client.get(withdraw_url).content.decode()
    assert "Oui, retirer la publication" in page and "Motif du retrait" in page
    # Without a reason: the page again, with the error, and nothing withdrawn.
    response = client.post(withdraw_url, {"confirm": "1", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert published_results_for(published.campaign)["run_id"] == published.pk
    # Without `confirm`: the confirmation page only.
    assert client.post(withdraw_url, {"reason": "Erreur"}).status_code == 200
    assert published_results_for(published.campaign) is not None

    response = client.post(withdraw_url, {"confirm": "1", "reason": "Erreur de saisie"})
    assert response.status_code == 302 and response.url == detail_url
    assert published_results_for(published.campaign) is None
    detail = client.get(detail_url).content.decode()
    assert "data-run-withdrawn" in detail and "Erreur de saisie" in detail
    assert "data-withdraw-link" not in detail
    assert "Publier les résultats" in detail  # it can be published again
    # Withdrawing again says why not.
    response = client.post(withdraw_url, {"confirm": "1", "reason": "Encore"}, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("pas publiés" in message for message in messages), messages
    assert ModelLogEntry.objects.filter(action="livinglab.withdraw_results").count() == 1


def test_publishing_again_clears_the_withdrawal(published, manager):
    services.evaluation_run_withdraw(run=published, user=manager, reason="Erreur")
    services.evaluation_run_publish(run=published, user=manager)
    published.refresh_from_db()
    assert published.published_at is not None
    assert published.withdrawn_at is None and published.withdrawal_reason == ""
    assert published_results_for(published.campaign)["run_id"] == published.pk
