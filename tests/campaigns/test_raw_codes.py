"""No raw code in the French campaign admin of the demo (#17, acceptance 4, admin part), and the
demo tells a coherent story (actions done with attendance, states matching published results,
every account the README lists printed).

The demo is loaded once (the `demo` fixture: `load_demo` as `make run` runs it); `admin` and
`gestionnaire` then open the campaign admin pages: the listing, each campaign's dashboard, its
records' lists and forms (opened from the dashboard), marking an action done, the participants
import. The visible text (tags stripped; attribute and option values are not text) must not show
a code where a reader expects a label. On the import page, codes inside <code> are the
documented file values, shown beside their labels: they are left out.
"""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from livinglab.campaigns.models import Action, Campaign
from livinglab.demo.accounts import DEMO_ACCOUNTS
from livinglab.demo.campaigns import OUTSIDER

pytestmark = pytest.mark.django_db

# Codes that never belong in French text, wherever they appear.
ALWAYS_RAW = [
    "not_stated", "baseline", "did_ols", "controlled_pre_post", "pre_post", "generic",
    "comparison", "female", "male", "peer_education", "patient_association", "codesigner",
    "lt11", "11-14", "15-17", "18-24", "25-34", "35-44", "45-54", "55+", "planned", "delivered",
    "cancelled", "awareness", "workshop", "screening", "codesign", "running", "succeeded",
    "queued", "Campaign", "Themes",
]  # fmt: skip
# Codes that are also French words: raw only when they are a whole text (a cell, a label).
RAW_WHEN_ALONE = {"intervention", "school", "university", "workplace", "other", "evaluation"}
PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(code) for code in ALWAYS_RAW) + r")(?![\w-])"
)


class VisibleText(HTMLParser):
    """Text nodes a reader sees: not scripts, styles, templates, nor <code> (documented codes)."""

    HIDDEN = {"script", "style", "template", "code", "noscript", "svg"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.texts

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.texts.append(data.strip())


def raw_codes(html: str) -> list[str]:
    found = []
    for text in VisibleText.of(html):
        found += [f"{code!r} in {text[:80]!r}" for code in PATTERN.findall(text)]
        if text in RAW_WHEN_ALONE:
            found.append(f"{text!r} alone")
    return found


def test_the_scan_catches_codes_and_spares_labels_and_attributes():
    assert raw_codes("<td>not_stated</td>") == ["'not_stated' in 'not_stated'"]
    assert raw_codes("<td>intervention</td>") == ["'intervention' alone"]
    assert raw_codes("<p>11-14</p>")
    assert not raw_codes('<option value="not_stated">Non renseigné</option>')
    assert not raw_codes('<td data-x="baseline">Avant</td><p>une intervention</p>')
    assert not raw_codes("<td>11–14 ans</td><code>11-14</code>")


def campaign_pages(campaign: Campaign) -> list[str]:
    dashboard = reverse("campaigns_campaign:inspect", args=[campaign.pk])
    query = f"?campaign={campaign.pk}&next={dashboard}"
    urls = [
        dashboard,
        reverse("campaigns_campaign:edit", args=[campaign.pk]),
        reverse("campaigns_campaign:history", args=[campaign.pk]),
        reverse("campaigns_transfers:import", args=["participants"]) + query,
    ]
    for namespace in (
        "campaigns_partner", "campaigns_session", "campaigns_contribution", "campaigns_decision",
        "campaigns_validation", "campaigns_action", "campaigns_participant",
    ):  # fmt: skip
        urls.append(reverse(f"{namespace}:index") + f"?campaign={campaign.pk}")
        urls.append(reverse(f"{namespace}:add") + query)
    for action in campaign.actions.all():
        urls.append(reverse("campaigns_campaign:action_done", args=[campaign.pk, action.pk]))
        urls.append(reverse("campaigns_action:edit", args=[action.pk]))
    participant = campaign.participants.order_by("code").first()
    if participant is not None:
        urls.append(reverse("campaigns_participant:edit", args=[participant.pk]))
    return urls


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The demo's files stay where the module's `demo` fixture put them."""


def test_demo_admin_pages_show_no_raw_code_and_tell_a_coherent_story(settings, demo):
    settings.DEBUG = True
    output = io.StringIO()
    call_command("load_demo", stdout=output)  # on the demo: what a second `make run` prints

    # Every account the README lists, with its password.
    printed = output.getvalue()
    for account in DEMO_ACCOUNTS:
        assert f"{account.username} / {account.password}" in printed
    assert f"{OUTSIDER[0]} / {OUTSIDER[1]}" in printed

    # Implementation: campaigns past their field work have their actions done, with attendance.
    campaigns = list(Campaign.objects.order_by("pk"))
    for campaign in campaigns:
        published = campaign.runs.filter(published_at__isnull=False).exists()
        if published:  # results are public only from "evaluation" on
            assert campaign.status in (Campaign.Status.EVALUATION, Campaign.Status.CLOSED)
        if campaign.status in (Campaign.Status.EVALUATION, Campaign.Status.CLOSED):
            actions = campaign.actions.all()
            assert actions and all(a.status == Action.Status.DELIVERED for a in actions)
            assert all(a.delivered_on and a.actual_attendance for a in actions), campaign.slug
        for action in campaign.actions.exclude(status=Action.Status.DELIVERED):
            assert not action.attendances.exists()  # nobody attended an action not yet done

    problems, seen = {}, set()
    for username in ("admin", "gestionnaire"):
        client = Client()
        client.force_login(client_user(username))
        urls = [reverse("campaigns_campaign:index")]
        for campaign in campaigns:
            urls += campaign_pages(campaign)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            html = response.content.decode()
            title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
            if title.startswith("-"):
                problems[f"{username} {url} <title>"] = [title]
            if found := raw_codes(html):
                problems[f"{username} {url}"] = found
            seen.update(VisibleText.of(html))
    assert not problems, "\n".join(f"{url}: {found[:5]}" for url, found in problems.items())
    # The pages did show the coded values, as labels.
    assert {"Comparaison", "Intervention", "Réalisée", "Femme", "Non renseigné"} <= seen


def client_user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
