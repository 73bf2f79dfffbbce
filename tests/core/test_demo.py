"""The whole demo, as `make run` loads it: every app's part, idempotent.

The module's `demo` fixture gives the demo as `load_demo` left it on an empty database (the
first load of the session; `tests/demo_snapshot.py`); the test runs the command once more on it,
as a second `make run` with changed inputs does, and nothing may change.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from wagtail.models import ModelLogEntry, Page, Site

from livinglab.campaigns import models as campaigns
from livinglab.campaigns.models import Campaign, Participant
from livinglab.cms.models import HomePage
from livinglab.demo.accounts import MANAGER_USERNAME
from livinglab.evaluation.models import EvaluationRun, Protocol, Response

pytestmark = pytest.mark.django_db

COUNTED = [
    get_user_model(), Site, HomePage, Page, ModelLogEntry, Protocol, Response, EvaluationRun,
    campaigns.Organisation, campaigns.Membership, Campaign, campaigns.CampaignPartner,
    campaigns.CodesignSession, campaigns.SessionAttendance, campaigns.Contribution,
    campaigns.Decision, campaigns.UserValidation, campaigns.Site, campaigns.Action, Participant,
    campaigns.Attendance, campaigns.BudgetLine,
]  # fmt: skip


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The demo's files stay where the module's `demo` fixture put them."""


def counts() -> dict:
    result = {f"{model._meta.label}": model.objects.count() for model in COUNTED}
    # The campaigns' transitions (the evaluation demo logs a new evaluation run on each load).
    result["transitions"] = ModelLogEntry.objects.filter(action="livinglab.transition").count()
    return result


def test_load_demo_twice_gives_the_same_data(settings, demo):
    settings.DEBUG = True  # the demo's known passwords, without --force
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    assert first["cms.HomePage"] == 2  # the French home page and its English copy
    assert Site.objects.get(is_default_site=True).root_page.specific.__class__ is HomePage
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {"admin", "gestionnaire", "evaluatrice", "editeur"} <= usernames
    assert first["campaigns.Campaign"] >= 3 and first["evaluation.Response"] > 1000
    statuses = set()
    for campaign in Campaign.objects.filter(protocols__isnull=False).distinct():
        statuses.add(campaign.status)
        assert campaign.runs.filter(status=EvaluationRun.Status.SUCCEEDED).exists(), campaign.slug
        published = campaign.runs.filter(published_at__isnull=False).exists()
        if campaign.status == Campaign.Status.RUNNING:
            # Still collecting answers: an interim run, nothing published, the questionnaire open.
            assert not published, campaign.slug
            wave = campaign.waves.order_by("order").first()
            answer = Client().get(f"/questionnaire/{campaign.slug}/{wave.code}/")
            assert answer.status_code == 200, campaign.slug
            continue
        # Published by the demo manager through the publishing service, hence audited.
        assert published, campaign.slug
        entry = ModelLogEntry.objects.filter(
            action="livinglab.publish_results", object_id=str(campaign.pk)
        ).get()
        assert entry.user.username == MANAGER_USERNAME
    assert {Campaign.Status.RUNNING, Campaign.Status.EVALUATION} <= statuses
    designs = set(Protocol.objects.values_list("design", flat=True))
    assert designs == {"pre_post", "controlled_pre_post", "repeated"}
    locked = Protocol.objects.filter(campaign__slug="bouge-ta-recre").get()
    assert locked.is_locked


def test_demo_campaigns_are_co_designed_with_two_groups(demo):
    slugs = {"bouge-ta-recre", "sommeil-serein", "bouger-au-bureau"}
    assert set(Campaign.objects.values_list("slug", flat=True)) >= slugs
    for campaign in Campaign.objects.filter(slug__in=slugs):
        groups = set(campaign.participants.values_list("group", flat=True))
        assert groups == {"intervention", "comparison"}
        assert 60 <= campaign.participants.count() <= 200
        assert campaign.sessions.exists() and campaign.decisions.exists()
        assert campaign.validations.filter(organisation__kind="patient_association").exists()
        assert campaign.actions.exists()
    assert campaigns.Attendance.objects.exists()
