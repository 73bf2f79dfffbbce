"""Admin forms that offer only the campaigns and organisations the user may act on."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput, SlugInput

from livinglab.campaigns.models import (
    Action,
    Campaign,
    Membership,
    Organisation,
    Participant,
    Site,
    UserValidation,
)
from livinglab.campaigns.permissions import campaigns_visible_to, can_move_lifecycle
from livinglab.campaigns.policies import POLICIES, CampaignScopedPolicy

# Fields naming the organisation the user acts for: only organisations they manage.
MANAGED_ORGANISATION_FIELDS = {
    (Campaign, "lead_organisation"),
    (Membership, "organisation"),
    (Site, "owner"),
}


class ScopedAdminForm(WagtailAdminModelForm):
    """Limits choices to what `for_user` may touch, and keeps a record's links in its campaign."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        model = self._meta.model
        if model is UserValidation and "organisation" in self.fields:
            # Only user/patient representatives validate (`UserValidation.clean` says the same).
            field = self.fields["organisation"]
            field.queryset = field.queryset.filter(kind=Organisation.Kind.PATIENT_ASSOCIATION)
        self._scope_campaign_records(user, model)
        self._guide(model)
        if model is Participant and "withdrawal_date" in self.fields:
            self._ask_to_confirm_withdrawal()
        if user is None or user.is_superuser:
            return
        if "campaign" in self.fields:
            action = "change" if self.instance.pk else "add"
            self.fields["campaign"].queryset = POLICIES[model].campaigns_for(user, [action])
        for name, form_field in self.fields.items():
            if (model, name) in MANAGED_ORGANISATION_FIELDS:
                self._limit_to_managed_organisations(name, form_field, user)
        if model is Site and "owner" in self.fields:
            self._ask_for_owner_if_needed(self.fields["owner"])

    def scope_campaign(self):
        """The campaign this form works in: the record's, or the one it was opened for
        (`?campaign=<pk>` from the dashboard); None when the user still picks it."""
        campaign_id = getattr(self.instance, "campaign_id", None)
        if campaign_id is not None:
            return campaign_id
        initial = self.initial.get("campaign")
        return getattr(initial, "pk", initial)

    def _guide(self, model):
        """Checkboxes for short multiple choices; a new campaign's slug follows its title."""
        for form_field in self.fields.values():
            if isinstance(form_field, forms.ModelMultipleChoiceField):
                form_field.widget = forms.CheckboxSelectMultiple(choices=form_field.choices)
        if model is Campaign and "slug" in self.fields:
            # ASCII only: the slug names the public page (no /campagnes/pause-%C3%A9crans/).
            self.fields["slug"].widget = SlugInput(
                attrs={"data-w-slug-allow-unicode-value": "false"}
            )
            if not self.instance.pk and "title" in self.fields:
                self.fields["title"].widget.attrs.update(
                    {
                        "data-controller": "w-sync",
                        "data-action": "focus->w-sync#check blur->w-sync#apply "
                        "change->w-sync#apply keyup->w-sync#apply",
                        "data-w-sync-target-value": f"#{self['slug'].id_for_label}",
                    }
                )

    def _ask_to_confirm_withdrawal(self):
        """A withdrawal erases the participant's answers for good: asked to confirm."""
        if self.instance.withdrawal_date is not None:
            return  # already withdrawn: the answers are gone
        self.fields["confirm_withdrawal"] = forms.BooleanField(
            label=_("Je confirme le retrait"),
            required=False,
            help_text=_(
                "Avec une date de retrait, toutes les réponses de ce participant sont effacées "
                "définitivement à l'enregistrement (action irréversible, journalisée)."
            ),
        )

    def _scope_campaign_records(self, user, model):
        """Fields choosing records of a campaign (a session, contributions, decisions…).

        Choices come from the campaigns where the user may add or change this form's records;
        once the form knows its campaign, from that campaign only; else each label names its
        campaign.
        """
        action = "change" if self.instance.pk else "add"
        scope = self.scope_campaign()
        policy = POLICIES.get(model)
        for name, form_field in self.fields.items():
            queryset = getattr(form_field, "queryset", None)
            if name == "campaign" or queryset is None or not _is_campaign_record(queryset.model):
                continue
            queryset = queryset.select_related("campaign")
            if user is not None and not user.is_superuser:
                if isinstance(policy, CampaignScopedPolicy) and policy.campaign_path:
                    campaigns = policy.campaigns_for(user, [action])
                else:
                    campaigns = campaigns_visible_to(user)
                queryset = queryset.filter(campaign__in=campaigns)
            if scope is not None:
                queryset = queryset.filter(campaign_id=scope)
            form_field.queryset = queryset
            if form_field.label == capfirst(name.replace("_", " ")):  # no verbose name given
                form_field.label = capfirst(queryset.model._meta.verbose_name)
            if scope is None:
                form_field.label_from_instance = _label_with_campaign

    def _ask_for_owner_if_needed(self, form_field):
        """A site belongs to an organisation its editor manages: asked only when there is a choice.

        Superusers may leave it empty (a site only superusers edit).
        """
        form_field.required = True
        managed = list(form_field.queryset[:2])
        if len(managed) == 1 and self.instance.owner_id in (None, managed[0].pk):
            self.instance.owner = managed[0]
            del self.fields["owner"]

    def _limit_to_managed_organisations(self, name, form_field, user):
        managed = Membership.objects.filter(user=user, role=Membership.Role.MANAGER)
        queryset = Organisation.objects.filter(pk__in=managed.values("organisation"))
        current = getattr(self.instance, f"{name}_id", None)
        if current:
            queryset = queryset | Organisation.objects.filter(pk=current)
        form_field.queryset = queryset.distinct()
        if isinstance(self.instance, Campaign) and self.instance.pk:
            # Handing a campaign to another organisation is the lead managers' call only.
            form_field.disabled = not can_move_lifecycle(user, self.instance)

    def clean(self):
        cleaned = super().clean()
        if (
            "confirm_withdrawal" in self.fields
            and cleaned.get("withdrawal_date")
            and not cleaned.get("confirm_withdrawal")
        ):
            self.add_error(
                "confirm_withdrawal",
                _("Cochez pour confirmer : les réponses du participant seront effacées."),
            )
        campaign = cleaned.get("campaign")
        if campaign is None:
            return cleaned
        # A copy: `add_error` removes the field from `cleaned_data` while we go through it.
        for name, value in list(cleaned.items()):
            linked = list(value.all()) if hasattr(value, "all") else [value]
            if isinstance(value, list | tuple):
                linked = list(value)
            if any(getattr(item, "campaign_id", campaign.pk) != campaign.pk for item in linked):
                message = _(
                    "« %(field)s » : choisissez un élément de la campagne « %(campaign)s »."
                ) % {"field": self.fields[name].label, "campaign": campaign}
                self.add_error(name, ValidationError(message))
        return cleaned


