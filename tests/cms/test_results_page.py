"""The public campaign page reads like a summary of findings, not an evaluator's table."""

import pytest

import livinglab.evaluation.runs.selectors as evaluation_selectors
from livinglab.evaluation.runs.selectors import public_results
from tests.evaluation.test_findings import document, row

OUTCOMES = [
    {"indicator": "sleep", "label": "Sommeil", "scale": "continuous", "primary": True,
     "unit": "h", "higher_is_better": True, "minimal_important_difference": 0.5},
    {"indicator": "mood", "label": "Humeur", "scale": "continuous", "primary": False,
     "unit": "points", "higher_is_better": True},
]  # fmt: skip
DOCUMENT = document(
    row(method="did_ols", p_value=0.00001, p_adjusted=0.00002, participants={
        "intervention": 60, "comparison": 58}),
    row(indicator="mood", label="Humeur", method="did_ols", estimate=1.2, ci_low=0.4,
        ci_high=2.0, p_value=0.004, p_adjusted=0.008),
    row(subgroup={"dimension": "sex", "value": "not_stated"}, method="did_ols",
        p_value=0.00004, participants={"intervention": 26, "comparison": 27}),
    row(subgroup={"dimension": "age_band", "value": "11-14"}, method="did_ols",
        suppressed=True, suppressed_reason="complement", estimate=None, n=None),
    row(subgroup={"dimension": "age_band", "value": "15-17"}, method="did_ols",
        suppressed=True, suppressed_reason="small", estimate=None, n=None),
    design="controlled_pre_post",
    outcomes=OUTCOMES,
)  # fmt: skip


@pytest.fixture
def published(monkeypatch):
    payload = {**public_results(DOCUMENT), "charts": [], "pdf_url": None}
    monkeypatch.setattr(evaluation_selectors, "published_results_for", lambda campaign: payload)


def test_summary_of_findings_comes_first_and_the_rest_is_folded(client, site, published):
    html = client.get(site.campaign_page.url).content.decode()
    sof = html.index('class="sof-table')
    assert html.index("Par rapport au groupe de comparaison") < sof
    assert sof < html.index("<details") and html.count("<details") == 2
    assert "Autres critères (secondaires)" in html and "Résultats par sous-groupe" in html
    # Certainty with its reasons; participants per group; the comparison said.
    assert "Élevée" in html and "plan avec groupe de comparaison" in html.lower()
    assert "60 participants du groupe intervention et 58 du groupe de comparaison" in html
    assert "par rapport au groupe de comparaison" in html
    assert 'href="/static/cms/results.css"' in html or "cms/results" in html


def test_labels_p_values_and_withheld_cells_read_as_words(client, site, published):
    html = client.get(site.campaign_page.url).content.decode()
    assert "Sexe : Non renseigné" in html and "Tranche d&#x27;âge : 11–14 ans" in html
    for raw in ("not_stated", "age_band", "did_ols", "sex :", "0,000", "n &lt; 10"):
        assert raw not in html, raw
    assert "&lt; 0,001" in html  # the subgroup's p-value
    assert "Masqué pour protéger un autre groupe" in html
    assert "Masqué : moins de 10 personnes" in html


def test_results_api_carries_the_summary_and_the_findings(client, site, published):
    payload = client.get(f"/api/v2/campaigns/{site.campaign.slug}/results/").json()
    assert payload["summary_sentences"][0].startswith("Par rapport au groupe de comparaison")
    (finding,) = payload["findings"]
    assert finding["certainty"] == "high" and finding["people_text"].startswith("60 ")
    assert {row["subgroup"] for row in payload["subgroups"]} >= {"Sexe : Non renseigné"}
