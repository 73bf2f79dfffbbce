"""Lifecycle rules: which transitions the services allow, refuse, and why (in French)."""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from livinglab.campaigns import services
from livinglab.campaigns.models import Action, Campaign
from tests.campaigns.conftest import add_planned_action, add_user_validation

Status = Campaign.Status


def move(world, *targets, user="manager"):
    campaign = world["campaign"]
    for target in targets:
        campaign = services.campaign_transition(
            campaign=campaign, target=target, user=world["users"][user]
        )
    return campaign


def refusal(world, target, user="manager") -> str:
    with pytest.raises(services.TransitionRefused) as refused:
        move(world, target, user=user)
    return " ".join(str(reason) for reason in refused.value.reasons)


@pytest.fixture(autouse=True)
def no_extra_requirements(monkeypatch):
    """Other apps may register running requirements; these tests set their own."""
    monkeypatch.setattr(services, "RUNNING_REQUIREMENTS", [])


def test_the_whole_path_with_every_requirement_met(world):
    add_user_validation(world["campaign"], world["patients"])
    add_planned_action(world["campaign"])
    campaign = move(world, "codesign", "validated", "running", "evaluation", "closed")
    assert campaign.status == Status.CLOSED
    assert campaign.status_changed_at is not None
    entries = ModelLogEntry.objects.filter(
        action="livinglab.transition", object_id=str(campaign.pk)
    )
    assert [entry.data["to"] for entry in entries.order_by("timestamp")] == [
        "codesign", "validated", "running", "evaluation", "closed",
    ]  # fmt: skip
    assert entries.first().user == world["users"]["manager"]
    assert "→" in entries.first().message


def test_steps_cannot_be_skipped_or_reversed(world):
    assert "ne peut pas passer à « Validée »" in refusal(world, "validated")
    move(world, "codesign")
    assert "ne peut pas passer à « Brouillon »" in refusal(world, "draft")
    assert "État inconnu" in refusal(world, "paused")


def test_validation_needs_a_user_representative_organisation(world):
    move(world, "codesign")
    add_user_validation(world["campaign"], world["partner"])  # a mutuelle does not represent users
    assert "organisation représentant les usagers" in refusal(world, "validated")
    add_user_validation(world["campaign"], world["patients"])
    assert move(world, "validated").status == Status.VALIDATED


def test_running_needs_a_planned_action(world):
    add_user_validation(world["campaign"], world["patients"])
    move(world, "codesign", "validated")
    action = add_planned_action(world["campaign"])
    Action.objects.filter(pk=action.pk).update(status=Action.Status.CANCELLED)
    assert "au moins une action prévue" in refusal(world, "running")
    Action.objects.filter(pk=action.pk).update(status=Action.Status.PLANNED)
    assert move(world, "running").status == Status.RUNNING


def test_registered_running_requirements_are_checked(world, monkeypatch):
    monkeypatch.setattr(services, "RUNNING_REQUIREMENTS", [])
    requirement = services.register_running_requirement(
        lambda campaign: "Le protocole d'évaluation manque."
    )
    services.register_running_requirement(requirement)  # twice is once
    assert services.RUNNING_REQUIREMENTS == [requirement]
    add_user_validation(world["campaign"], world["patients"])
    move(world, "codesign", "validated")
    assert refusal(world, "running") == (
        "La campagne ne peut pas démarrer sans au moins une action prévue. "
        "Le protocole d'évaluation manque."
    )
    target, missing = services.campaign_next_step(campaign=world["campaign"])
    assert target == Status.RUNNING and len(missing) == 2


@pytest.mark.parametrize("path", [[], ["codesign"], ["codesign", "validated"]])
def test_cancel_from_any_open_state(world, path):
    add_user_validation(world["campaign"], world["patients"])
    assert move(world, *path, "cancelled").status == Status.CANCELLED


def test_closed_and_cancelled_are_final(world):
    move(world, "cancelled")
    assert "ne peut pas passer" in refusal(world, "cancelled")
    assert services.allowed_targets(campaign=world["campaign"]) == []


@pytest.mark.parametrize("user", ["member", "evaluator", "partner_manager", "outsider"])
def test_only_lead_managers_move_the_lifecycle(world, user):
    with pytest.raises(PermissionDenied, match="organisation porteuse"):
        move(world, "codesign", user=user)
    world["campaign"].refresh_from_db()
    assert world["campaign"].status == Status.DRAFT
