"""Object-level access to campaigns: who may see, edit, evaluate and export what.

A user's rights on a campaign come from their memberships in the organisations that lead it or
partner in it. Every view, download and API call asks these functions; menus only mirror them.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from livinglab.campaigns.models import Campaign, Membership

Role = Membership.Role


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns led by, or partnered with, an organisation the user belongs to."""
    if not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    organisations = Membership.objects.filter(user=user).values("organisation")
    return Campaign.objects.filter(
        Q(lead_organisation__in=organisations) | Q(partnerships__organisation__in=organisations)
    ).distinct()


def campaign_roles(user, campaign: Campaign) -> set[str]:
    """The user's roles on this campaign; "lead_manager" when they manage the lead organisation."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {Role.MANAGER, Role.MEMBER, Role.EVALUATOR, "lead_manager"}
    memberships = Membership.objects.filter(user=user).filter(
        Q(organisation=campaign.lead_organisation_id)
        | Q(organisation__partnerships__campaign=campaign)
    )
    roles: set[str] = set()
    for organisation_id, role in memberships.values_list("organisation_id", "role").distinct():
        roles.add(role)
        if role == Role.MANAGER and organisation_id == campaign.lead_organisation_id:
            roles.add("lead_manager")
    return roles


def can_view(user, campaign: Campaign) -> bool:
    return bool(campaign_roles(user, campaign))


def can_contribute(user, campaign: Campaign) -> bool:
    """Members and managers record co-design sessions, contributions and decisions."""
    return bool(campaign_roles(user, campaign) & {Role.MANAGER, Role.MEMBER})


def can_edit(user, campaign: Campaign) -> bool:
    """Managers of a leading or partner organisation edit the campaign and its records."""
    return Role.MANAGER in campaign_roles(user, campaign)


def can_move_lifecycle(user, campaign: Campaign) -> bool:
    """Only managers of the lead organisation move a campaign through its lifecycle."""
    return "lead_manager" in campaign_roles(user, campaign)


def can_evaluate(user, campaign: Campaign) -> bool:
    """Evaluators and managers run evaluations and download aggregated statistics."""
    return bool(campaign_roles(user, campaign) & {Role.MANAGER, Role.EVALUATOR})


def can_export_rows(user, campaign: Campaign) -> bool:
    """Row-level pseudonymous exports are for campaign managers only."""
    return Role.MANAGER in campaign_roles(user, campaign)


def organisations_of(user, roles: set[str] | None = None) -> QuerySet:
    """Ids of the organisations the user belongs to (with one of `roles`, when given)."""
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("organisation")


def campaigns_with_roles(user, roles: set[str]) -> QuerySet[Campaign]:
    """Campaigns on which the user holds one of `roles` (as `campaign_roles` names them)."""
    if not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    condition = Q(pk__in=[])
    plain_roles = set(roles) - {"lead_manager"}
    if plain_roles:
        organisations = organisations_of(user, plain_roles)
        condition |= Q(lead_organisation__in=organisations)
        condition |= Q(partnerships__organisation__in=organisations)
    if "lead_manager" in roles:
        condition |= Q(lead_organisation__in=organisations_of(user, {Role.MANAGER}))
    return Campaign.objects.filter(condition).distinct()


def has_any_membership(user, roles: set[str] | None = None) -> bool:
    """Whether the user belongs to some organisation (with one of `roles`, when given)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = None if roles is None else {Role.MANAGER if r == "lead_manager" else r for r in roles}
    return organisations_of(user, roles).exists()


def campaign_for(user, campaign_id: int, check: Callable[..., bool] = can_view) -> Campaign:
    """The campaign behind an admin URL: 404 when the user cannot see it, 403 when `check` fails.

    The one guard of every per-campaign admin page (campaign key: its primary key).
    """
    campaign = get_object_or_404(campaigns_visible_to(user), pk=campaign_id)
    if not check(user, campaign):
        raise PermissionDenied
    return campaign
