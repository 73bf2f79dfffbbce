"""School staff read a campaign's published results on a phone (375 px wide)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.mark.parametrize("path", ["/campagnes/bouge-ta-recre/", "/campagnes/bouger-au-bureau/"])
def test_results_fit_a_phone_and_start_with_the_summary_of_findings(
    page, live_server, demo_site, screenshot, path
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    table = page.locator("table.sof-table")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_have_text(
        "Résumé des résultats principaux et certitude des preuves"
    )
    certainty = table.locator("td[data-label='Certitude des preuves']").first
    expect(certainty).to_contain_text(re.compile("élevée|modérée|faible", re.IGNORECASE))
    # Stacked cards on a phone: each cell on its own line, labelled by its column.
    assert certainty.evaluate("cell => getComputedStyle(cell).display") == "block"
    label = certainty.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Certitude des preuves"'
    expect(page.locator(".results-summary li").first).to_contain_text("participants")
    if "recre" in path:
        screenshot("cms-campaign-results-375px")
    # Folded parts open without widening the page either.
    for summary in page.locator("details.results-more > summary").all():
        summary.click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path}: {width} px wide"
