"""The protocol builder in the admin, as a campaign manager would use it: design, waves,
outcomes, lock after a confirmation page; validation errors are form errors, never a 500."""

import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from livinglab.campaigns.models import Campaign, CampaignPartner, Membership, Organisation
from livinglab.demo.accounts import (
    CAMPAIGN_MANAGERS_GROUP,
    EDITORS_GROUP,
    EVALUATORS_GROUP,
    ensure_role_groups,
)
from livinglab.evaluation.measurement.catalogue import catalogue_load
from livinglab.evaluation.measurement.protocols import protocol_hash
from livinglab.evaluation.models import Indicator, Protocol

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    ensure_role_groups()
    catalogue_load()
    lead = Organisation.objects.create(name="Association Sommeil", kind="association")
    partner = Organisation.objects.create(name="Université partenaire", kind="university")
    other = Organisation.objects.create(name="Association Ailleurs", kind="association")
    campaign = Campaign.objects.create(
        slug="sommeil", title="Sommeil serein", lead_organisation=lead
    )
    CampaignPartner.objects.create(campaign=campaign, organisation=partner, role="evaluator")
    foreign = Campaign.objects.create(slug="ailleurs", title="Ailleurs", lead_organisation=other)

    def account(name, organisation=None, role=None, group=CAMPAIGN_MANAGERS_GROUP):
        user = get_user_model().objects.create_user(name, password="x")
        user.groups.set(Group.objects.filter(name=group))
        if organisation is not None:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    users = {
        "manager": account("gestionnaire", lead, "manager"),
        "member": account("membre", lead, "member"),
        "evaluator": account("evaluatrice", partner, "evaluator", EVALUATORS_GROUP),
        "editor": account("redactrice", group=EDITORS_GROUP),
        "outsider": account("ailleurs", other, "manager"),
    }
    return {"campaign": campaign, "foreign": foreign, "users": users}


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


WAVES = [
    {"code": "baseline", "label": "Avant le défi", "opens_on": "2027-01-05",
     "closes_on": "2027-01-20", "ORDER": "1"},
    {"code": "post", "label": "Après le défi", "opens_on": "01/03/2027",
     "closes_on": "15/03/2027", "ORDER": "2"},
]  # fmt: skip
OUTCOMES = [
    {"indicator": "sleep_hours", "label": "", "role": "primary", "family": "", "ORDER": "1"},
    {"indicator": "screen_time_hours", "label": "Écrans le soir", "role": "secondary",
     "family": "écrans", "ORDER": "2"},
]  # fmt: skip


def builder_post(waves=WAVES, outcomes=OUTCOMES, *, initial_waves=2, initial_outcomes=0, **fields):
    data = {"design": "pre_post", "alpha": "0,05", "correction": "holm", "min_cell_size": "10",
            "subgroups": ["sex", "age_band"], **fields}  # fmt: skip
    data.update(formset("waves", waves, initial_waves))
    data.update(formset("outcomes", outcomes, initial_outcomes))
    return data


def build_url(campaign) -> str:
    return reverse("evaluation_protocols:build", args=[campaign.pk])


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.fixture
def manager(client, world):
    client.force_login(world["users"]["manager"])
    return client


def test_catalogue_holds_the_outcomes_used_here():
    catalogue_load()
    assert Indicator.objects.filter(code__in=["sleep_hours", "screen_time_hours"]).count() == 2


def test_manager_builds_waves_outcomes_then_confirms_the_lock(manager, world):
    campaign = world["campaign"]
    page = manager.get(build_url(campaign))
    assert page.status_code == 200
    assert title_of(page).startswith("Protocole d&#x27;évaluation — Sommeil serein")
    body = page.content.decode()
    assert "Milieu" in body and "Tranche d&#x27;âge" in body  # subgroups, French labels
    assert 'name="waves-0-code" value="baseline"' in body  # a pre/post start, editable
    assert "Continuer" not in body and "(sleep_hours) — Continue, h" in body  # scale, unit
    # Wagtail's date picker on the wave windows (initialised without an inline script).
    assert (
        'data-livinglab-init="initDateChooser" data-livinglab-target="id_waves-0-opens_on"' in body
    )

    saved = manager.post(build_url(campaign), builder_post())
    assert saved.status_code == 302, saved.context and saved.context["form"].errors
    protocol = campaign.protocols.get()
    assert (protocol.design, protocol.wave_codes) == ("pre_post", ["baseline", "post"])
    assert protocol.subgroup_dimensions == ["sex", "age_band"] and not protocol.is_locked
    post = campaign.waves.get(code="post")
    assert (post.label, post.opens_on.isoformat(), post.order) == ("Après le défi", "2027-03-01", 1)
    outcomes = list(protocol.outcomes.select_related("indicator"))
    assert [(o.indicator.code, o.primary, o.multiplicity_family) for o in outcomes] == [
        ("sleep_hours", True, ""),
        ("screen_time_hours", False, "écrans"),
    ]

    lock_url = reverse("evaluation_protocols:lock", args=[campaign.pk, protocol.pk])
    assert lock_url in manager.get(build_url(campaign)).content.decode()
    confirm = manager.get(lock_url)
    body = confirm.content.decode()
    fingerprint = protocol_hash(protocol)
    assert confirm.status_code == 200 and fingerprint in body
    assert "Avant/après" in body and "Holm" in body and "Après le défi" in body
    assert "Verrouiller le protocole (version 1)" in title_of(confirm)
    protocol.refresh_from_db()
    assert not protocol.is_locked  # the confirmation page alone locks nothing

    locked = manager.post(lock_url, {"hash": fingerprint})
    assert locked.status_code == 302
    protocol.refresh_from_db()
    assert protocol.is_locked and protocol.lock_hash == fingerprint
    entry = ModelLogEntry.objects.get(action="livinglab.protocol_lock")
    assert entry.data == {"version": 1, "hash": fingerprint}
    listing = manager.get(build_url(campaign)).content.decode()
    assert 'data-version="1"' in listing and fingerprint in listing


