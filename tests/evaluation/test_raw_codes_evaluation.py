"""No raw code in the French evaluation admin of the demo, nor in its charts (#17, acceptance 4).

The demo is loaded once (the `demo` fixture); `admin`, `gestionnaire` and `evaluatrice` open every
evaluation page of each demo campaign they may see: the measurement list and page, the
responses import page, the protocol builder and its lock confirmation, the runs list, each
campaign's runs, each run's results page and publication confirmation; then the SVG charts of
every succeeded run. The visible text is scanned with the helper of the campaigns admin scan
(tests/campaigns/test_raw_codes.py), plus the result codes of the evaluation (methods, designs,
waves, effect sizes). The PDF report has its own scan (tests/evaluation/test_report_pdf.py).

In SVG charts drawn by matplotlib, the text is drawn as paths: the words are in the comment
before each text group (`<!-- Avant -->`), or in <text> elements; both are scanned.
"""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from livinglab.campaigns.models import Campaign
from livinglab.evaluation.models import EvaluationRun
from tests.campaigns.test_raw_codes import ALWAYS_RAW, RAW_WHEN_ALONE, VisibleText

pytestmark = pytest.mark.django_db

EVALUATION_CODES = [
    "did_ols", "did_logit", "paired_t", "mixed_model", "wilcoxon_signed_rank", "mcnemar",
    "mcnemar_exact", "ancova", "cohens_dz", "rank_biserial_r", "odds_ratio", "standardised_did",
    "risk_difference", "repeated", "holm", "bonferroni", "continuous", "binary", "ordinal",
]  # fmt: skip
CODES = ALWAYS_RAW + EVALUATION_CODES
PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(code) for code in CODES) + r")(?![\w-])")


def raw_codes_in(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        if text.startswith(("http://", "https://", "/")):
            continue  # an address (questionnaire links) keeps its codes
        found += [f"{code!r} in {text[:80]!r}" for code in PATTERN.findall(text)]
        if text in RAW_WHEN_ALONE:
            found.append(f"{text!r} alone")
    return found


def svg_texts(svg: str) -> list[str]:
    """Words of an SVG chart: matplotlib's comments before drawn text, and <text> contents."""
    texts = re.findall(r"<!--(.*?)-->", svg, re.S)
    texts += re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in texts if text.strip()]


def test_the_scans_catch_evaluation_codes_in_pages_and_charts():
    assert raw_codes_in(VisibleText.of("<td>did_ols</td>")) == ["'did_ols' in 'did_ols'"]
    assert raw_codes_in(VisibleText.of("<td>Vague baseline</td>"))
    assert not raw_codes_in(VisibleText.of('<option value="paired_t">test t apparié</option>'))
    svg = '<svg><g id="text_1"><!-- baseline --><path d="M0"/></g><text>Après</text></svg>'
    assert svg_texts(svg) == ["baseline", "Après"]
    assert raw_codes_in(svg_texts(svg)) == ["'baseline' in 'baseline'"]


def evaluation_pages(campaign: Campaign) -> list[str]:
    urls = [
        reverse("evaluation_admin:measurement", args=[campaign.pk]),
        reverse("evaluation_admin:upload", args=[campaign.pk]),
        reverse("evaluation_protocols:build", args=[campaign.pk]),
        reverse("evaluation_runs_admin:campaign", args=[campaign.pk]),
    ]
    protocol = campaign.protocols.order_by("-version").first()
    if protocol is not None and protocol.locked_at is None:
        urls.append(reverse("evaluation_protocols:lock", args=[campaign.pk, protocol.pk]))
    for wave in campaign.waves.all():
        upload = reverse("evaluation_admin:upload", args=[campaign.pk])
        urls.append(f"{upload}?vague={wave.code}")
    for run in campaign.runs.filter(status=EvaluationRun.Status.SUCCEEDED):
        urls.append(reverse("evaluation_runs_admin:detail", args=[run.pk]))
        urls.append(reverse("evaluation_runs_admin:publish", args=[run.pk]))
        urls.append(reverse("evaluation_runs:report", args=[run.pk]))
    return urls


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The demo's files (its runs' charts) stay where the module's `demo` fixture put them."""


def test_demo_evaluation_pages_and_charts_show_no_raw_code(demo):
    campaigns = list(Campaign.objects.order_by("pk"))
    runs = list(EvaluationRun.objects.filter(status=EvaluationRun.Status.SUCCEEDED))
    assert runs, "the demo has succeeded runs"

    problems, results_problems, opened = {}, {}, 0
    for username in ("admin", "gestionnaire", "evaluatrice"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        urls = [reverse("evaluation_admin:index"), reverse("evaluation_runs_admin:index")]
        for campaign in campaigns:
            urls += evaluation_pages(campaign)
        urls.append(reverse("evaluation_sample_size:index"))
        for url in urls:
            response = client.get(url)
            if response.status_code in (302, 403, 404):
                continue  # not for this user: the permission matrix covers it
            assert response.status_code == 200, (username, url, response.status_code)
            opened += 1
            html = response.content.decode()
            if found := raw_codes_in(VisibleText.of(html)):
                results = "/evaluation-runs/run/" in url
                (results_problems if results else problems)[f"{username} {url}"] = found
        for run in runs:
            for chart in run.artifacts.get("charts", []):
                url = reverse("evaluation_runs:chart", args=[run.pk, chart["name"], "svg"])
                response = client.get(url)
                if response.status_code in (302, 403, 404):
                    continue
                assert response.status_code == 200, (username, url, response.status_code)
                opened += 1
                texts = svg_texts(response.content.decode())
                assert texts, f"{url}: no text found in the chart"
                if found := raw_codes_in(texts):
                    results_problems[f"{username} {url}"] = found
    assert opened > 20, opened
    assert not problems, "\n".join(f"{url}: {found[:5]}" for url, found in problems.items())
    assert not results_problems, "\n".join(
        f"{url}: {found[:5]}" for url, found in results_problems.items()
    )
