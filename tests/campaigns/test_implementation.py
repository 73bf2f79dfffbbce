"""Implementation (#17): an action is marked done with its date and attendance, from the
dashboard; it feeds the RE-AIM Implementation (actions delivered / planned) and Reach figures
(`evaluation.runs.dataset.load_re_aim_context`)."""

from datetime import date

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from livinglab.campaigns.models import Action, Attendance, Participant
from livinglab.evaluation.runs.dataset import load_re_aim_context
from tests.campaigns.conftest import add_planned_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def actions(world):
    campaign, site = world["campaign"], world["site"]
    first = add_planned_action(campaign, site)
    second = Action.objects.create(
        campaign=campaign,
        title="Atelier 2",
        action_type="workshop",
        setting="school",
        site=site,
        start_date=date(2026, 3, 9),
        planned_attendance=20,
    )
    for code in ("P-002", "P-003"):
        Participant.objects.create(campaign=campaign, code=code, site=site)
    return first, second


def done_url(action) -> str:
    return reverse("campaigns_campaign:action_done", args=[action.campaign_id, action.pk])


def test_marking_an_action_done_feeds_re_aim(client, world, actions):
    first, second = actions
    campaign = world["campaign"]
    before = load_re_aim_context(campaign=campaign)
    assert (before["actions_planned"], before["actions_delivered"]) == (2, 0)
    client.force_login(world["users"]["manager"])

    page = client.get(done_url(first))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Action réalisée — Atelier" in html
    assert "P-001" in html and "F-001" not in html  # this campaign's participants only

    attendees = Participant.objects.filter(campaign=campaign, code__in=["P-001", "P-002"])
    response = client.post(
        done_url(first),
        {"delivered_on": "2026-03-02", "attendees": [p.pk for p in attendees]},
    )
    assert response.status_code == 302
    assert response.url == reverse("campaigns_campaign:inspect", args=[campaign.pk])
    first.refresh_from_db()
    assert first.status == Action.Status.DELIVERED
    assert first.delivered_on == date(2026, 3, 2)
    assert first.actual_attendance == 2  # from the ticked participants
    assert ModelLogEntry.objects.filter(action="livinglab.action_done").exists()

    after = load_re_aim_context(campaign=campaign)
    assert (after["actions_planned"], after["actions_delivered"]) == (2, 1)
    assert after["actual_attendance"] == 2
    assert after["participants_attending"] == 2  # Reach

    dashboard = client.get(response.url).content.decode()
    assert "1 action(s) réalisée(s) sur 2 prévue(s)" in dashboard


def test_a_count_alone_is_enough_and_ticking_again_replaces(client, world, actions):
    first, _second = actions
    client.force_login(world["users"]["manager"])
    response = client.post(done_url(first), {"delivered_on": "2026-03-02", "actual_attendance": 18})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.actual_attendance == 18 and not first.attendances.exists()

    p3 = Participant.objects.get(code="P-003")
    client.post(
        done_url(first),
        {"delivered_on": "2026-03-02", "actual_attendance": 18, "attendees": [p3.pk]},
    )
    assert list(Attendance.objects.values_list("participant__code", flat=True)) == ["P-003"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"delivered_on": "2026-03-02"}, "actual_attendance"),  # neither a count nor names
        ({"actual_attendance": 3}, "delivered_on"),
        ({"delivered_on": "02/03/2026x", "actual_attendance": 3}, "delivered_on"),
    ],
)
def test_incomplete_answers_are_form_errors(client, world, actions, data, field):
    client.force_login(world["users"]["manager"])
    response = client.post(done_url(actions[0]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    actions[0].refresh_from_db()
    assert actions[0].status == Action.Status.PLANNED


def test_a_foreign_participant_posted_by_hand_is_a_form_error(client, world, actions):
    client.force_login(world["users"]["manager"])
    foreign = Participant.objects.get(code="F-001")
    response = client.post(
        done_url(actions[0]), {"delivered_on": "2026-03-02", "attendees": [foreign.pk]}
    )
    assert response.status_code == 200
    assert "attendees" in response.context["form"].errors


def test_only_editors_of_the_campaign_mark_actions_done(client, world, actions):
    url = done_url(actions[0])
    client.force_login(world["users"]["outsider"])
    assert client.get(url).status_code == 404
    client.force_login(world["users"]["evaluator"])  # sees the campaign, may not change actions
    denied = client.post(url, {"delivered_on": "2026-03-02", "actual_attendance": 3})
    assert denied.status_code in (302, 403) and denied.get("Location", "") != ""
    actions[0].refresh_from_db()
    assert actions[0].status == Action.Status.PLANNED
    # An action of another campaign under this campaign's address: not found.
    foreign_action = add_planned_action(world["foreign"])
    client.force_login(world["users"]["manager"])
    wrong = reverse(
        "campaigns_campaign:action_done", args=[world["campaign"].pk, foreign_action.pk]
    )
    assert client.get(wrong).status_code == 404
