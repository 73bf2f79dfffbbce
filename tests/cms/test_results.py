"""Published results: rendered on the campaign page and served as JSON, from one selector."""

import pytest

import livinglab.evaluation.runs.selectors as evaluation_selectors
from livinglab.evaluation.runs.selectors import public_results
from tests.evaluation.test_findings import document, row

DOCUMENT = document(
    row(
        indicator="mvpa_minutes",
        label="Activité physique (min/jour)",
        estimate=12.3,
        ci_low=4.1,
        ci_high=20.5,
        p_value=0.004,
        p_adjusted=0.004,
        n=52,
    ),
    row(indicator="sleep", label="Sommeil", suppressed=True, estimate=None, n=None),
    outcomes=[
        {"indicator": "mvpa_minutes", "label": "Activité physique (min/jour)",
         "scale": "continuous", "primary": True, "unit": "min/jour", "higher_is_better": True},
        {"indicator": "sleep", "label": "Sommeil", "scale": "continuous", "primary": True,
         "unit": "h", "higher_is_better": True},
    ],
)  # fmt: skip
PUBLISHED = {
    **public_results(DOCUMENT),
    "charts": [{"title": "Avant / après", "url": "/charts/1.png"}],
    "pdf_url": "/reports/1.pdf",
}


@pytest.fixture
def published(monkeypatch):
    monkeypatch.setattr(evaluation_selectors, "published_results_for", lambda campaign: PUBLISHED)


@pytest.fixture
def unpublished(monkeypatch):
    monkeypatch.setattr(evaluation_selectors, "published_results_for", lambda campaign: None)


def test_campaign_page_renders_published_results(client, site, published):
    html = client.get(site.campaign_page.url).content.decode()
    # The summary sentence (it used to be a hand-written fake: "12 minutes par jour").
    assert "a augmenté de 12,3 min/jour (IC à 95 % : 4,1 à 20,5)" in html
    assert "chez 52 participants" in html
    assert "Résumé des résultats principaux et certitude des preuves" in html
    assert "+12,3 min/jour (IC à 95 % : 4,1 à 20,5)" in html  # French decimals
    assert "masqué : moins de 10 personnes" in html
    assert 'alt="Avant / après"' in html
    assert 'href="/reports/1.pdf"' in html


def test_campaign_page_says_when_nothing_is_published(client, site, unpublished):
    html = client.get(site.campaign_page.url).content.decode()
    assert "Résultats pas encore publiés" in html


def test_campaign_page_shows_the_codesign_story(client, site, unpublished):
    html = client.get(site.campaign_page.url).content.decode()
    for text in ("Mutuelle test", "Financeur", "Faire un défi", "Atelier 2", "Atelier 9"):
        assert text in html


def test_results_json(client, site, published):
    response = client.get(f"/api/v2/campaigns/{site.campaign.slug}/results/")
    assert response.status_code == 200
    assert response.json()["results"][0]["estimate"] == 12.3


def test_results_json_is_404_until_published(client, site, unpublished):
    assert client.get(f"/api/v2/campaigns/{site.campaign.slug}/results/").status_code == 404
    assert client.get("/api/v2/campaigns/inconnue/results/").status_code == 404
