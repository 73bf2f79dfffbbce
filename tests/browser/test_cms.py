"""Staff, editors and visitors use the public site and the admin in a real browser."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from livinglab.cms import models as cms

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
MAIN_PAGES = ["/", "/entreprise/", "/entreprise/mois-sans-tabac-entreprise/", "/campagnes/"]
MAIN_PAGES += ["/temoignages/", "/recherche/?q=sommeil", "/en/"]


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(base_url + "/admin/")


def test_company_staff_finds_a_tobacco_topic_and_downloads_its_kit(
    page, live_server, demo_site, screenshot
):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=re.compile("^Entreprise")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Entreprise")
    page.get_by_label("Thème", exact=True).select_option(label="Tabac")
    page.get_by_role("button", name="Filtrer").click()
    assert "theme=tabac" in page.url
    screenshot("cms-setting-listing")
    page.get_by_role("link", name=re.compile("Mois sans tabac")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Arrêter de fumer")
    screenshot("cms-topic")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Télécharger : Kit")).first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")


def test_editor_publishes_a_page(page, live_server, demo_site, screenshot):
    topic = cms.TopicPage.objects.get(slug="pauses-actives-bureau")
    log_in(page, live_server.url, "editeur", "demo-edit-2026")
    page.goto(f"{live_server.url}/admin/pages/{topic.pk}/edit/")
    page.fill("#id_title", "Pauses actives au bureau : se lever toutes les heures")
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name='action-publish']").click()
    expect(page.locator(".messages")).to_contain_text("publiée")
    screenshot("cms-editor-published")
    page.goto(live_server.url + topic.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pauses actives au bureau : se lever toutes les heures"
    )


def test_visitor_testimony_shows_only_after_approval(
    page, live_server, demo_site, screenshot, settings
):
    settings.CMS_TESTIMONY_MIN_SECONDS = 0
    experience = cms.ExperienceIndexPage.objects.get(locale__language_code="fr")
    text = "Le quiz sur le sommeil a passionné ma classe de quatrième."
    page.goto(live_server.url + experience.url)
    page.get_by_label(re.compile("^Prénom ou pseudonyme")).fill("Camille")
    page.get_by_label(re.compile("^Vous êtes")).select_option("staff")
    page.get_by_label(re.compile("^Milieu")).select_option("school")
    page.get_by_role("textbox", name="Témoignage").fill(text)
    page.get_by_role("button", name="Envoyer mon témoignage").click()
    expect(page.get_by_role("status")).to_contain_text("après relecture")
    expect(page.get_by_text(text)).to_have_count(0)

    testimony = cms.Testimony.objects.get(author_name="Camille")
    log_in(page, live_server.url, "editeur", "demo-edit-2026")
    page.goto(f"{live_server.url}/admin/snippets/cms/testimony/edit/{testimony.pk}/")
    page.locator("#id_status").select_option("approved")
    page.locator("button.action-save").first.click()
    expect(page.locator(".messages")).to_be_visible()
    page.context.clear_cookies()
    page.goto(live_server.url + experience.url)
    expect(page.get_by_text(text)).to_be_visible()
    screenshot("cms-testimonies")


def test_main_pages_have_no_serious_accessibility_issue(browser, live_server, demo_site):
    # axe-core is injected by the test as an inline script: only this context bypasses the CSP.
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    problems = {}
    for path in MAIN_PAGES:
        page.goto(live_server.url + path)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', "
            "'wcag21a', 'wcag21aa', 'best-practice']})).violations"
        )
        serious = [
            f"{violation['id']}: {violation['nodes'][0]['target']}"
            for violation in violations
            if violation["impact"] in ("serious", "critical")
        ]
        if serious:
            problems[path] = serious
    context.close()
    assert problems == {}
