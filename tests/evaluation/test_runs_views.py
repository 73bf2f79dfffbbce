"""Runs pages, progress endpoint, downloads, publishing and recovery: rights and audit."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.storage import storages
from django.utils import timezone
from wagtail.models import ModelLogEntry

from livinglab.campaigns.models import Membership, Organisation
from livinglab.demo.accounts import ensure_role_groups
from livinglab.demo.runs import load
from livinglab.evaluation.models import EvaluationRun
from livinglab.evaluation.runs import dispatch, services
from livinglab.evaluation.runs.selectors import published_results_for
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = simulate_campaign(slug="views", n_per_group=30, subgroups=())
    campaign.status = campaign.Status.EVALUATION  # results are published from evaluation on
    campaign.save(update_fields=["status"])
    return campaign


@pytest.fixture
def run(campaign):
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    return services.evaluation_run_execute(run_id=run.pk)


def member(django_user_model, campaign, role, name):
    from django.contrib.auth.models import Group

    ensure_role_groups()
    user = django_user_model.objects.create_user(name, password="x")
    user.groups.add(Group.objects.get(name="Évaluateurs"))
    organisation = (
        campaign.lead_organisation
        if role
        else Organisation.objects.create(name=f"Autre {name}", kind="association")
    )
    Membership.objects.create(user=user, organisation=organisation, role=role or "manager")
    return user


@pytest.fixture
def users(django_user_model, campaign):
    return {
        "manager": member(django_user_model, campaign, "manager", "manager"),
        "evaluator": member(django_user_model, campaign, "evaluator", "evaluator"),
        "member": member(django_user_model, campaign, "member", "member"),
        "outsider": member(django_user_model, campaign, None, "outsider"),
    }


def test_progress_endpoint_checks_rights(client, run, users):
    url = f"/evaluation/runs/{run.pk}/progress"
    assert client.get(url).status_code == 302  # login first
    expected = {"outsider": 404, "member": 403, "evaluator": 200, "manager": 200}
    for name, status in expected.items():
        client.force_login(users[name])
        assert client.get(url).status_code == status, name
    payload = client.get(url).json()
    assert payload["status"] == "succeeded" and payload["percent"] == 100 and payload["finished"]


def test_downloads_are_checked_and_audited(client, run, users):
    client.force_login(users["member"])
    assert client.get(f"/evaluation/runs/{run.pk}/download/csv").status_code == 403
    client.force_login(users["evaluator"])
    for file_format, start in (("json", b"{"), ("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"),
                               ("pdf", b"%PDF")):  # fmt: skip
        response = client.get(f"/evaluation/runs/{run.pk}/download/{file_format}")
        assert response.status_code == 200 and response.content.startswith(start)
    chart = run.artifacts["charts"][0]["name"]
    assert client.get(f"/evaluation/runs/{run.pk}/charts/{chart}.svg").status_code == 200
    downloads = ModelLogEntry.objects.filter(action="livinglab.download", user=users["evaluator"])
    assert downloads.count() == 5


def test_downloads_are_rebuilt_when_the_files_are_elsewhere(client, run, users, settings, tmp_path):
    """The web machine does not see the worker's files: the download is rebuilt from the run."""
    elsewhere = {**settings.STORAGES["private"], "OPTIONS": {"location": tmp_path / "elsewhere"}}
    settings.STORAGES = {**settings.STORAGES, "private": elsewhere}
    assert not storages["private"].exists(run.artifacts["xlsx"])
    client.force_login(users["evaluator"])
    response = client.get(f"/evaluation/runs/{run.pk}/download/xlsx")
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_admin_pages_start_and_publish(client, campaign, run, users):
    client.force_login(users["evaluator"])
    page = client.get(f"/admin/evaluation-runs/campaign/{campaign.pk}/")
    assert page.status_code == 200 and "Lancer une évaluation" in page.content.decode()
    assert "progress.js" in page.content.decode()
    with mock.patch.object(dispatch, "evaluation_run_enqueue") as enqueue:
        response = client.post(
            f"/admin/evaluation-runs/campaign/{campaign.pk}/start/", {"force": "1"}
        )
    assert response.status_code == 302
    assert campaign.runs.count() == 2
    detail = client.get(f"/admin/evaluation-runs/run/{run.pk}/")
    assert detail.status_code == 200 and "Publier" not in detail.content.decode()
    client.post(f"/admin/evaluation-runs/run/{run.pk}/publish/")  # Wagtail: denied → redirect
    assert published_results_for(campaign) is None
    client.force_login(users["manager"])
    assert "Publier" in client.get(f"/admin/evaluation-runs/run/{run.pk}/").content.decode()
    client.post(f"/admin/evaluation-runs/run/{run.pk}/publish/")  # the confirmation page only
    assert published_results_for(campaign) is None
    client.post(f"/admin/evaluation-runs/run/{run.pk}/publish/", {"confirm": "1"})
    assert published_results_for(campaign)["run_id"] == run.pk
    assert ModelLogEntry.objects.filter(action="livinglab.publish_results").exists()
    enqueue.assert_not_called()  # on_commit callbacks do not run in a rolled-back test
    client.force_login(users["outsider"])
    assert client.get(f"/admin/evaluation-runs/campaign/{campaign.pk}/").status_code == 404


