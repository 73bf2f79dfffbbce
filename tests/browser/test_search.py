"""Findable (issue #16) in a real browser: "tabagisme" finds the tobacco topic, on SQLite and,
run again by `.ci/run` with `DATABASE_URL` set, on PostgreSQL; "smoking" finds it in English."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_visitor_searching_tabagisme_finds_the_tobacco_topic(
    page, live_server, demo_site, screenshot
):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Rechercher"
    ).click()
    page.get_by_label("Mots-clés").fill("tabagisme")
    page.get_by_role("button", name="Rechercher").click()
    assert "q=tabagisme" in page.url
    results = page.locator(".results")
    expect(results.get_by_role("heading", level=2)).to_have_text(re.compile(r"^\d+ résultats?$"))
    first = results.locator(".card-title a").first
    expect(first).to_contain_text("Arrêter de fumer en équipe")
    screenshot(f"search-tabagisme-{connection.vendor}")
    first.click()
    page.wait_for_url(live_server.url + "/entreprise/mois-sans-tabac-entreprise/")

    page.goto(live_server.url + "/en/recherche/?q=smoking")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator(".results .card-title a").first).to_have_text(
        "Quit smoking as a team: a smoke-free month at work"
    )
