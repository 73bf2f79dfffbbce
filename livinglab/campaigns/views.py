"""Admin views that check object-level rights on every request, and the campaign dashboard."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import ReferenceIndex

from livinglab.campaigns import costs, privacy, selectors, services
from livinglab.campaigns.forms import ActionDoneForm
from livinglab.campaigns.models import Action, Campaign, Participant, Site
from livinglab.campaigns.permissions import (
    campaign_roles,
    campaigns_visible_to,
    can_edit,
    can_evaluate,
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


def carried_query(request) -> str:
    """`?campaign=…&next=…` of the request (only these, next only when safe), or ""."""
    query = QueryDict(mutable=True)
    if str(request.GET.get("campaign", "")).isdigit():
        query["campaign"] = request.GET["campaign"]
    if next_url := get_valid_next_url_from_request(request):
        query["next"] = next_url
    return f"?{query.urlencode()}" if query else ""


class ReturnToNextMixin:
    """Saving goes back where the form was opened from (`next`, same host only)."""

    def get_success_url(self):
        return get_valid_next_url_from_request(self.request) or super().get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "action_url" in context and "?" not in context["action_url"]:
            context["action_url"] += carried_query(self.request)
        return context


class ScopedCreateView(ReturnToNextMixin, generic.CreateView):
    """`?campaign=<pk>`: the form opens on that campaign (if the user may add there)."""

    def get_page_subtitle(self):
        subtitle = super().get_page_subtitle()
        campaign = self.opened_for
        return f"{subtitle} — {campaign}" if campaign else subtitle

    @cached_property
    def opened_for(self) -> Campaign | None:
        return self.get_initial().get("campaign")

    def get_initial(self):
        initial = super().get_initial()
        value = self.request.GET.get("campaign", "")
        policy = POLICIES[self.model]
        if value.isdigit() and hasattr(policy, "campaigns_for"):
            campaign = policy.campaigns_for(self.request.user, ["add"]).filter(pk=value).first()
            if campaign is not None:
                initial["campaign"] = campaign
        return initial

    def save_instance(self):
        if hasattr(self.form.instance, "recorded_by_id") and self.form.instance.pk is None:
            self.form.instance.recorded_by = self.request.user
        instance = super().save_instance()
        _erase_if_withdrawn(instance, self.request.user)
        return instance


class ScopedEditView(ObjectPermissionMixin, ReturnToNextMixin, generic.EditView):
    object_action = "change"

    def save_instance(self):
        instance = super().save_instance()
        _erase_if_withdrawn(instance, self.request.user)
        return instance


class ScopedDeleteView(ObjectPermissionMixin, ReturnToNextMixin, generic.DeleteView):
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


class CampaignCreateView(ScopedCreateView):
    """A new campaign opens on its dashboard, where every next step is offered."""

    def get_success_url(self):
        return get_valid_next_url_from_request(self.request) or reverse(
            "campaigns_campaign:inspect", args=[self.object.pk]
        )


class CampaignIndexView(ScopedIndexView):
    """The campaign's title opens its dashboard (the hub); "Modifier" stays in the menu."""

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        column = super()._get_title_column(field_name, column_class, **kwargs)
        column._get_url_func = self.get_inspect_url
        return column


# (viewset namespace, label) of the records added from the dashboard, in the journey's order.
HUB_RECORDS = (
    ("campaigns_partner", _("Ajouter un partenaire")),
    ("campaigns_session", _("Ajouter une séance de co-construction")),
    ("campaigns_contribution", _("Ajouter une contribution")),
    ("campaigns_decision", _("Ajouter une décision")),
    ("campaigns_validation", _("Enregistrer la validation par les usagers")),
    ("campaigns_action", _("Ajouter une action")),
    ("campaigns_budgetline", _("Ajouter une ligne budgétaire")),
)


