"""The demo's manager sees exactly the demo campaigns (the whole demo: tests/core/test_demo.py)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from livinglab.campaigns import models
from livinglab.demo.accounts import load_core_demo
from livinglab.demo.campaigns import OUTSIDER, load

DEMO_SLUGS = {"bouge-ta-recre", "sommeil-serein", "bouger-au-bureau"}


@pytest.fixture
def demo(db):
    """Only the accounts and this app's demo (the whole `load_demo`: tests/core/test_demo.py)."""
    load_core_demo()
    load(stdout=io.StringIO())
    return get_user_model().objects


@pytest.mark.parametrize("username", ["gestionnaire", "evaluatrice"])
def test_demo_accounts_see_the_three_campaigns(client, demo, username):
    client.force_login(demo.get(username=username))
    listing = client.get(reverse("campaigns_campaign:index")).content.decode()
    for campaign in models.Campaign.objects.filter(slug__in=DEMO_SLUGS):
        assert campaign.title in listing
        dashboard = client.get(reverse("campaigns_campaign:inspect", args=[campaign.pk]))
        assert dashboard.status_code == 200
        assert "Traçabilité" in dashboard.content.decode()


def test_demo_manager_pages_render_and_show_only_their_campaigns(client, demo):
    foreign = models.Campaign.objects.create(
        slug="autre",
        title="Campagne étrangère",
        lead_organisation=models.Organisation.objects.get(name="Association Littoral Santé"),
    )
    client.force_login(demo.get(username="gestionnaire"))
    for name in ("campaign", "partner", "session", "contribution", "decision", "validation",
                 "action", "participant", "site", "organisation", "membership"):  # fmt: skip
        response = client.get(reverse(f"campaigns_{name}:index"))
        assert response.status_code == 200, name
        assert foreign.title not in response.content.decode()
    campaign = models.Campaign.objects.get(slug="bouge-ta-recre")
    assert client.get(reverse("campaigns_campaign:edit", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("campaigns_campaign:inspect", args=[foreign.pk])).status_code == 404


def test_the_outsider_sees_no_demo_campaign(client, demo):
    client.force_login(demo.get(username=OUTSIDER[0]))
    listing = client.get(reverse("campaigns_campaign:index")).content.decode()
    for campaign in models.Campaign.objects.filter(slug__in=DEMO_SLUGS):
        assert campaign.title not in listing
        url = reverse("campaigns_campaign:inspect", args=[campaign.pk])
        assert client.get(url).status_code == 404