def _is_campaign_record(model) -> bool:
    """Rows that belong to one campaign (and are not campaigns themselves)."""
    return model is not Campaign and any(f.name == "campaign" for f in model._meta.fields)


def _label_with_campaign(record) -> str:
    return f"{record} — {record.campaign}"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_("Première ligne : les noms de colonnes. 5 Mo et 20 000 lignes au plus."),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campagne"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is None:
            del self.fields["campaign"]
        else:
            self.fields["campaign"].queryset = campaigns
            self.fields["campaign"].required = True


class ActionDoneForm(forms.Form):
    """An action took place: when, how many came, and (optionally) which participants."""

    delivered_on = forms.DateField(label=_("Réalisée le"), widget=AdminDateInput)
    actual_attendance = forms.IntegerField(
        label=_("Nombre de participants présents"),
        min_value=0,
        required=False,
        help_text=_("Laissé vide : le nombre de participants cochés ci-dessous."),
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Participants présents"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "delivered_on": action.delivered_on or action.end_date or action.start_date,
                "actual_attendance": action.actual_attendance,
                "attendees": list(action.attendances.values_list("participant_id", flat=True)),
            },
        )
        super().__init__(*args, **kwargs)
        participants = action.campaign.participants.filter(withdrawal_date__isnull=True)
        if action.site_id is not None:
            participants = participants.filter(site_id=action.site_id)
        self.fields["attendees"].queryset = participants.order_by("code")
        if not participants.exists():
            del self.fields["attendees"]

    def clean(self):
        cleaned = super().clean()
        attendees = cleaned.get("attendees")
        if cleaned.get("actual_attendance") is None:
            if attendees:
                cleaned["actual_attendance"] = len(attendees)
            else:
                self.add_error(
                    "actual_attendance",
                    _("Indiquez combien de participants étaient présents, ou cochez-les."),
                )
        elif attendees and cleaned["actual_attendance"] < len(attendees):
            self.add_error(
                "actual_attendance",
                _("Moins de présents que de participants cochés (%(n)d).") % {"n": len(attendees)},
            )
        return cleaned
