"""The demo loads twice to the same counts; its manager sees exactly the demo campaigns."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from livinglab.campaigns import models
from livinglab.demo.accounts import load_core_demo
from livinglab.demo.campaigns import OUTSIDER, load

COUNTED = [
    models.Organisation, models.Membership, models.Campaign, models.CampaignPartner,
    models.CodesignSession, models.SessionAttendance, models.Contribution, models.Decision,
    models.UserValidation, models.Site, models.Action, models.Participant, models.Attendance,
    models.BudgetLine,
]  # fmt: skip
DEMO_SLUGS = {"bouge-ta-recre", "sommeil-serein", "bouger-au-bureau"}


def counts():
    result = {model.__name__: model.objects.count() for model in COUNTED}
    # This app's audit entries (the evaluation demo logs a new evaluation run on each load).
    result["transitions"] = ModelLogEntry.objects.filter(action="livinglab.transition").count()
    return result


@pytest.fixture
def demo(db):
    """Only the accounts and this app's demo (the whole `load_demo` is tested once below)."""
    load_core_demo()
    load(stdout=io.StringIO())
    return get_user_model().objects


def test_load_demo_twice_gives_the_same_counts(db):
    call_command("load_demo", "--force", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert counts() == first
    assert set(models.Campaign.objects.values_list("slug", flat=True)) >= DEMO_SLUGS
    for campaign in models.Campaign.objects.filter(slug__in=DEMO_SLUGS):
        groups = set(campaign.participants.values_list("group", flat=True))
        assert groups == {"intervention", "comparison"}
        assert 60 <= campaign.participants.count() <= 200
        assert campaign.sessions.exists() and campaign.decisions.exists()
        assert campaign.validations.filter(organisation__kind="patient_association").exists()
        assert campaign.actions.exists()
    assert models.Attendance.objects.exists()


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
