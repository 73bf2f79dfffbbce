"""A visitor and a staff member reach the site and the admin in a real browser."""

import pytest

pytestmark = pytest.mark.browser


def test_visitor_sees_the_home_page_and_can_skip_to_content(
    page, live_server, demo_site, screenshot
):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "LivingLab Prévention"
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("element => element === document.activeElement")
    screenshot("home")


def test_campaign_manager_logs_into_the_admin(page, live_server, demo_site, screenshot):
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "gestionnaire")
    page.fill("input[name=password]", "demo-gestion-2026")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert "Tableau de bord" in page.content()
    screenshot("admin-dashboard")
