"""The HTML report of a run (issue #13): the PDF's content as an accessible page, with the
rights of the run's downloads, and public once the run is published."""

import re
from html import unescape

import pytest

from livinglab.evaluation.runs import services
from livinglab.evaluation.runs.findings import summary_of_findings, summary_sentences
from tests.builders import simulate_campaign
from tests.evaluation.test_report_pdf import raw_codes_in
from tests.evaluation.test_runs_views import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    campaign = simulate_campaign(
        slug="rapport-web",
        design="controlled_pre_post",
        outcomes=(("sleep_score", "continuous"), ("smoker", "binary")),
        n_per_group=30,
    )
    campaign.status = campaign.Status.EVALUATION
    campaign.save(update_fields=["status"])
    run = services.evaluation_run_execute(
        run_id=services.evaluation_run_start(campaign=campaign, enqueue=False).pk
    )
    assert run.status == "succeeded", run.error
    return run


def page_text(html: str) -> str:
    """What a reader reads: tags and the style sheet removed, whitespace collapsed."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.DOTALL)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_report_page_follows_the_run_rights(client, run, django_user_model):
    url = f"/evaluation/runs/{run.pk}/report"
    public_url = f"/evaluation/public/runs/{run.pk}/report"
    assert client.get(url).status_code == 302  # login first
    assert client.get(public_url).status_code == 404  # not published yet
    expected = {"outsider": 404, "member": 403, "evaluator": 200}
    for role, status in expected.items():
        client.force_login(member(django_user_model, run.campaign, role != "outsider" and role,
                                  role))  # fmt: skip
        assert client.get(url).status_code == status, role
        assert client.get(public_url).status_code == 404, role
    client.logout()
    run.published_at = run.finished_at
    run.save(update_fields=["published_at"])
    response = client.get(public_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/evaluation/public/runs/{run.pk}/charts/flow.png" in html
    assert f'href="/evaluation/public/runs/{run.pk}/report.pdf"' in html
    assert f"/evaluation/runs/{run.pk}/" not in html  # no link an anonymous reader cannot open


def test_report_page_has_summary_findings_and_accessible_tables(client, run, django_user_model):
    client.force_login(member(django_user_model, run.campaign, "evaluator", "evaluatrice"))
    html = client.get(f"/evaluation/runs/{run.pk}/report").content.decode()
    text = page_text(html)
    document = run.result
    for sentence in summary_sentences(document):
        assert sentence in text
    for finding in summary_of_findings(document):
        assert finding.label in text
    # One h1, then h2 sections (summary, findings, the five RE-AIM dimensions, methods).
    assert len(re.findall(r"<h1[ >]", html)) == 1
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings == [
        "Résumé en langage clair",
        "Synthèse des résultats principaux",
        "Portée (Reach)",
        "Efficacité (Effectiveness)",
        "Adoption",
        "Mise en œuvre (Implementation)",
        "Maintien (Maintenance)",
        "Méthodes",
    ]
    tables = re.findall(r"<table>.*?</table>", html, flags=re.DOTALL)
    assert tables and all("<caption>" in table for table in tables)
    assert all('scope="' in table for table in tables)
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == len(run.artifacts["charts"])
    assert all(re.search(r'alt="[^"]+"', image) for image in images)
    assert raw_codes_in(text) == []


def test_run_detail_links_the_report_page(client, run, django_user_model):
    client.force_login(member(django_user_model, run.campaign, "evaluator", "evaluatrice"))
    html = client.get(f"/admin/evaluation-runs/run/{run.pk}/").content.decode()
    assert f'href="/evaluation/runs/{run.pk}/report"' in html