def test_public_files_only_once_published(client, run):
    chart = run.artifacts["charts"][0]["name"]
    url = f"/evaluation/public/runs/{run.pk}/charts/{chart}.png"
    assert client.get(url).status_code == 404
    assert client.get(f"/evaluation/public/runs/{run.pk}/report.pdf").status_code == 404
    run.published_at = timezone.now()
    run.save()
    assert client.get(url).status_code == 200
    assert client.get(f"/evaluation/public/runs/{run.pk}/report.pdf").status_code == 200


def test_sample_size_planner(client, users):
    client.force_login(users["evaluator"])
    response = client.get(
        "/admin/evaluation-runs/sample-size/",
        {"design": "two_group", "effect_size": 0.5, "power": 0.8, "alpha": 0.05, "icc": 0,
         "cluster_size": 1},
    )  # fmt: skip
    assert response.status_code == 200
    assert 'data-result="n_per_group_rounded">64<' in response.content.decode()


def test_broker_down_keeps_the_run_queued_and_a_later_requeue_sends_it(campaign):
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    from livinglab.evaluation.runs.tasks import evaluation_run_task

    with mock.patch.object(evaluation_run_task, "apply_async", side_effect=OSError("down")):
        assert dispatch.evaluation_run_enqueue(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == "queued" and "File d'attente injoignable" in run.step
    EvaluationRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    with mock.patch.object(evaluation_run_task, "apply_async") as send:
        assert dispatch.evaluation_runs_requeue_stale() == 1
    send.assert_called_once()


def test_orphaned_runs_are_requeued_then_failed(campaign):
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    old = timezone.now() - timedelta(hours=1)
    EvaluationRun.objects.filter(pk=run.pk).update(status="running", attempts=1, heartbeat_at=old)
    with mock.patch.object(dispatch, "evaluation_run_enqueue") as enqueue:
        assert dispatch.evaluation_runs_recover()["requeued"] == 1
    enqueue.assert_any_call(run_id=run.pk)
    EvaluationRun.objects.filter(pk=run.pk).update(status="running", attempts=3, heartbeat_at=old)
    with mock.patch.object(dispatch, "evaluation_run_enqueue"):
        assert dispatch.evaluation_runs_recover()["failed"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "3 fois" in run.error


def test_demo_runs_load_publishes_a_run_per_campaign(django_user_model, campaign):
    assert load() == []  # without the demo accounts, nobody may publish
    manager = member(django_user_model, campaign, "manager", "publisher")
    outsider = member(django_user_model, campaign, None, "outsider")
    runs = load(publisher=manager)
    assert [r.campaign_id for r in runs] == [campaign.pk]
    assert runs[0].status == "succeeded" and runs[0].published_at
    # Published through the service, as from the admin: the audit log names the publisher.
    published = ModelLogEntry.objects.filter(action="livinglab.publish_results")
    assert [entry.user_id for entry in published] == [manager.pk]
    assert load(publisher=manager)[0].pk == runs[0].pk  # idempotent
    assert published.count() == 1
    assert load(publisher=outsider) == []  # only the publisher's own campaigns
