"""django-import-export Resources: organisations, sites, and a campaign's actions and participants.

Column names are the field names below; choices accept the code or the French label; dates are
AAAA-MM-JJ or JJ/MM/AAAA; sites are found by name, UAI or SIRET; organisations by name.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from livinglab.campaigns.models import Action, Campaign, Organisation, Participant, Setting, Site
from livinglab.campaigns.widgets import (
    ChoiceWidget,
    DigitsWidget,
    FrenchDateWidget,
    organisation_widget,
    site_widget,
)


def choice_field(name: str, choices, **kwargs) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=ChoiceWidget(choices, **kwargs))


def date_field(name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=FrenchDateWidget())


class SafeResource(resources.ModelResource):
    """Every import is atomic and validates the model (full_clean) row by row."""

    class Meta:
        abstract = True
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = False
        report_skipped = True
        store_row_values = True  # the preview shows what each row said


class OrganisationResource(SafeResource):
    kind = choice_field("kind", Organisation.Kind.choices)

    class Meta(SafeResource.Meta):
        model = Organisation
        fields = ("name", "kind", "city", "region", "website")
        import_id_fields = ("name",)


class SiteResource(SafeResource):
    setting = choice_field("setting", Setting.choices)
    postcode = fields.Field(attribute="postcode", column_name="postcode", widget=DigitsWidget(5))

    class Meta(SafeResource.Meta):
        model = Site
        fields = (
            "name", "setting", "city", "postcode", "department", "region", "headcount", "uai",
            "siret",
        )  # fmt: skip
        import_id_fields = ("name", "postcode")


class CampaignRecordResource(SafeResource):
    """Rows of one campaign: the campaign comes from the import, never from the file."""

    class Meta(SafeResource.Meta):
        abstract = True

    def __init__(self, *, campaign: Campaign, **kwargs):
        super().__init__(**kwargs)
        self.campaign = campaign

    def get_queryset(self):
        return self._meta.model.objects.filter(campaign=self.campaign)

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.campaign = self.campaign


class ActionResource(CampaignRecordResource):
    action_type = choice_field("action_type", Action.Type.choices)
    setting = choice_field("setting", Setting.choices)
    status = choice_field("status", Action.Status.choices, empty=Action.Status.PLANNED)
    site = fields.Field(attribute="site", column_name="site", widget=site_widget())
    facilitator = fields.Field(
        attribute="facilitator", column_name="facilitator", widget=organisation_widget()
    )
    start_date = date_field("start_date")
    end_date = date_field("end_date")

    class Meta(CampaignRecordResource.Meta):
        model = Action
        fields = (
            "title", "action_type", "setting", "site", "start_date", "end_date", "facilitator",
            "planned_attendance", "actual_attendance", "status",
        )  # fmt: skip
        import_id_fields = ("title", "start_date")


class ParticipantResource(CampaignRecordResource):
    site = fields.Field(attribute="site", column_name="site", widget=site_widget())
    group = choice_field("group", Participant.Group.choices)
    sex = choice_field("sex", Participant.Sex.choices, empty=Participant.Sex.NOT_STATED)
    age_band = choice_field("age_band", Participant.AgeBand.choices)
    consent_date = date_field("consent_date")
    withdrawal_date = date_field("withdrawal_date")

    class Meta(CampaignRecordResource.Meta):
        model = Participant
        fields = ("code", "site", "group", "sex", "age_band", "consent_date", "withdrawal_date")
        import_id_fields = ("code",)

    def before_import(self, dataset, **kwargs):
        self.seen_codes: set[str] = set()

    def before_import_row(self, row, **kwargs):
        code = str(row.get("code") or "").strip()
        if code in self.seen_codes:
            raise ValidationError(
                {"code": _("code « %(code)s » en double dans le fichier") % {"code": code}}
            )
        self.seen_codes.add(code)
