"""The whole demo, as `make run` loads it: every app's part, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.models import ModelLogEntry, Page

from livinglab.campaigns.models import Campaign, Participant
from livinglab.demo.accounts import MANAGER_USERNAME
from livinglab.evaluation.models import EvaluationRun, Protocol, Response

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        "campaigns": Campaign.objects.count(),
        "participants": Participant.objects.count(),
        "protocols": Protocol.objects.count(),
        "responses": Response.objects.count(),
        "runs": EvaluationRun.objects.count(),
        "pages": Page.objects.count(),
        "audit": ModelLogEntry.objects.count(),
    }


def test_load_demo_twice_gives_the_same_data(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    assert first["campaigns"] >= 3 and first["responses"] > 1000
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
