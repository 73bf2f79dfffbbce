"""The "Campagnes" admin menu: one ModelViewSet per record type, all checked per object."""

from django.forms.models import modelform_factory
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import formfield_for_dbfield
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from livinglab.campaigns import filters, models, views
from livinglab.campaigns.forms import ScopedAdminForm


class ScopedViewSet(ModelViewSet):
    """A ModelViewSet whose every view filters and checks rows through the model's policy."""

    index_view_class = views.ScopedIndexView
    add_view_class = views.ScopedCreateView
    edit_view_class = views.ScopedEditView
    delete_view_class = views.ScopedDeleteView
    inspect_view_class = views.ScopedInspectView
    history_view_class = views.ScopedHistoryView
    usage_view_class = views.ScopedUsageView
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None
    transfer_kind = None

    @cached_property
    def url_prefix(self):
        return f"campaigns/{self.model_name}"

    def formfield_for_dbfield(self, db_field, **kwargs):
        # Wagtail's widgets (date pickers, slug input…), as Wagtail's own model forms get them.
        return formfield_for_dbfield(db_field, **kwargs)

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=ScopedAdminForm,
            fields=self.form_fields,
            formfield_callback=self.formfield_for_dbfield,
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(transfer_kind=self.transfer_kind, **kwargs)


class CampaignViewSet(ScopedViewSet):
    model = models.Campaign
    icon = "clipboard-list"
    menu_label = _("Campagnes")
    add_to_admin_menu = False
    index_view_class = views.CampaignIndexView
    add_view_class = views.CampaignCreateView
    inspect_view_class = views.CampaignDashboardView
    list_display = ["title", "status", "lead_organisation", "start_date", "end_date"]
    filterset_class = filters.CampaignFilterSet
    search_fields = ["title", "summary", "slug"]
    form_fields = [
        "title", "slug", "summary", "lead_organisation", "themes", "settings", "region",
        "department", "target_population", "start_date", "end_date", "retention_months",
    ]  # fmt: skip

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("transition/<int:pk>/", views.campaign_transition_view, name="transition"),
            path(
                "<int:pk>/actions/<int:action_pk>/done/",
                views.action_done_view,
                name="action_done",
            ),
        ]


def scoped_viewset(model, *, icon: str, fields: list[str], display: list[str], **attrs):
    """A ScopedViewSet for `model` (one class per record type, without repeating boilerplate)."""
    attrs = {
        "model": model,
        "icon": icon,
        "form_fields": fields,
        "list_display": display,
        **attrs,
    }
    return type(f"{model.__name__}ViewSet", (ScopedViewSet,), attrs)


OrganisationViewSet = scoped_viewset(
    models.Organisation,
    icon="group",
    fields=["name", "kind", "city", "region", "website"],
    display=["name", "kind", "city", "region"],
    filterset_class=filters.OrganisationFilterSet,
    search_fields=["name", "city"],
    transfer_kind="organisations",
)
SiteViewSet = scoped_viewset(
    models.Site,
    icon="site",
    fields=[
        "name",
        "setting",
        "city",
        "postcode",
        "department",
        "region",
        "headcount",
        "uai",
        "siret",
        "owner",
    ],  # fmt: skip
    display=["name", "setting", "city", "postcode", "uai", "siret", "owner"],
    filterset_class=filters.SiteFilterSet,
    search_fields=["name", "city", "uai", "siret"],
    transfer_kind="sites",
)
ActionViewSet = scoped_viewset(
    models.Action,
    icon="calendar",
    fields=[
        "campaign",
        "title",
        "action_type",
        "setting",
        "site",
        "start_date",
        "end_date",
        "facilitator",
        "planned_attendance",
        "actual_attendance",
        "status",
        "decisions",
    ],  # fmt: skip
    display=["title", "campaign", "setting", "site", "start_date", "status"],
    filterset_class=filters.ActionFilterSet,
    search_fields=["title"],
    transfer_kind="actions",
)
ParticipantViewSet = scoped_viewset(
    models.Participant,
    icon="user",
    fields=[
        "campaign",
        "code",
        "site",
        "group",
        "sex",
        "age_band",
        "consent_date",
        "withdrawal_date",
    ],  # fmt: skip
    display=["code", "campaign", "site", "group", "age_band"],
    filterset_class=filters.ParticipantFilterSet,
    search_fields=["code"],
    transfer_kind="participants",
)
SessionViewSet = scoped_viewset(
    models.CodesignSession,
    icon="calendar-alt",
    fields=["campaign", "date", "format", "place", "agenda", "minutes"],
    display=["__str__", "campaign", "place"],
    filterset_class=filters.SessionFilterSet,
    search_fields=["place", "agenda", "minutes"],
)
ContributionViewSet = scoped_viewset(
    models.Contribution,
    icon="comment",
    fields=[
        "campaign",
        "session",
        "kind",
        "organisation",
        "voice_of_participants",
        "text",
        "votes",
    ],  # fmt: skip
    display=["__str__", "campaign", "organisation", "votes"],
    filterset_class=filters.ContributionFilterSet,
    search_fields=["text"],
)
DecisionViewSet = scoped_viewset(
    models.Decision,
    icon="tick-inverse",
    fields=["campaign", "session", "text", "rationale", "contributions"],
    display=["__str__", "campaign", "session"],
    filterset_class=filters.DecisionFilterSet,
    search_fields=["text", "rationale"],
)
ValidationViewSet = scoped_viewset(
    models.UserValidation,
    icon="success",
    fields=["campaign", "organisation", "validated_on", "statement"],
    display=["__str__", "campaign", "validated_on"],
    filterset_class=filters.ValidationFilterSet,
)
PartnerViewSet = scoped_viewset(
    models.CampaignPartner,
    icon="group",
    fields=["campaign", "organisation", "role"],
    display=["__str__", "campaign"],
    filterset_class=filters.PartnerFilterSet,
)
BudgetLineViewSet = scoped_viewset(
    models.BudgetLine,
    icon="tag",
    fields=["campaign", "action", "label", "category", "kind", "amount", "funder"],
    display=["label", "campaign", "action", "category", "kind", "amount", "funder"],
    filterset_class=filters.BudgetLineFilterSet,
    search_fields=["label"],
    transfer_kind="budget",
)
MembershipViewSet = scoped_viewset(
    models.Membership,
    icon="key",
    fields=["user", "organisation", "role"],
    display=["__str__", "organisation", "role"],
    filterset_class=filters.MembershipFilterSet,
)


class CampaignsGroup(ViewSetGroup):
    menu_label = _("Campagnes")
    menu_icon = "clipboard-list"
    menu_order = 150
    items = (
        CampaignViewSet("campaigns_campaign"),
        PartnerViewSet("campaigns_partner"),
        SessionViewSet("campaigns_session"),
        ContributionViewSet("campaigns_contribution"),
        DecisionViewSet("campaigns_decision"),
        ValidationViewSet("campaigns_validation"),
        ActionViewSet("campaigns_action"),
        BudgetLineViewSet("campaigns_budgetline"),
        ParticipantViewSet("campaigns_participant"),
        SiteViewSet("campaigns_site"),
        OrganisationViewSet("campaigns_organisation"),
        MembershipViewSet("campaigns_membership"),
    )
