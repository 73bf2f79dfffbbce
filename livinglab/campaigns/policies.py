"""Wagtail permission policies that answer from memberships, not from Django model permissions.

Each admin view asks its model's policy; the policies ask `permissions.py`. A rule maps an action
("view", "add", "change", "delete", "import", "export") to the campaign roles that allow it.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from livinglab.campaigns import models
from livinglab.campaigns.permissions import (
    Role,
    campaign_roles,
    campaigns_with_roles,
    has_any_membership,
    organisations_of,
)

ANY_ROLE = frozenset({Role.MANAGER, Role.MEMBER, Role.EVALUATOR})
MANAGERS = frozenset({Role.MANAGER})
CONTRIBUTORS = frozenset({Role.MANAGER, Role.MEMBER})
LEAD_MANAGERS = frozenset({"lead_manager"})

CAMPAIGN_RULES = {"view": ANY_ROLE, "change": MANAGERS, "delete": LEAD_MANAGERS}
CODESIGN_RULES = {"view": ANY_ROLE, "add": CONTRIBUTORS, "change": CONTRIBUTORS, "delete": MANAGERS}
OPERATIONS_RULES = {
    "view": ANY_ROLE,
    "add": MANAGERS,
    "change": MANAGERS,
    "delete": MANAGERS,
    "import": MANAGERS,
    "export": MANAGERS,  # row-level exports are for managers only (DESIGN §5)
}
# Pseudonymous rows stay with the campaign's managers (`permissions.can_export_rows`): members
# and evaluators work from aggregates, so they may not even list or inspect participants.
PARTICIPANT_RULES = {
    action: MANAGERS for action in ("view", "add", "change", "delete", "import", "export")
}


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


class MembershipPolicyBase(BasePermissionPolicy):
    """Model-level answers: does the user hold a role that allows `action` somewhere?"""

    rules: dict[str, frozenset] = {}

    def roles_for(self, action: str) -> frozenset:
        return self.rules.get(action, frozenset())

    def user_has_permission(self, user, action):
        if not _active(user):
            return False
        if user.is_superuser:
            return True
        roles = self.roles_for(action)
        return bool(roles) and has_any_membership(user, roles)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        roles = set().union(*(self.roles_for(action) for action in actions))
        roles = {Role.MANAGER if role == "lead_manager" else role for role in roles}
        return (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(memberships__role__in=roles), is_active=True)
            .distinct()
        )


class CampaignScopedPolicy(MembershipPolicyBase):
    """Rights on a campaign, or on a record that belongs to one, come from the campaign roles."""

    def __init__(self, model, *, campaign_path: str, rules: dict[str, frozenset]):
        super().__init__(model)
        self.campaign_path = campaign_path
        self.rules = rules

    def campaign_of(self, instance) -> models.Campaign | None:
        if not self.campaign_path:
            return instance
        return getattr(instance, self.campaign_path, None)

    def user_has_permission(self, user, action):
        if action == "add" and not self.campaign_path:
            # Whoever manages an organisation may start a campaign it leads.
            return _active(user) and (user.is_superuser or has_any_membership(user, MANAGERS))
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        campaign = self.campaign_of(instance)
        if campaign is None:  # an unsaved record: the form limits the campaigns it may choose
            return self.user_has_permission(user, action)
        return bool(self.roles_for(action) & campaign_roles(user, campaign))

    def campaigns_for(self, user, actions) -> QuerySet[models.Campaign]:
        """Campaigns on which the user may perform any of `actions` on this model's records."""
        roles = set().union(*(self.roles_for(action) for action in actions))
        if self.campaign_path and "add" in actions:
            roles |= self.roles_for("add")
        return campaigns_with_roles(user, roles)

    def instances_user_has_any_permission_for(self, user, actions):
        campaigns = self.campaigns_for(user, actions).values("pk")
        if not self.campaign_path:
            return self.model._default_manager.filter(pk__in=campaigns)
        return self.model._default_manager.filter(**{f"{self.campaign_path}__in": campaigns})


class DirectoryPolicy(MembershipPolicyBase):
    """Shared directories (organisations, sites): every member reads, managers maintain.

    `owner_path` leads to the organisation that owns a row ("pk" for an organisation itself);
    when set, only that organisation's managers change (or delete, where the rules allow it) the
    row, and a row without owner is left to superusers. Deleting organisations is left to
    superusers: they are referenced across campaigns.
    """

    def __init__(self, model, *, owner_path: str = "", rules: dict[str, frozenset]):
        super().__init__(model)
        self.owner_path = owner_path
        self.rules = rules

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if user.is_superuser or action == "view" or not self.owner_path:
            return True
        owner_id = (
            instance.pk if self.owner_path == "pk" else getattr(instance, f"{self.owner_path}_id")
        )
        return organisations_of(user, self.roles_for(action)).filter(organisation=owner_id).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        queryset = self.model._default_manager.all()
        if user.is_superuser or "view" in actions or not self.owner_path:
            return queryset
        roles = set().union(*(self.roles_for(action) for action in actions))
        return queryset.filter(**{f"{self.owner_path}__in": organisations_of(user, roles)})


class MembershipPolicy(DirectoryPolicy):
    """Members see the memberships of their organisations; managers grant and revoke them."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return (
                user.is_superuser
                or organisations_of(user).filter(organisation=instance.organisation_id).exists()
            )
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if user.is_superuser:
            return queryset
        return queryset.filter(organisation__in=organisations_of(user))


DIRECTORY_RULES = {
    "view": ANY_ROLE,
    "add": MANAGERS,
    "change": MANAGERS,
    "import": MANAGERS,
    "export": MANAGERS,
}

POLICIES = {
    models.Campaign: CampaignScopedPolicy(models.Campaign, campaign_path="", rules=CAMPAIGN_RULES),
    models.Organisation: DirectoryPolicy(
        models.Organisation, owner_path="pk", rules=DIRECTORY_RULES
    ),
    models.Site: DirectoryPolicy(
        models.Site, owner_path="owner", rules={**DIRECTORY_RULES, "delete": MANAGERS}
    ),
    models.Membership: MembershipPolicy(
        models.Membership,
        owner_path="organisation",
        rules={**DIRECTORY_RULES, "delete": MANAGERS},
    ),
    **{
        model: CampaignScopedPolicy(model, campaign_path="campaign", rules=CODESIGN_RULES)
        for model in (
            models.CodesignSession,
            models.Contribution,
            models.Decision,
            models.UserValidation,
        )
    },
    **{
        model: CampaignScopedPolicy(model, campaign_path="campaign", rules=OPERATIONS_RULES)
        for model in (models.Action, models.BudgetLine, models.CampaignPartner)
    },
    models.Participant: CampaignScopedPolicy(
        models.Participant, campaign_path="campaign", rules=PARTICIPANT_RULES
    ),
}
