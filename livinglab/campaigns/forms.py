"""Admin forms that offer only the campaigns and organisations the user may act on."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from livinglab.campaigns.models import Campaign, Membership, Organisation, Site
from livinglab.campaigns.permissions import campaigns_visible_to, can_move_lifecycle
from livinglab.campaigns.policies import POLICIES

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
        if user is None or user.is_superuser:
            return
        model = self._meta.model
        if "campaign" in self.fields:
            action = "change" if self.instance.pk else "add"
            self.fields["campaign"].queryset = POLICIES[model].campaigns_for(user, [action])
        for name, form_field in self.fields.items():
            if (model, name) in MANAGED_ORGANISATION_FIELDS:
                self._limit_to_managed_organisations(name, form_field, user)
            elif getattr(form_field, "queryset", None) is not None and name != "campaign":
                related = form_field.queryset.model
                if any(f.name == "campaign" for f in related._meta.fields):
                    visible = campaigns_visible_to(user)
                    form_field.queryset = form_field.queryset.filter(campaign__in=visible)
        if model is Site and "owner" in self.fields:
            self._ask_for_owner_if_needed(self.fields["owner"])

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
        campaign = cleaned.get("campaign")
        if campaign is None:
            return cleaned
        for name, value in cleaned.items():
            linked = value if isinstance(value, list | tuple) else [value]
            if hasattr(value, "all"):
                linked = list(value.all())
            if any(getattr(item, "campaign_id", campaign.pk) != campaign.pk for item in linked):
                self.add_error(name, ValidationError(_("Choisissez un élément de cette campagne.")))
        return cleaned


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
