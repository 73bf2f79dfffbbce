"""List filters of the campaigns admin; campaign choices are limited to what the user sees."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from livinglab.campaigns import models
from livinglab.campaigns.policies import POLICIES


def campaigns_listing(model):
    """Campaign choices of `model`'s list: those whose records of that kind the user may see."""

    def campaigns(request):
        if request is None:
            return models.Campaign.objects.none()
        return POLICIES[model].campaigns_for(request.user, ["view"])

    return campaigns


def campaign_filterset(model, extra_fields: list[str]) -> type[WagtailFilterSet]:
    """A filter set with a "campaign" filter and plain filters on `extra_fields`."""

    class Meta:
        fields = ["campaign", *extra_fields]

    Meta.model = model
    attrs = {
        "Meta": Meta,
        "campaign": django_filters.ModelChoiceFilter(
            queryset=campaigns_listing(model), label=_("Campagne")
        ),
    }
    return type(f"{model.__name__}FilterSet", (WagtailFilterSet,), attrs)


class CampaignFilterSet(WagtailFilterSet):
    class Meta:
        model = models.Campaign
        fields = ["status", "settings", "lead_organisation", "region"]


class OrganisationFilterSet(WagtailFilterSet):
    class Meta:
        model = models.Organisation
        fields = ["kind", "region"]


class SiteFilterSet(WagtailFilterSet):
    class Meta:
        model = models.Site
        fields = ["setting", "department", "region", "owner"]


class MembershipFilterSet(WagtailFilterSet):
    class Meta:
        model = models.Membership
        fields = ["organisation", "role"]


ActionFilterSet = campaign_filterset(models.Action, ["setting", "action_type", "status", "site"])
ParticipantFilterSet = campaign_filterset(models.Participant, ["group", "sex", "age_band", "site"])
SessionFilterSet = campaign_filterset(models.CodesignSession, ["format"])
ContributionFilterSet = campaign_filterset(models.Contribution, ["kind", "voice_of_participants"])
DecisionFilterSet = campaign_filterset(models.Decision, ["session"])
ValidationFilterSet = campaign_filterset(models.UserValidation, ["organisation"])
PartnerFilterSet = campaign_filterset(models.CampaignPartner, ["role"])
BudgetLineFilterSet = campaign_filterset(
    models.BudgetLine, ["category", "kind", "funder", "action"]
)
