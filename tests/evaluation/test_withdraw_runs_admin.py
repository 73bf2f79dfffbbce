"""The runs admin around publication (#17): every page has a browser title that says what it is
(not "- Wagtail" alone), and starting a run from the campaign dashboard returns there."""

import html
import re
from unittest import mock

import pytest
from django.urls import reverse

from livinglab.evaluation.measurement.protocols import current_protocol, protocol_lock
from livinglab.evaluation.runs import dispatch, services
from tests.builders import simulate_campaign
from tests.evaluation.test_runs_views import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    campaign = simulate_campaign(slug="titres", n_per_group=30, subgroups=())
    campaign.status = campaign.Status.EVALUATION
    campaign.save(update_fields=["status"])
    protocol_lock(protocol=current_protocol(campaign))  # the dashboard offers runs once locked
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    return services.evaluation_run_execute(run_id=run.pk)


@pytest.fixture
def manager(django_user_model, run):
    return member(django_user_model, run.campaign, "manager", "gestionnaire")


def browser_title(response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return html.unescape(" ".join(found.group(1).split()))


def test_every_runs_admin_page_has_a_french_browser_title(client, run, manager):
    client.force_login(manager)
    services.evaluation_run_publish(run=run, user=manager)
    campaign = run.campaign
    pages = {
        reverse("evaluation_runs_admin:index"): "Évaluations - ",
        reverse("evaluation_runs_admin:campaign", args=[campaign.pk]): (
            f"Évaluations — {campaign.title} - "
        ),
        reverse("evaluation_runs_admin:detail", args=[run.pk]): (
            f"Évaluation n° {run.pk} — {campaign.title} - "
        ),
        reverse("evaluation_runs_admin:publish", args=[run.pk]): (
            f"Publier les résultats de l'évaluation n° {run.pk} - "
        ),
        reverse("evaluation_runs_admin:withdraw", args=[run.pk]): (
            f"Retirer la publication de l'évaluation n° {run.pk} - "
        ),
        reverse("evaluation_sample_size:index"): "Calcul du nombre de sujets nécessaires - ",
    }
    for url, title in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert browser_title(response).startswith(title), (url, browser_title(response))


def test_starting_a_run_from_the_dashboard_returns_to_it(client, run, manager):
    client.force_login(manager)
    campaign = run.campaign
    dashboard = reverse("campaigns_campaign:inspect", args=[campaign.pk])
    start_url = reverse("evaluation_runs_admin:start", args=[campaign.pk])
    page = client.get(dashboard).content.decode()
    assert f'<input type="hidden" name="next" value="{dashboard}">' in page

    with mock.patch.object(dispatch, "evaluation_run_enqueue"):
        response = client.post(start_url, {"force": "1", "next": dashboard})
        assert response.status_code == 302 and response.url == dashboard
        # Another host is never followed: back to the campaign's runs.
        response = client.post(start_url, {"next": "https://ailleurs.example/"})
        assert response.url == reverse("evaluation_runs_admin:campaign", args=[campaign.pk])
        # Without `next`, as from the runs page.
        response = client.post(start_url)
        assert response.url == reverse("evaluation_runs_admin:campaign", args=[campaign.pk])
    messages = [str(m) for m in client.get(dashboard).context["messages"]]
    assert any("lancée" in message for message in messages), messages
