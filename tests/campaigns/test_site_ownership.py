"""Sites belong to an organisation: everyone reads the directory, only the owner's managers edit.

A site's name and UAI/SIRET match imports of every campaign using it: a manager of another
organisation must not change them, in the admin or by a sites import, nor read how foreign
campaigns use the site.
"""

import importlib
import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from livinglab.campaigns import transfers
from livinglab.campaigns.models import Action, Campaign, Membership, Site
from tests.campaigns.conftest import add_planned_action, make_site, make_user

UAI = "0341234A"  # the world's site
NEW_UAI = "0349999Z"


def is_denied(response) -> bool:
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code in (403, 404)


@pytest.fixture
def owned(world):
    """The world's site (used by the lead's campaign and a foreign one) belongs to the lead."""
    Site.objects.filter(pk=world["site"].pk).update(owner=world["lead"])
    world["site"].refresh_from_db()
    return world


def site_form(site, **changes):
    data = {
        "name": site.name,
        "setting": site.setting,
        "city": site.city,
        "postcode": site.postcode,
        "department": site.department,
        "region": site.region,
        "headcount": site.headcount or "",
        "uai": site.uai,
        "siret": site.siret,
    }
    return {**data, **changes}


def sites_csv(*rows: str, header: str = "name,setting,city,postcode,uai") -> bytes:
    return "\n".join([header, *rows, ""]).encode()


def preview_import(client, content: bytes):
    url = reverse("campaigns_transfers:import", args=["sites"])
    return client.post(url, {"file": SimpleUploadedFile("sites.csv", content)})


# ------------------------------------------------------------------------------- admin views


def test_a_foreign_manager_cannot_edit_or_delete_the_site(client, owned):
    site = owned["site"]
    client.force_login(owned["users"]["outsider"])  # manager of another organisation
    edit = reverse("campaigns_site:edit", args=[site.pk])
    delete = reverse("campaigns_site:delete", args=[site.pk])
    assert is_denied(client.get(edit))
    assert is_denied(client.post(edit, site_form(site, name="Renommé", uai=NEW_UAI)))
    assert is_denied(client.get(delete))
    assert is_denied(client.post(delete))
    site.refresh_from_db()
    assert (site.name, site.uai) == ("Collège Jean Jaurès", UAI)
    # Reading the directory is by design.
    assert client.get(reverse("campaigns_site:inspect", args=[site.pk])).status_code == 200
    assert site.name in client.get(reverse("campaigns_site:index")).content.decode()


