"""Content in English (issue #16) in a real browser: the English home and a translated topic."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_english_home_has_an_english_title_and_menu_under_en(
    page, live_server, demo_site, screenshot
):
    page.goto(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Theme of the year")
    menu = page.get_by_role("navigation", name="Main navigation")
    links = [link.get_attribute("href") for link in menu.get_by_role("link").all()]
    assert len(links) >= 6 and all(link.startswith("/en/") for link in links), links
    expect(menu.get_by_role("link", name="Workplace")).to_be_visible()
    expect(page.get_by_role("link", name="Skip to content")).to_be_attached()
    screenshot("home-en")
    menu.get_by_role("link", name="Workplace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workplace")
    assert page.url == live_server.url + "/en/workplace/"


def test_language_link_leads_from_a_french_topic_to_its_english_copy(page, live_server, demo_site):
    page.goto(live_server.url + "/entreprise/mois-sans-tabac-entreprise/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Arrêter de fumer")
    languages = page.get_by_role("navigation", name="Choix de la langue")
    languages.get_by_role("link", name=re.compile("English", re.IGNORECASE)).click()
    page.wait_for_url(live_server.url + "/en/workplace/stop-smoking-together/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quit smoking as a team: a smoke-free month at work"
    )
    expect(page.get_by_role("heading", name="How to run it")).to_be_visible()
    expect(page.get_by_text("This page is not yet available in English.")).to_have_count(0)
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    crumbs = [link.get_attribute("href") for link in breadcrumb.get_by_role("link").all()]
    assert crumbs == ["/en/", "/en/workplace/"]
