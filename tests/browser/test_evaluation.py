"""An evaluator opens a campaign's results in the admin and downloads the PDF report."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_cms import log_in

pytestmark = pytest.mark.browser


def test_evaluator_opens_results_and_downloads_the_pdf(page, live_server, demo_site, screenshot):
    log_in(page, live_server.url, "evaluatrice", "demo-eval-2026")
    page.goto(live_server.url + "/admin/evaluation-runs/")
    page.get_by_role("link", name="Bouge ta récré").first.click()
    expect(page.locator("[data-run-status]").first).to_have_text("Terminée")
    page.locator("table.listing tbody a").first.click()
    expect(page.get_by_role("heading", name="Résultats")).to_be_visible()
    expect(page.locator("table.listing").first).to_contain_text("Activité physique")
    screenshot("evaluation-results")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")


def test_published_results_appear_on_the_public_campaign_page(page, live_server, demo_site,
                                                              screenshot):  # fmt: skip
    page.goto(live_server.url + "/campagnes/")
    page.get_by_role("link", name=re.compile("Bouge ta récré")).first.click()
    expect(page.locator("main")).to_contain_text("Activité physique")
    expect(page.locator("main")).not_to_contain_text("Résultats pas encore publiés")
    screenshot("cms-campaign-results")
