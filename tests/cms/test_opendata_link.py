"""The campaign page links its published run's open data package (issue #16)."""

import pytest

import livinglab.evaluation.runs.selectors as evaluation_selectors
from livinglab.evaluation.runs.selectors import public_results
from tests.cms.test_results_page import DOCUMENT

pytestmark = pytest.mark.django_db


def test_campaign_page_links_the_data_package(client, site, monkeypatch):
    url = "/evaluation/public/runs/7/datapackage.zip"
    payload = {**public_results(DOCUMENT), "charts": [], "pdf_url": None, "datapackage_url": url}
    monkeypatch.setattr(evaluation_selectors, "published_results_for", lambda campaign: payload)
    html = client.get(site.campaign_page.url).content.decode()
    assert f'href="{url}"' in html and "Licence Ouverte 2.0" in html
