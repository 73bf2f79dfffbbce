"""Admin views that check object-level rights on every request, and the campaign dashboard."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import ReferenceIndex

from livinglab.campaigns import privacy, selectors, services
from livinglab.campaigns.models import Campaign, Participant
from livinglab.campaigns.permissions import (
    campaign_roles,
    campaigns_visible_to,
    can_export_rows,
    can_move_lifecycle,
)
from livinglab.campaigns.policies import POLICIES

ALL_ACTIONS = ["view", "add", "change", "delete"]


def checked_object(user, instance, action: str):
    """`instance` if the user may `action` it; 404 when they may not even see it, else 403."""
    policy = POLICIES[type(instance)]
    if not policy.user_has_permission_for_instance(user, "view", instance):
        raise Http404
    if action != "view" and not policy.user_has_permission_for_instance(user, action, instance):
        raise PermissionDenied
    return instance


def visible_references(user, instance):
    """References to `instance` (ReferenceIndex rows) from records the user may see.

    Usage pages and delete confirmations list and count only these: a site or an organisation
    used by other organisations' campaigns does not tell how. Records of this app answer through
    their policy (participants: the campaign's managers only); other records that belong to a
    campaign, through the campaigns the user sees; the rest are not campaign data.
    """
    references = ReferenceIndex.get_references_to(instance)
    if user.is_superuser:
        return references
    condition = Q()
    for type_id in references.values_list("base_content_type_id", flat=True).distinct():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model in POLICIES:
            records = POLICIES[model].instances_user_has_permission_for(user, "view")
        elif model is not None and any(f.name == "campaign" for f in model._meta.fields):
            records = model._default_manager.filter(campaign__in=campaigns_visible_to(user))
        else:
            continue
        keys = records.annotate(reference_key=Cast("pk", CharField())).values("reference_key")
        condition &= ~Q(base_content_type_id=type_id) | Q(object_id__in=keys)
    return references.filter(condition)


class ObjectPermissionMixin:
    object_action = "view"

    def get_object(self, *args, **kwargs):
        return checked_object(
            self.request.user, super().get_object(*args, **kwargs), self.object_action
        )


class ScopedIndexView(generic.IndexView):
    """Lists only the rows the user may see; import and export buttons where they apply."""

    transfer_kind = None

    def get_base_queryset(self):
        return POLICIES[self.model].instances_user_has_permission_for(self.request.user, "view")

    def get_edit_url(self, instance):
        if POLICIES[self.model].user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            return super().get_edit_url(instance)
        return None

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.transfer_kind and self.user_has_permission("import"):
            url = reverse_transfer("import", self.transfer_kind)
            buttons.append(HeaderButton(_("Importer"), url=url, icon_name="upload"))
        if self.transfer_kind and self.user_has_permission("export"):
            url = reverse_transfer("export", self.transfer_kind)
            buttons.append(HeaderButton(_("Exporter"), url=url, icon_name="download"))
        return buttons


def reverse_transfer(direction: str, kind: str) -> str:
    from django.urls import reverse

    return reverse(f"campaigns_transfers:{direction}", args=[kind])


def _erase_if_withdrawn(instance, user) -> None:
    """A participant saved with a withdrawal date: erase what they answered (audited)."""
    if isinstance(instance, Participant) and instance.withdrawal_date:
        privacy.withdrawn_erase(campaign=instance.campaign, user=user, participants=[instance])


class ScopedCreateView(generic.CreateView):
    def save_instance(self):
        if hasattr(self.form.instance, "recorded_by_id") and self.form.instance.pk is None:
            self.form.instance.recorded_by = self.request.user
        instance = super().save_instance()
        _erase_if_withdrawn(instance, self.request.user)
        return instance


class ScopedEditView(ObjectPermissionMixin, generic.EditView):
    object_action = "change"

    def save_instance(self):
        instance = super().save_instance()
        _erase_if_withdrawn(instance, self.request.user)
        return instance


class ScopedDeleteView(ObjectPermissionMixin, generic.DeleteView):
    object_action = "delete"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "usage_count" in context:  # what the user may see; protection still counts every row
            references = visible_references(self.request.user, self.object)
            context["usage_count"] = references.group_by_source_object().count()
        return context


class ScopedInspectView(ObjectPermissionMixin, generic.InspectView):
    pass


class ScopedHistoryView(ObjectPermissionMixin, HistoryView):
    any_permission_required = ALL_ACTIONS

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if isinstance(self.object, Campaign) and not can_export_rows(
            self.request.user, self.object
        ):
            queryset = queryset.exclude(action__in=selectors.PARTICIPANT_EVENTS)
        return queryset


class ScopedUsageView(ObjectPermissionMixin, UsageView):
    object_action = "change"

    def get_queryset(self):
        return visible_references(self.request.user, self.object).group_by_source_object()


class CampaignDashboardView(ScopedInspectView):
    """State and next step, partners, co-design, traceability, actions, participants, history."""

    template_name = "campaigns/campaign_dashboard.html"
    page_title = _("Tableau de bord")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.object
        next_status, missing = services.campaign_next_step(campaign=campaign)
        links, unanswered = selectors.campaign_traceability(campaign=campaign)
        rows = can_export_rows(self.request.user, campaign)  # else: aggregates, suppressed
        context.update(
            {
                "campaign": campaign,
                "next_status": next_status and Campaign.Status(next_status),
                "missing": missing,
                "transitions": self.transition_buttons(campaign),
                "roles": campaign_roles(self.request.user, campaign),
                "partnerships": campaign.partnerships.select_related("organisation"),
                "sessions": selectors.campaign_sessions(campaign=campaign),
                "validations": campaign.validations.select_related("organisation"),
                "trace_links": links,
                "unanswered": unanswered,
                "actions_by_setting": selectors.campaign_actions_by_setting(campaign=campaign),
                "participants": selectors.campaign_participant_tables(
                    campaign=campaign, exact=rows
                ),
                "history": selectors.campaign_history(campaign=campaign, participant_events=rows),
            }
        )
        return context

    def transition_buttons(self, campaign):
        if not can_move_lifecycle(self.request.user, campaign):
            return []
        return [
            {
                "target": target,
                "label": Campaign.Status(target).label,
                "blockers": services.campaign_transition_blockers(campaign=campaign, target=target),
            }
            for target in services.allowed_targets(campaign=campaign)
        ]


@require_POST
def campaign_transition_view(request, pk):
    """POST target=<state>: move the campaign through the service, then back to the dashboard."""
    campaign = checked_object(request.user, get_object_or_404(Campaign, pk=pk), "view")
    try:
        services.campaign_transition(
            campaign=campaign, target=request.POST.get("target", ""), user=request.user
        )
    except services.TransitionRefused as refused:
        for reason in refused.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, _("État de la campagne mis à jour."))
    return redirect("campaigns_campaign:inspect", pk)