def hub_links(request, campaign: Campaign) -> list[dict]:
    """The dashboard's "add" links the user may follow, each opening on this campaign and
    coming back to the dashboard after saving."""
    user = request.user
    dashboard = reverse("campaigns_campaign:inspect", args=[campaign.pk])
    back = {"campaign": campaign.pk, "next": dashboard}
    links = []
    for namespace, label in HUB_RECORDS:
        model = _viewset_model(namespace)
        if POLICIES[model].campaigns_for(user, ["add"]).filter(pk=campaign.pk).exists():
            url = f"{reverse(f'{namespace}:add')}?{urlencode(back)}"
            links.append({"label": label, "url": url, "name": namespace})
    if POLICIES[Site].user_has_permission(user, "add"):
        url = f"{reverse('campaigns_site:add')}?{urlencode({'next': dashboard})}"
        links.append({"label": _("Ajouter un site"), "url": url, "name": "campaigns_site"})
    if POLICIES[Participant].campaigns_for(user, ["import"]).filter(pk=campaign.pk).exists():
        url = reverse("campaigns_transfers:import", args=["participants"])
        links.append(
            {
                "label": _("Importer des participants"),
                "url": f"{url}?{urlencode(back)}",
                "name": "participants_import",
            }
        )
    return links


def _viewset_model(namespace: str):
    from livinglab.campaigns.viewsets import CampaignsGroup

    return next(viewset.model for viewset in CampaignsGroup.items if viewset.name == namespace)


class CampaignDashboardView(ScopedInspectView):
    """The campaign's hub: state and next step, every action in place, partners, co-design,
    traceability, actions and their implementation, participants, evaluation, public page."""

    template_name = "campaigns/campaign_dashboard.html"
    page_title = _("Tableau de bord")

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.object
        user = self.request.user
        can_change_actions = (
            POLICIES[Action].campaigns_for(user, ["change"]).filter(pk=campaign.pk).exists()
        )
        context.update(
            {
                "hub_links": hub_links(self.request, campaign),
                "can_change_actions": can_change_actions,
                "evaluation": selectors.campaign_evaluation_state(campaign=campaign),
                "can_evaluate": can_evaluate(user, campaign),
                "can_edit": can_edit(user, campaign),
                "public_page": selectors.campaign_public_page(campaign=campaign),
                "implementation": selectors.campaign_implementation(campaign=campaign),
            }
        )
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
                **self.cost_context(campaign, exact=rows),
            }
        )
        return context

    def cost_context(self, campaign, *, exact: bool) -> dict:
        """Costs and what they buy; the cost per participant is withheld from non-managers
        when few people were reached (it would tell their number: total ÷ cost)."""
        figures = costs.campaign_costs(campaign=campaign)
        threshold = selectors.min_cell_size(campaign)
        shown = figures.lines and (exact or figures.reached >= threshold)
        per_participant = figures.per_participant if shown else None
        return {
            "costs": figures,
            "costs_threshold": threshold,
            "costs_per_participant_shown": bool(shown),
            "cost_effectiveness": costs.cost_effectiveness_sentences(
                campaign=campaign, per_participant=per_participant
            ),
            "budget_lines_url": reverse("campaigns_budgetline:index")
            + "?"
            + urlencode({"campaign": campaign.pk}),
        }

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


def action_done_view(request, pk, action_pk):
    """Mark an action of the campaign done ("Réalisée"): its date, how many came, and who came
    among the campaign's participants; feeds RE-AIM Implementation and Reach."""
    campaign = checked_object(request.user, get_object_or_404(Campaign, pk=pk), "view")
    action = checked_object(
        request.user, get_object_or_404(Action, pk=action_pk, campaign=campaign), "change"
    )
    form = ActionDoneForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        services.action_mark_done(
            action=action,
            delivered_on=form.cleaned_data["delivered_on"],
            actual_attendance=form.cleaned_data["actual_attendance"],
            attendees=form.cleaned_data.get("attendees"),
            user=request.user,
        )
        messages.success(request, _("Action « %(title)s » réalisée.") % {"title": action})
        return redirect("campaigns_campaign:inspect", campaign.pk)
    return TemplateResponse(
        request,
        "campaigns/action_done.html",
        {
            "form": form,
            "action": action,
            "campaign": campaign,
            "page_title": _("Action réalisée — %(title)s") % {"title": action},
            "header_icon": "calendar",
            "dashboard_url": reverse("campaigns_campaign:inspect", args=[campaign.pk]),
        },
    )