def test_a_stale_confirmation_locks_nothing(manager, world):
    campaign = world["campaign"]
    manager.post(build_url(campaign), builder_post())
    protocol = campaign.protocols.get()
    lock_url = reverse("evaluation_protocols:lock", args=[campaign.pk, protocol.pk])
    response = manager.post(lock_url, {"hash": "0" * 64}, follow=True)
    assert "a changé depuis l&#x27;affichage" in response.content.decode()
    protocol.refresh_from_db()
    assert not protocol.is_locked


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"waves": WAVES[:1]}, "section", "au moins 2 vagues distinctes"),
        ({"outcomes": [dict(row, role="primary") for row in OUTCOMES]}, "section",
         "exactement un critère principal"),
        ({"outcomes": [OUTCOMES[0], dict(OUTCOMES[1], indicator="sleep_hours")]}, "section",
         "choisi deux fois"),
        ({"min_cell_size": "3"}, "min_cell_size", "supérieure ou égale à 5"),
        ({"alpha": "0,7"}, "alpha", "entre 0 et 0,5"),
        ({"design": "repeated"}, "section", "au moins 3 vagues"),
        ({"outcomes": [dict(OUTCOMES[0], indicator="n_existe_pas")]}, "indicator",
         "Sélectionnez un choix valide"),
        ({"waves": [WAVES[0], dict(WAVES[1], closes_on="2027-02-01")]}, "closes_on",
         "La fermeture précède l&#x27;ouverture"),
        ({"subgroups": ["revenu"]}, "subgroups", "Sélectionnez un choix valide"),
    ],
)  # fmt: skip
def test_invalid_protocols_answer_form_errors(manager, world, change, where, message):
    campaign = world["campaign"]
    response = manager.post(build_url(campaign), builder_post(**change))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body, where
    assert not campaign.protocols.exists()


def test_other_campaigns_are_out_of_reach(manager, world):
    foreign = world["foreign"]
    assert manager.get(build_url(foreign)).status_code == 404
    assert manager.post(build_url(foreign), builder_post()).status_code == 404
    manager.force_login(world["users"]["outsider"])
    manager.post(build_url(foreign), builder_post())
    foreign_protocol = foreign.protocols.get()
    manager.force_login(world["users"]["manager"])
    # A protocol of another campaign under this campaign's address: not found, not locked.
    url = reverse("evaluation_protocols:lock", args=[world["campaign"].pk, foreign_protocol.pk])
    assert manager.get(url).status_code == 404
    assert manager.post(url, {"hash": protocol_hash(foreign_protocol)}).status_code == 404
    foreign_protocol.refresh_from_db()
    assert not foreign_protocol.is_locked


@pytest.mark.parametrize(
    ("role", "expected"),
    [("member", "denied"), ("evaluator", "denied"), ("editor", "404"), ("outsider", "404")],
)
def test_only_the_campaign_managers_build(client, world, role, expected):
    campaign = world["campaign"]
    client.force_login(world["users"][role])
    for response in (
        client.get(build_url(campaign)),
        client.post(build_url(campaign), builder_post()),
        client.get(reverse("evaluation_protocols:indicator", args=[campaign.pk])),
    ):
        if expected == "404":
            assert response.status_code == 404
        else:
            assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not campaign.protocols.exists()


def test_a_locked_protocol_is_read_only_and_the_next_version_starts_as_a_copy(manager, world):
    campaign = world["campaign"]
    manager.post(build_url(campaign), builder_post())
    protocol = campaign.protocols.get()
    manager.post(
        reverse("evaluation_protocols:lock", args=[campaign.pk, protocol.pk]),
        {"hash": protocol_hash(protocol)},
    )
    page = manager.get(build_url(campaign)).content.decode()
    assert "Nouvelle version 2" in page and "data-protocol-locked" in page
    assert 'name="outcomes-1-family" value="écrans"' in page  # the copy
    copy = builder_post(initial_outcomes=2, min_cell_size="12")
    refused = manager.post(build_url(campaign), copy)  # no reason given for the deviation
    assert refused.status_code == 200 and "deviation" in refused.context["form"].errors
    created = manager.post(build_url(campaign), {**copy, "deviation": "Cases trop petites."})
    assert created.status_code == 302
    versions = list(campaign.protocols.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].is_locked and versions[0].min_cell_size == 10
    assert versions[1].min_cell_size == 12 and versions[1].deviation == "Cases trop petites."
    # Locking an already locked version changes nothing.
    again = manager.post(
        reverse("evaluation_protocols:lock", args=[campaign.pk, versions[0].pk]), {"hash": "x"}
    )
    assert again.status_code == 302
    assert Protocol.objects.get(pk=versions[0].pk).lock_hash == protocol_hash(versions[0])


