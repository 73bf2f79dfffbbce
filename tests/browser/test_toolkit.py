"""A visitor finds "Ce qui marche" from the home page's menu, reads a card (its figures and how
sure they are) and opens one of the campaigns behind it."""

import re

import pytest

from livinglab.evaluation.models import PooledEvidence

pytestmark = pytest.mark.browser


def test_visitor_reads_a_toolkit_card_and_opens_its_campaign(
    page, live_server, demo_site, screenshot
):
    assert PooledEvidence.objects.filter(setting="", theme=None, campaigns__gte=3).exists()
    page.goto(live_server.url + "/")
    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.get_by_role("link", name="Ce qui marche").click()
    page.wait_for_url(re.compile(r".*/ce-qui-marche/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Ce qui marche"

    cards = page.locator("article.toolkit-card")
    assert cards.count() >= 2
    card = cards.filter(has=page.locator("a", has_text=re.compile(r"\w"))).first
    impact = card.locator(".toolkit-impact").inner_text()
    assert re.search(r"\d+,\d+ .*\(de [+\u2212]?\d", impact), impact
    assert re.search(r"\d+ campagnes, \d[\d\u202f\u00a0 ]* participants", card.inner_text())
    assert re.search(r"certitude (élevée|modérée|faible|très faible)", card.inner_text())
    assert card.locator(".toolkit-cost").inner_text()
    assert card.locator("img").first.evaluate("image => image.complete && image.naturalWidth > 0")
    screenshot("toolkit")

    link = card.locator(".toolkit-campaigns a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r".*/campagnes/[\w-]+/$"))
    assert page.get_by_role("heading", level=1).inner_text()
    assert title.split()[0] in page.content()
