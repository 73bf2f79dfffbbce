"""The Content Security Policy forbids inline scripts; Wagtail's admin widgets still work.

The `page` fixture fails a test on any CSP violation or script error, so every browser test
checks the policy; this one drives the widgets whose inline scripts we replaced.
"""

import pytest
from playwright.sync_api import expect

from livinglab.cms import models as cms
from tests.browser.test_cms import log_in

pytestmark = pytest.mark.browser


def test_public_pages_carry_a_policy_without_inline_scripts(page, live_server, demo_site):
    response = page.goto(live_server.url + "/")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"


def test_choosers_date_pickers_and_inline_panels_work_under_the_policy(
    page, live_server, demo_site
):
    kit = cms.ResourceKitPage.objects.order_by("pk").first()
    log_in(page, live_server.url, "editeur", "demo-edit-2026")
    page.goto(f"{live_server.url}/admin/pages/{kit.pk}/edit/")
    markers = page.locator("[data-livinglab-init]")
    assert markers.count() >= 3  # document chooser, inline panel, publishing date pickers
    expect(page.locator("[data-livinglab-init]:not([data-livinglab-done])")).to_have_count(0)
    # The date-time pickers of the scheduling dialog were built (jQuery datetimepicker).
    assert page.locator(".xdsoft_datetimepicker").count() >= 2
    # The inline panel adds a document row, whose new chooser is initialised too.
    forms = page.locator("#id_documents-FORMS > [data-inline-panel-child]")
    before = forms.count()
    page.locator("#id_documents-ADD").click()
    expect(forms).to_have_count(before + 1)
    expect(page.locator("[data-livinglab-init]:not([data-livinglab-done])")).to_have_count(0)
    # The new row's document chooser opens its modal.
    page.locator("#id_documents-FORMS [data-chooser-action-choose]:visible").last.click()
    expect(page.locator(".modal-dialog").first).to_be_visible()
