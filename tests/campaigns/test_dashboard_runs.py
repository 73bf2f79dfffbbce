"""The runs list of a campaign (reached from the dashboard) says the same as its progress bar
(#17: it said "En attente" beside a bar at 70 %): the status cell of a run that has progressed
says "En cours", and the polling script updates that cell with the bar."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from livinglab.evaluation.models import EvaluationRun
from livinglab.evaluation.runs import services
from tests.builders import simulate_campaign

pytestmark = pytest.mark.django_db


def status_cells(html: str) -> list[str]:
    return [cell.strip() for cell in re.findall(r"<td data-run-status>(.*?)</td>", html, re.S)]


def test_the_status_follows_the_progress(client, django_user_model):
    campaign = simulate_campaign(slug="progression", n_per_group=12, subgroups=())
    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    assert run.status == EvaluationRun.Status.QUEUED
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    url = reverse("evaluation_runs_admin:campaign", args=[campaign.pk])
    html = client.get(url).content.decode()
    assert status_cells(html) == ["En attente"]
    assert re.search(r"<title>Évaluations — ", html)

    EvaluationRun.objects.filter(pk=run.pk).update(percent=70, step="Analyse")
    html = client.get(url).content.decode()
    assert status_cells(html) == ["En cours"]
    assert 'value="70"' in html


def test_the_polling_script_updates_the_status_cell():
    script = next(Path(settings.BASE_DIR).glob("livinglab/**/runs/progress.js")).read_text()
    assert "[data-run-status]" in script and "status_label" in script