def test_a_builder_made_protocol_survives_the_json_round_trip(manager, world, tmp_path):
    campaign = world["campaign"]
    manager.post(build_url(campaign), builder_post())
    protocol = campaign.protocols.get()
    fingerprint = protocol_hash(protocol)
    path = tmp_path / "protocole.json"
    call_command("export_protocol", "--campaign", "sommeil", "--output", str(path))
    exported = json.loads(path.read_text())
    assert exported["hash"] == fingerprint
    assert exported["wave_labels"] == {"baseline": "Avant le défi", "post": "Après le défi"}
    assert exported["outcomes"][1]["family"] == "écrans"
    # Re-imported unchanged: the same version, the same fingerprint.
    call_command("import_protocol", str(path), stdout=io.StringIO())
    assert (
        campaign.protocols.count() == 1 and protocol_hash(campaign.protocols.get()) == fingerprint
    )
    # Into an empty database: the same protocol, wave labels included.
    Campaign.objects.filter(pk=campaign.pk).delete()
    call_command("import_protocol", str(path), stdout=io.StringIO())
    rebuilt = Campaign.objects.get(slug="sommeil")
    assert protocol_hash(rebuilt.protocols.get()) == fingerprint
    assert rebuilt.waves.get(code="baseline").label == "Avant le défi"


def test_a_missing_indicator_is_added_with_its_bounds(manager, world):
    campaign = world["campaign"]
    url = reverse("evaluation_protocols:indicator", args=[campaign.pk])
    page = manager.get(url)
    assert page.status_code == 200 and title_of(page).startswith("Nouvel indicateur")
    fields = {"code": "sieste_minutes", "label": "Durée de la sieste", "scale": "continuous",
              "unit": "min", "higher_is_better": ""}  # fmt: skip
    unbounded = manager.post(url, fields)
    assert unbounded.status_code == 200 and "min_value" in unbounded.context["form"].errors
    reversed_bounds = manager.post(url, {**fields, "min_value": "120", "max_value": "0"})
    assert "borne minimale" in reversed_bounds.content.decode()
    created = manager.post(url, {**fields, "min_value": "0", "max_value": "240"})
    assert created.status_code == 302
    sieste = Indicator.objects.get(code="sieste_minutes")
    assert (sieste.min_value, sieste.max_value, sieste.higher_is_better) == (0, 240, False)
    created_by = ModelLogEntry.objects.get(action="wagtail.create", object_id=str(sieste.pk))
    assert created_by.user == world["users"]["manager"]
    outcomes = [*OUTCOMES, {"indicator": "sieste_minutes", "role": "secondary", "ORDER": "3"}]
    assert manager.post(build_url(campaign), builder_post(outcomes=outcomes)).status_code == 302
    assert campaign.protocols.get().outcomes.filter(indicator=sieste).exists()


def test_the_measurement_page_names_waves_by_their_labels(manager, world):
    campaign = world["campaign"]
    manager.post(build_url(campaign), builder_post())
    page = manager.get(reverse("evaluation_admin:measurement", args=[campaign.pk]))
    body = page.content.decode()
    assert "Avant le défi → Après le défi" in body
    assert reverse("evaluation_protocols:build", args=[campaign.pk]) in body
    (pairs, *_rest) = page.context["quality"]["pairs"]
    assert pairs["labelled_pairs"] == [("Après le défi", 0)]


def test_the_builder_returns_where_it_was_called_from(manager, world):
    campaign = world["campaign"]
    dashboard = f"/admin/campaigns/campaign/inspect/{campaign.pk}/"
    saved = manager.post(build_url(campaign), {**builder_post(), "next": dashboard})
    assert saved["Location"].endswith("?next=%2Fadmin%2Fcampaigns%2Fcampaign%2Finspect%2F"
                                      f"{campaign.pk}%2F")  # fmt: skip
    protocol = campaign.protocols.get()
    page = manager.get(saved["Location"]).content.decode()
    assert f'name="next" value="{dashboard}"' in page
    lock_url = reverse("evaluation_protocols:lock", args=[campaign.pk, protocol.pk])
    locked = manager.post(lock_url, {"hash": protocol_hash(protocol), "next": dashboard})
    assert locked["Location"] == dashboard
    elsewhere = manager.post(
        build_url(campaign), {**builder_post(deviation="x"), "next": "https://ailleurs.example/"}
    )
    assert elsewhere["Location"] == build_url(campaign)  # never off the site