def test_the_owners_manager_edits_the_site(client, owned):
    site = owned["site"]
    client.force_login(owned["users"]["manager"])
    response = client.post(
        reverse("campaigns_site:edit", args=[site.pk]), site_form(site, uai=NEW_UAI)
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.uai == NEW_UAI and site.owner == owned["lead"]


def test_the_owners_manager_deletes_an_unused_site(client, owned):
    spare = make_site("École vide", postcode="34070", uai="", owner=owned["lead"])
    client.force_login(owned["users"]["manager"])
    response = client.post(reverse("campaigns_site:delete", args=[spare.pk]))
    assert response.status_code == 302
    assert not Site.objects.filter(pk=spare.pk).exists()


def test_a_site_without_owner_is_edited_by_superusers_only(client, world):
    site = world["site"]
    assert site.owner is None
    for role in ("manager", "outsider"):
        client.force_login(world["users"][role])
        assert is_denied(client.get(reverse("campaigns_site:edit", args=[site.pk]))), role
    client.force_login(world["users"]["superuser"])
    assert client.get(reverse("campaigns_site:edit", args=[site.pk])).status_code == 200


def test_a_new_site_belongs_to_its_creators_organisation(client, world):
    client.force_login(world["users"]["manager"])  # manages exactly one organisation
    url = reverse("campaigns_site:add")
    assert 'name="owner"' not in client.get(url).content.decode()
    data = {"name": "École neuve", "setting": "school", "city": "Sète", "postcode": "34200"}
    assert client.post(url, data).status_code == 302
    assert Site.objects.get(name="École neuve").owner == world["lead"]


def test_a_manager_of_several_organisations_chooses_among_them(client, world):
    user = make_user("double", organisation=world["lead"], role="manager")
    Membership.objects.create(user=user, organisation=world["patients"], role="manager")
    client.force_login(user)
    url = reverse("campaigns_site:add")
    form = client.get(url).context["form"]
    assert set(form.fields["owner"].queryset) == {world["lead"], world["patients"]}
    data = {"name": "École neuve", "setting": "school", "city": "Sète", "postcode": "34200"}
    for owner in ("", world["other"].pk):  # none, or an organisation they do not manage
        response = client.post(url, {**data, "owner": owner})
        assert response.status_code == 200 and response.context["form"].errors["owner"]
    assert client.post(url, {**data, "owner": world["patients"].pk}).status_code == 302
    assert Site.objects.get(name="École neuve").owner == world["patients"]


# ------------------------------------------------------------------------------ sites import


def test_a_foreign_manager_cannot_change_the_site_by_import(client, owned):
    client.force_login(owned["users"]["outsider"])
    content = sites_csv(f"Collège Jean Jaurès,school,Montpellier,34000,{NEW_UAI}")
    preview = preview_import(client, content)
    page = preview.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "ligne 2, colonne uai" in page
    assert "Association Porteuse" in page  # the reason names the owner
    assert 'name="token"' not in page
    dataset = transfers.read_dataset(content=content, filename="sites.csv")
    with pytest.raises(transfers.ImportRefused) as refused:
        transfers.records_import(
            kind=transfers.KINDS["sites"],
            dataset=dataset,
            user=owned["users"]["outsider"],
            dry_run=False,
        )
    assert any("ligne 2, colonne uai" in str(error) for error in refused.value.errors)
    owned["site"].refresh_from_db()
    assert owned["site"].uai == UAI


def test_a_foreign_row_that_changes_nothing_is_not_an_update(owned):
    site = owned["site"]
    content = sites_csv(f"{site.name},school,{site.city},{site.postcode},{site.uai}")
    report = transfers.records_import(
        kind=transfers.KINDS["sites"],
        dataset=transfers.read_dataset(content=content, filename="sites.csv"),
        user=owned["users"]["outsider"],
        dry_run=False,
    )
    assert (report.errors, report.updated, report.new) == ([], 0, 0)


def test_the_owners_manager_changes_the_site_by_import(client, owned):
    client.force_login(owned["users"]["manager"])
    content = sites_csv(
        f"Collège Jean Jaurès,school,Montpellier,34000,{NEW_UAI}",
        "École des Arceaux,École,Montpellier,34000,0348888Y",
    )
    preview = preview_import(client, content)
    assert preview.context["errors"] == []
    url = reverse("campaigns_transfers:import", args=["sites"])
    assert client.post(url, {"token": preview.context["token"]}).status_code == 302
    owned["site"].refresh_from_db()
    assert owned["site"].uai == NEW_UAI
    assert Site.objects.get(uai="0348888Y").owner == owned["lead"]  # a new site: the importer's


def test_an_import_by_a_manager_of_several_organisations_names_the_owner(world):
    user = make_user("double", organisation=world["lead"], role="manager")
    Membership.objects.create(user=user, organisation=world["patients"], role="manager")
    kind = transfers.KINDS["sites"]
    row = "École neuve,school,Sète,34200,0347777X"
    without = transfers.read_dataset(content=sites_csv(row), filename="s.csv")
    report = transfers.records_import(kind=kind, dataset=without, user=user, dry_run=True)
    assert any("ligne 2, colonne owner" in str(error) for error in report.errors)
    header = "name,setting,city,postcode,uai,owner"
    foreign = transfers.read_dataset(
        content=sites_csv(f"{row},Association Ailleurs", header=header), filename="s.csv"
    )
    report = transfers.records_import(kind=kind, dataset=foreign, user=user, dry_run=True)
    assert any("ligne 2, colonne owner" in str(error) for error in report.errors)
    chosen = transfers.read_dataset(
        content=sites_csv(f"{row},Usagers Associés", header=header), filename="s.csv"
    )
    report = transfers.records_import(kind=kind, dataset=chosen, user=user, dry_run=False)
    assert report.errors == []
    assert Site.objects.get(uai="0347777X").owner == world["patients"]


# ------------------------------------------------------------------------------------ usage


def test_usage_lists_only_the_viewers_campaigns(client, owned):
    site = owned["site"]
    Action.objects.filter(pk=add_planned_action(owned["campaign"], site).pk).update(
        title="Atelier ici"
    )
    Action.objects.filter(pk=add_planned_action(owned["foreign"], site).pk).update(
        title="Atelier ailleurs"
    )
    for action in Action.objects.all():  # update() bypassed the reference index signals
        action.save()
    client.force_login(owned["users"]["manager"])
    usage = client.get(reverse("campaigns_site:usage", args=[site.pk]))
    assert usage.status_code == 200
    body = usage.content.decode()
    assert "Atelier ici" in body and "P-001" in body
    for foreign in ("Atelier ailleurs", "F-001", "Privé"):
        assert foreign not in body, foreign
    confirm = client.get(reverse("campaigns_site:delete", args=[site.pk]))
    assert confirm.status_code == 200
    assert confirm.context["usage_count"] == 2  # P-001 and "Atelier ici", not the foreign ones
    assert confirm.context["is_protected"]  # still protected by the foreign rows
    client.force_login(owned["users"]["outsider"])
    assert is_denied(client.get(reverse("campaigns_site:usage", args=[site.pk])))


# ------------------------------------------------------------------- migration and the demo


def test_the_migration_gives_sites_their_unambiguous_lead_organisation(world):
    site = world["site"]  # used by the lead's campaign and a foreign one: ambiguous
    own = make_site("Lycée à soi", postcode="34090", uai="")
    add_planned_action(world["campaign"], own)
    second = Campaign.objects.create(slug="deux", title="Deux", lead_organisation=world["lead"])
    add_planned_action(second, own)  # two campaigns of the same lead: unambiguous
    unused = make_site("Site vide", postcode="34080", uai="")
    migration = importlib.import_module("livinglab.campaigns.migrations.0004_site_owner")
    migration.set_owners(apps, None)
    assert Site.objects.get(pk=site.pk).owner is None
    assert Site.objects.get(pk=own.pk).owner == world["lead"]
    assert Site.objects.get(pk=unused.pk).owner is None


def test_demo_sites_belong_to_the_demo_lead_and_load_twice(db):
    from livinglab.demo.accounts import load_core_demo
    from livinglab.demo.campaigns import LEAD, load

    load_core_demo()
    load(stdout=io.StringIO())
    owners = set(Site.objects.values_list("owner__name", flat=True))
    assert owners == {LEAD}
    load(stdout=io.StringIO())
    assert set(Site.objects.values_list("owner__name", flat=True)) == {LEAD}


def test_nobody_gives_a_new_site_the_code_of_an_existing_one(client, owned):
    """Imports find sites by UAI: a twin made by another organisation would stop them."""
    client.force_login(owned["users"]["outsider"])
    data = {"name": "Faux collège", "setting": "school", "city": "Sète", "postcode": "34200"}
    response = client.post(reverse("campaigns_site:add"), {**data, "uai": UAI})
    assert response.status_code == 200 and response.context["form"].errors["uai"]
    content = sites_csv(f"Faux collège,school,Sète,34200,{UAI}")
    report = transfers.records_import(
        kind=transfers.KINDS["sites"],
        dataset=transfers.read_dataset(content=content, filename="sites.csv"),
        user=owned["users"]["outsider"],
        dry_run=True,
    )
    assert any("ligne 2, colonne uai" in str(error) for error in report.errors)
    assert Site.objects.filter(uai=UAI).count() == 1
