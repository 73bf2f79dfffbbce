"""A campaign cannot start running without an evaluation protocol (campaigns issue rule)."""

import io
import json

import pytest
from django.core.management import call_command

from livinglab.campaigns.models import Action, Campaign, Organisation
from livinglab.campaigns.services import campaign_transition_blockers

pytestmark = pytest.mark.django_db


def test_running_needs_a_protocol(tmp_path):
    lead = Organisation.objects.create(name="Asso", kind="association")
    campaign = Campaign.objects.create(
        slug="sans-protocole", title="Sans protocole", lead_organisation=lead, status="validated"
    )
    Action.objects.create(campaign=campaign, title="Atelier", action_type="workshop",
                          setting="school", start_date="2026-10-01")  # fmt: skip
    assert campaign_transition_blockers(campaign=campaign, target="running") == [
        "Il manque un protocole d'évaluation (vagues, critères de jugement)."
    ]
    path = tmp_path / "protocol.json"
    path.write_text(json.dumps({
        "campaign": {"slug": "sans-protocole"}, "design": "pre_post",
        "waves": ["baseline", "post"],
        "outcomes": [{"indicator": "sleep_hours", "scale": "continuous", "primary": True}],
    }))  # fmt: skip
    call_command("import_protocol", str(path), stdout=io.StringIO())
    assert campaign_transition_blockers(campaign=campaign, target="running") == []
