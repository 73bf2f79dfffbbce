"""Budget lines (issue #16): the model's rules, the figures, the admin with its rights (attacked
from another organisation), the import and export, and the public page's aggregate."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from livinglab.campaigns import costs, transfers
from livinglab.campaigns.models import BudgetLine, Participant
from tests.campaigns.conftest import add_planned_action
from tests.campaigns.test_admin_permissions import is_denied

NNBSP = "\u202f"


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace(NNBSP, " ").replace("&#x27;", "'")


def line(campaign, label="Animatrice", amount="100", **fields):
    fields = {"category": "staff", **fields}
    return BudgetLine.objects.create(
        campaign=campaign, label=label, amount=Decimal(amount), **fields
    )


@pytest.fixture
def costed(world):
    """Campaign: 100 € spent on an action + 25 € in kind; 3 reached (1 more withdrawn, 2 in the
    comparison group): 125 / 3 = 41,67 € per participant reached."""
    campaign = world["campaign"]
    action = add_planned_action(campaign)
    campaign.participants.all().delete()  # the fixture's participant: start from none
    for index in range(3):
        Participant.objects.create(campaign=campaign, code=f"I-{index}", group="intervention")
    Participant.objects.create(
        campaign=campaign, code="I-9", group="intervention", withdrawal_date=date(2026, 5, 1)
    )
    for index in range(2):
        Participant.objects.create(campaign=campaign, code=f"C-{index}", group="comparison")
    line(campaign, "Animatrice", "100", action=action, funder=world["partner"])
    line(campaign, "Bénévoles", "25", category="materials", kind="in_kind")
    foreign = line(world["foreign"], "Ligne secrète d'ailleurs", "999")
    return {**world, "action": action, "foreign_line": foreign}


# The model and the figures ---------------------------------------------------------------------


def test_an_action_of_another_campaign_is_refused_naming_the_field(world):
    foreign_action = add_planned_action(world["foreign"])
    budget = BudgetLine(campaign=world["campaign"], action=foreign_action, label="x",
                        category="other", amount=Decimal("10"))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        budget.full_clean()
    assert "« Action »" in refused.value.message_dict["action"][0]


def test_a_negative_amount_is_refused(world):
    budget = BudgetLine(campaign=world["campaign"], label="x", category="other",
                        amount=Decimal("-1"))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        budget.full_clean()
    assert "amount" in refused.value.message_dict


def test_figures_count_in_kind_apart_and_reach_only_the_intervention_group(costed):
    figures = costs.campaign_costs(campaign=costed["campaign"])
    assert (figures.total, figures.financial, figures.in_kind) == (125, 100, 25)
    assert figures.reached == 3  # not the withdrawn one, not the comparison group
    assert figures.per_participant == Decimal("41.67")
    assert plain(figures.per_participant_text) == "41,67 €"
    assert [(s.label, s.amount) for s in figures.by_category] == [
        ("Personnel / temps de travail", 100),
        ("Supports et matériel", 25),
    ]
    assert [(s.label, s.amount) for s in figures.by_funder] == [
        ("Mutuelle Partenaire", 100),
        ("Financeur non renseigné", 25),
    ]
    assert [(s.label, s.amount) for s in figures.by_action] == [
        ("Atelier", 100),
        ("Campagne dans son ensemble", 25),
    ]
    assert costs.cost_per_participant(costed["campaign"]) == Decimal("41.67")


def test_cost_per_participant_is_none_without_cost_or_without_anyone_reached(costed):
    campaign, foreign = costed["campaign"], costed["foreign"]
    empty = type(campaign).objects.create(slug="vide", title="Vide",
                                          lead_organisation=costed["lead"])  # fmt: skip
    # The foreign campaign has a line but its one participant… is in the intervention group:
    assert costs.cost_per_participant(foreign) == Decimal("999.00")
    foreign.participants.update(group="comparison")
    assert costs.cost_per_participant(foreign) is None  # nobody reached
    assert costs.cost_per_participant(empty) is None  # no budget line
    assert costs.cost_per_participant(campaign) == Decimal("41.67")


def test_costs_per_participant_is_batched(costed, django_assert_num_queries):
    ids = [costed["campaign"].pk, costed["foreign"].pk]
    with django_assert_num_queries(2):
        found = costs.costs_per_participant(ids)
    assert found == {costed["campaign"].pk: Decimal("41.67"), costed["foreign"].pk: Decimal("999")}


def test_euros_the_french_way():
    assert costs.format_euros(Decimal("12500")) == f"12{NNBSP}500\u00a0€"
    assert costs.format_euros(Decimal("41.67")) == "41,67\u00a0€"
    assert costs.format_euros(Decimal("1234567.891")) == f"1{NNBSP}234{NNBSP}567,89\u00a0€"
    assert costs.format_euros(Decimal("7"), cents=True) == "7,00\u00a0€"


# The admin -------------------------------------------------------------------------------------


def form_data(campaign, **values):
    return {"campaign": campaign.pk, "label": "Affiches", "category": "communication",
            "kind": "financial", "amount": "450,50", **values}  # fmt: skip


def test_dashboard_hub_adds_a_line_on_the_campaign_and_comes_back(client, costed):
    campaign = costed["campaign"]
    client.force_login(costed["users"]["manager"])
    dashboard = reverse("campaigns_campaign:inspect", args=[campaign.pk])
    html = plain(client.get(dashboard).content.decode())
    assert 'data-hub-link="campaigns_budgetline"' in html
    assert "Ajouter une ligne budgétaire" in html
    assert "Coût total : <strong>125 €</strong>" in html
    assert "dont 100 € de dépenses financières et 25 € de contributions en nature" in html
    assert "Coût par participant atteint : <strong>41,67 €</strong>" in html
    assert "Personnel / temps de travail" in html and ">staff<" not in html
    add = reverse("campaigns_budgetline:add")
    query = f"?campaign={campaign.pk}&next={dashboard}"
    form = client.get(add + query).content.decode()
    assert f'<option value="{campaign.pk}" selected>' in form
    response = client.post(add + query, form_data(campaign, amount="450.50"))
    assert response.status_code == 302 and response["Location"] == dashboard
    created = BudgetLine.objects.get(label="Affiches")
    assert created.amount == Decimal("450.50") and created.campaign == campaign
    assert ModelLogEntry.objects.filter(object_id=str(created.pk), action="wagtail.create").exists()
    history = plain(client.get(dashboard).content.decode())
    assert "ligne budgétaire : Affiches" in history


def test_edits_are_audit_logged(client, costed):
    client.force_login(costed["users"]["manager"])
    budget = BudgetLine.objects.get(label="Bénévoles")
    url = reverse("campaigns_budgetline:edit", args=[budget.pk])
    data = form_data(costed["campaign"], label="Bénévoles", category="materials",
                     kind="in_kind", amount="30")  # fmt: skip
    assert client.post(url, data).status_code == 302
    budget.refresh_from_db()
    assert budget.amount == 30
    assert ModelLogEntry.objects.filter(object_id=str(budget.pk), action="wagtail.edit").exists()


def test_a_manager_of_another_organisation_neither_sees_nor_edits(client, costed):
    outsider = costed["users"]["outsider"]  # manages the foreign campaign's organisation
    client.force_login(costed["users"]["manager"])
    listing = client.get(reverse("campaigns_budgetline:index")).content.decode()
    assert "Animatrice" in listing and "Ligne secrète d&#x27;ailleurs" not in listing
    foreign_line = costed["foreign_line"]
    for view in ("edit", "inspect", "delete", "history"):
        response = client.get(reverse(f"campaigns_budgetline:{view}", args=[foreign_line.pk]))
        assert response.status_code == 404, view
    response = client.post(
        reverse("campaigns_budgetline:edit", args=[foreign_line.pk]),
        form_data(costed["campaign"], label="Détournée"),
    )
    assert response.status_code == 404
    # Adding a line to a campaign of another organisation, its id in the POST: refused.
    before = BudgetLine.objects.count()
    response = client.post(reverse("campaigns_budgetline:add"), form_data(costed["foreign"]))
    assert response.status_code == 200 and BudgetLine.objects.count() == before
    # …nor an action of another campaign on one's own line.
    foreign_action = add_planned_action(costed["foreign"])
    response = client.post(
        reverse("campaigns_budgetline:add"),
        form_data(costed["campaign"], action=foreign_action.pk),
    )
    assert response.status_code == 200 and BudgetLine.objects.count() == before
    # The other way round: the outsider sees their own line only, and not our dashboard.
    client.force_login(outsider)
    listing = client.get(reverse("campaigns_budgetline:index")).content.decode()
    assert "Ligne secrète" in listing and "Animatrice" not in listing
    ours = BudgetLine.objects.get(label="Animatrice")
    assert client.get(reverse("campaigns_budgetline:edit", args=[ours.pk])).status_code == 404
    dashboard = reverse("campaigns_campaign:inspect", args=[costed["campaign"].pk])
    assert client.get(dashboard).status_code == 404


def test_members_read_budget_lines_but_only_managers_write(client, costed):
    member = costed["users"]["member"]
    client.force_login(member)
    assert "Animatrice" in client.get(reverse("campaigns_budgetline:index")).content.decode()
    response = client.post(reverse("campaigns_budgetline:add"), form_data(costed["campaign"]))
    assert is_denied(response) and not BudgetLine.objects.filter(label="Affiches").exists()
    ours = BudgetLine.objects.get(label="Animatrice")
    assert is_denied(client.get(reverse("campaigns_budgetline:edit", args=[ours.pk])))


def test_non_managers_see_no_cost_per_participant_of_few_people(client, costed):
    client.force_login(costed["users"]["evaluator"])
    dashboard = reverse("campaigns_campaign:inspect", args=[costed["campaign"].pk])
    html = plain(client.get(dashboard).content.decode())
    assert "Coût total : <strong>125 €</strong>" in html
    assert "41,67" not in html  # 3 people reached: 125 / 41,67 would tell it
    assert "Coût par participant masqué : moins de 10 participants atteints." in html


# Import and export -----------------------------------------------------------------------------


def upload(rows: list[list[str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["label", "action", "category", "kind", "amount", "funder"], *rows]
    )
    return SimpleUploadedFile("budget.csv", buffer.getvalue().encode(), "text/csv")


def test_import_is_atomic_and_names_line_and_column(costed):
    campaign, manager = costed["campaign"], costed["users"]["manager"]
    add_planned_action(costed["foreign"]).__class__.objects.filter(
        campaign=costed["foreign"]
    ).update(title="Atelier d'ailleurs")
    rows = [
        ["Affiches", "", "Communication", "", "1 250,50 €", "Mutuelle Partenaire"],
        ["Salle", "Atelier d'ailleurs", "other", "in_kind", "300", ""],
        ["Goûter", "Atelier", "food", "financial", "-5", ""],
    ]
    dataset = transfers.read_dataset(content=upload(rows).read(), filename="budget.csv")
    with pytest.raises(transfers.ImportRefused) as refused:
        transfers.records_import(kind=transfers.KINDS["budget"], dataset=dataset, user=manager,
                                 campaign=campaign, dry_run=False)  # fmt: skip
    errors = [str(error) for error in refused.value.errors]
    assert any(e.startswith("ligne 3, colonne action : action inconnue") for e in errors), errors
    assert any(e.startswith("ligne 4, colonne category : valeur inconnue") for e in errors)
    assert any(e.startswith("ligne 4, colonne amount") for e in errors), errors
    assert not BudgetLine.objects.filter(label__in=["Affiches", "Salle", "Goûter"]).exists()


def test_import_then_export_through_the_admin(client, costed):
    campaign = costed["campaign"]
    client.force_login(costed["users"]["manager"])
    url = reverse("campaigns_transfers:import", args=["budget"])
    rows = [
        ["Affiches", "", "Communication", "", "1 250,50 €", "Mutuelle Partenaire"],
        ["Salle prêtée", "Atelier", "Autre", "Contribution en nature valorisée", "300", ""],
    ]
    preview = client.post(url, {"campaign": campaign.pk, "file": upload(rows)})
    assert preview.status_code == 200 and not BudgetLine.objects.filter(label="Affiches")
    assert not preview.context.get("report").errors
    assert client.post(url, {"token": preview.context["token"]}).status_code == 302
    imported = BudgetLine.objects.get(label="Affiches")
    assert imported.amount == Decimal("1250.50") and imported.funder == costed["partner"]
    room = BudgetLine.objects.get(label="Salle prêtée")
    assert room.kind == "in_kind" and room.action == costed["action"]
    assert ModelLogEntry.objects.filter(action="livinglab.import").exists()
    export = client.get(reverse("campaigns_transfers:export", args=["budget"]),
                        {"campaign": campaign.pk, "format": "csv"})  # fmt: skip
    content = export.content.decode("utf-8-sig")
    assert "Salle prêtée" in content and "Ligne secrète" not in content
    assert ModelLogEntry.objects.filter(action="livinglab.export").exists()


# The public campaign page ----------------------------------------------------------------------


def test_public_page_shows_the_aggregate_only(client, db):
    from tests.cms.factories import build_site

    site = build_site(topics=1)
    campaign = site.campaign
    line(campaign, "Salaire de Mme Martin", "2000")
    line(campaign, "Temps bénévole", "500", category="communication", kind="in_kind")
    Participant.objects.bulk_create(
        Participant(campaign=campaign, code=f"P-{index}", group="intervention")
        for index in range(9)
    )
    cache.clear()
    html = plain(client.get(site.campaign_page.url).content.decode())
    assert "Coût total</dt><dd>2 500 €" in html
    assert "dont contributions en nature valorisées</dt><dd>500 €" in html
    assert "Personnel / temps de travail</th><td>2 000 €" in html
    assert "Communication</th><td>500 €" in html
    assert "non publié : moins de 10 participants atteints" in html
    assert "Mme Martin" not in html and "P-1" not in html  # no line, no person
    Participant.objects.create(campaign=campaign, code="P-10", group="intervention")
    cache.clear()
    html = plain(client.get(site.campaign_page.url).content.decode())
    assert "Coût par participant atteint</dt>" in html and "<dd>250,00 €</dd>" in html  # 2500/10
