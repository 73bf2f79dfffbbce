"""Campaign fixtures: organisations, a campaign, and one account per role around it."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from livinglab.campaigns.models import (
    Action,
    Campaign,
    CampaignPartner,
    Membership,
    Organisation,
    Participant,
    Site,
    UserValidation,
)


def make_organisation(name: str, kind: str = "association") -> Organisation:
    return Organisation.objects.create(name=name, kind=kind)


def make_user(username: str, *, organisation=None, role=None, admin_access=True, **extra):
    user = get_user_model().objects.create_user(username=username, password="x", **extra)
    if admin_access:
        group, _created = Group.objects.get_or_create(name="Accès admin (tests)")
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        user.groups.add(group)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_site(name: str = "Collège Jean Jaurès", **fields) -> Site:
    defaults = {"setting": "school", "city": "Montpellier", "postcode": "34000", "uai": "0341234A"}
    return Site.objects.create(name=name, **{**defaults, **fields})


def add_planned_action(campaign: Campaign, site: Site | None = None) -> Action:
    return Action.objects.create(
        campaign=campaign,
        title="Atelier",
        action_type="workshop",
        setting="school",
        site=site,
        start_date=date(2026, 3, 2),
    )


def add_user_validation(campaign: Campaign, organisation: Organisation) -> UserValidation:
    return UserValidation.objects.create(
        campaign=campaign, organisation=organisation, validated_on=date(2026, 1, 15)
    )


@pytest.fixture
def world(db):
    """A campaign led by `lead`, with a partner, a user-representative organisation and users."""
    lead = make_organisation("Association Porteuse")
    partner = make_organisation("Mutuelle Partenaire", "insurer")
    patients = make_organisation("Usagers Associés", "patient_association")
    other = make_organisation("Association Ailleurs")
    campaign = Campaign.objects.create(
        slug="test-campagne", title="Campagne test", lead_organisation=lead
    )
    CampaignPartner.objects.create(campaign=campaign, organisation=partner, role="evaluator")
    CampaignPartner.objects.create(campaign=campaign, organisation=patients, role="codesigner")
    foreign = Campaign.objects.create(
        slug="ailleurs", title="Campagne d'ailleurs", lead_organisation=other
    )
    site = make_site()
    Participant.objects.create(campaign=campaign, code="P-001", site=site)
    Participant.objects.create(campaign=foreign, code="F-001", site=site)
    users = {
        "manager": make_user("manager", organisation=lead, role="manager"),
        "member": make_user("member", organisation=lead, role="member"),
        "evaluator": make_user("evaluator", organisation=partner, role="evaluator"),
        "partner_manager": make_user("partner_manager", organisation=partner, role="manager"),
        "outsider": make_user("outsider", organisation=other, role="manager"),
        "no_membership": make_user("no_membership"),
        "superuser": make_user("root", is_superuser=True, is_staff=True),
    }
    return {
        "lead": lead,
        "partner": partner,
        "patients": patients,
        "other": other,
        "campaign": campaign,
        "foreign": foreign,
        "site": site,
        "users": users,
    }
