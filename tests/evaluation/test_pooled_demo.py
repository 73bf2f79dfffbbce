"""Acceptance 1 (second half): the demo pools at least three published campaigns for two
indicators, and draws their forest plots."""

import pytest
from django.test import Client
from django.urls import reverse

from livinglab.evaluation.models import PooledEvidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The demo's files (its forest plots) stay where the module's `demo` fixture put them."""


def test_demo_pools_three_campaigns_for_two_indicators_with_forest_plots(demo):
    overall = PooledEvidence.objects.filter(setting="", theme=None, campaigns__gte=3)
    assert {evidence.indicator.code for evidence in overall} >= {
        "mvpa_minutes",
        "screen_time_hours",
    }
    for evidence in overall:
        assert evidence.effect_scale == PooledEvidence.EffectScale.NATURAL
        assert evidence.numbers["pm"]["k"] == evidence.campaigns
        assert evidence.numbers["pm"]["pi_low"] is not None
        svg = Client().get(reverse("evaluation_pooled:forest_plot", args=[evidence.pk, "svg"]))
        assert svg.status_code == 200
        for study in evidence.numbers["studies"]:
            assert study["title"] in svg.content.decode()
    # settings of the pooled campaigns: école and université both have a stratum
    assert (
        PooledEvidence.objects.filter(
            indicator__code="mvpa_minutes", setting__in=["school", "university"]
        ).count()
        == 2
    )
