"""Permission matrix over the real admin URLs: who may list, inspect, edit, move, import, export."""

import pytest
from django.urls import reverse

from livinglab.campaigns.models import Campaign, Contribution

ROLES = ["anonymous", "no_membership", "outsider", "member", "evaluator", "manager", "superuser"]
# What each role gets; "login" = redirected to the admin login page; 403 = refused (Wagtail turns
# PermissionDenied into a redirect to the admin home with a message, plain 403 for XHR).
MATRIX = {
    #                list  inspect edit  transition import export
    "anonymous":     ("login", "login", "login", "login", "login", "login"),
    "no_membership": (403, 404, 403, 404, 403, 403),
    "outsider":      ("hidden", 404, 404, 404, 403, 403),
    "member":        (200, 200, 403, 403, 403, 403),
    "evaluator":     (200, 200, 403, 403, 403, 403),
    "manager":       (200, 200, 200, 302, 200, 200),
    "superuser":     (200, 200, 200, 302, 200, 200),
}  # fmt: skip
OPERATIONS = ["list", "inspect", "edit", "transition", "import", "export"]


def is_denied(response) -> bool:
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code == 403


def request(client, operation, campaign):
    pk = campaign.pk
    if operation == "list":
        return client.get(reverse("campaigns_campaign:index"))
    if operation == "inspect":
        return client.get(reverse("campaigns_campaign:inspect", args=[pk]))
    if operation == "edit":
        return client.get(reverse("campaigns_campaign:edit", args=[pk]))
    if operation == "transition":
        url = reverse("campaigns_campaign:transition", args=[pk])
        return client.post(url, {"target": "codesign"})
    if operation == "import":
        url = reverse("campaigns_transfers:import", args=["participants"])
        return client.get(url, {"campaign": pk})
    url = reverse("campaigns_transfers:export", args=["participants"])
    return client.get(url, {"campaign": pk, "format": "csv"})


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role, operation):
    campaign = world["campaign"]
    if role != "anonymous":
        client.force_login(world["users"][role])
    expected = MATRIX[role][OPERATIONS.index(operation)]
    response = request(client, operation, campaign)
    if expected == "login":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif expected == "hidden":
        assert response.status_code == 200
        assert campaign.title not in response.content.decode()
    elif expected == 403:
        assert is_denied(response)
    else:
        assert response.status_code == expected
    if operation == "list" and expected == 200:
        assert campaign.title in response.content.decode()
        assert world["foreign"].title not in response.content.decode() or role == "superuser"
    if operation == "transition":
        campaign.refresh_from_db()
        assert (campaign.status == Campaign.Status.CODESIGN) == (expected == 302)


@pytest.mark.parametrize(
    ("model", "visible_text", "hidden_text"),
    [("participant", "P-001", "F-001"), ("action", "Atelier ici", "Atelier ailleurs")],
)
def test_record_lists_show_only_the_users_campaigns(
    client, world, model, visible_text, hidden_text
):
    from tests.campaigns.conftest import add_planned_action

    add_planned_action(world["campaign"]).__class__.objects.filter(
        campaign=world["campaign"]
    ).update(title="Atelier ici")
    add_planned_action(world["foreign"]).__class__.objects.filter(campaign=world["foreign"]).update(
        title="Atelier ailleurs"
    )
    # Participant rows are for the campaign's managers only (test_row_level_access.py)
    lister = "manager" if model == "participant" else "evaluator"
    client.force_login(world["users"][lister])
    content = client.get(reverse(f"campaigns_{model}:index")).content.decode()
    assert visible_text in content and hidden_text not in content
    foreign_record = world["foreign"].participants.first()
    for role in ("evaluator", "manager"):
        client.force_login(world["users"][role])
        for view in ("edit", "inspect", "delete", "history"):
            url = reverse(f"campaigns_participant:{view}", args=[foreign_record.pk])
            response = client.get(url)
            assert response.status_code == 404 or is_denied(response), (role, view)


def contribution_form(campaign):
    return {"campaign": campaign.pk, "kind": "idea", "text": "Des jeux au sol", "votes": 0}


@pytest.mark.parametrize(("role", "allowed"), [("member", True), ("evaluator", False)])
def test_members_add_codesign_records_evaluators_only_read(client, world, role, allowed):
    client.force_login(world["users"][role])
    response = client.post(
        reverse("campaigns_contribution:add"), contribution_form(world["campaign"])
    )
    assert Contribution.objects.exists() == allowed
    assert (response.status_code == 302) if allowed else is_denied(response)


def test_a_member_cannot_add_records_to_another_organisations_campaign(client, world):
    client.force_login(world["users"]["member"])
    response = client.post(
        reverse("campaigns_contribution:add"), contribution_form(world["foreign"])
    )
    assert response.status_code == 200  # the form refuses the campaign choice
    assert not Contribution.objects.exists()


def test_admin_create_and_edit_are_audit_logged(client, world):
    from wagtail.models import ModelLogEntry

    client.force_login(world["users"]["manager"])
    client.post(reverse("campaigns_contribution:add"), contribution_form(world["campaign"]))
    contribution = Contribution.objects.get()
    edit_url = reverse("campaigns_contribution:edit", args=[contribution.pk])
    client.post(edit_url, {**contribution_form(world["campaign"]), "votes": 3})
    actions = set(
        ModelLogEntry.objects.filter(object_id=str(contribution.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"wagtail.create", "wagtail.edit"} <= actions
    dashboard = reverse("campaigns_campaign:inspect", args=[world["campaign"].pk])
    assert "Des jeux au sol" in client.get(dashboard).content.decode()


def test_partner_managers_cannot_hand_the_campaign_to_their_organisation(client, world):
    client.force_login(world["users"]["partner_manager"])
    campaign = world["campaign"]
    url = reverse("campaigns_campaign:edit", args=[campaign.pk])
    data = {"title": "Reprise", "slug": campaign.slug, "lead_organisation": world["partner"].pk}
    client.post(url, data)
    campaign.refresh_from_db()
    assert campaign.lead_organisation == world["lead"]
