"""django-import-export Resources: organisations, sites, and a campaign's actions, participants
and budget lines.

Column names are the field names below; choices accept the code or the French label; dates are
AAAA-MM-JJ or JJ/MM/AAAA; sites are found by name, UAI or SIRET; organisations by name.

A sites import changes only the sites owned by an organisation the importer manages (a row that
would change another organisation's site is refused, naming the column); a new site belongs to
the importer's organisation, or to the one its `owner` column names among those they manage.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from livinglab.campaigns.models import (
    Action,
    BudgetLine,
    Campaign,
    Membership,
    Organisation,
    Participant,
    Setting,
    Site,
)
from livinglab.campaigns.permissions import organisations_of
from livinglab.campaigns.widgets import (
    CampaignActionWidget,
    ChoiceWidget,
    DigitsWidget,
    EuroWidget,
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

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user  # who imports or exports (None: a command run by the operator)


class ManagedRowsResource(SafeResource):
    """Rows matched to existing records that only the managers of an organisation may change:
    `check_row` adds the errors of a row that changes what the importer does not manage (not
    called for the operator's command nor an administrator); a row that changes nothing of such
    a record is skipped, not counted as an update."""

    class Meta(SafeResource.Meta):
        abstract = True

    def before_import(self, dataset, **kwargs):
        self.untouched: set[int] = set()  # others' records whose row changes nothing: skipped
        user = self.user
        if user is None or user.is_superuser:
            self.managed = None  # no ownership rule
        else:
            managed = organisations_of(user, {Membership.Role.MANAGER})
            self.managed = list(Organisation.objects.filter(pk__in=managed).order_by("name"))

    def import_instance(self, instance, row, **kwargs):
        before = None if instance.pk is None else self._values(instance)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.managed is not None:
            self.check_row(instance, before, row, errors)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, before: dict | None, row, errors: dict) -> None:
        raise NotImplementedError

    def changed(self, instance, before: dict) -> list[str]:
        """The fields the row changes; none: the record is left untouched (row skipped)."""
        after = self._values(instance)
        names = [name for name, value in after.items() if before[name] != value]
        if not names:
            self.untouched.add(instance.pk)
        return names

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not import_validation_errors and instance.pk in self.untouched:
            return True
        return super().skip_row(instance, original, row, import_validation_errors)

    def _values(self, instance) -> dict:
        meta = self._meta.model._meta
        return {
            field.attribute: getattr(instance, meta.get_field(field.attribute).attname)
            for field in self.get_import_fields()
        }


class OrganisationResource(ManagedRowsResource):
    """Rows are matched by name: a row naming an organisation the importer does not manage may
    change nothing in it."""

    kind = choice_field("kind", Organisation.Kind.choices)

    class Meta(SafeResource.Meta):
        model = Organisation
        fields = ("name", "kind", "city", "region", "website")
        import_id_fields = ("name",)

    def check_row(self, instance, before: dict | None, row, errors: dict) -> None:
        if before is None or instance.pk in {organisation.pk for organisation in self.managed}:
            return
        reason = _("l'organisation « %(name)s » existe déjà et vous n'en êtes pas "
                   "gestionnaire : seuls ses gestionnaires la modifient") % {
            "name": before["name"]
        }  # fmt: skip
        for name in self.changed(instance, before):
            errors.setdefault(name, []).append(reason)


class SiteResource(ManagedRowsResource):
    setting = choice_field("setting", Setting.choices)
    postcode = fields.Field(attribute="postcode", column_name="postcode", widget=DigitsWidget(5))
    owner = fields.Field(attribute="owner", column_name="owner", widget=organisation_widget())

    class Meta(SafeResource.Meta):
        model = Site
        fields = (
            "name", "setting", "city", "postcode", "department", "region", "headcount", "uai",
            "siret", "owner",
        )  # fmt: skip
        import_id_fields = ("name", "postcode")

    def check_row(self, instance, before: dict | None, row, errors: dict) -> None:
        self._check_ownership(instance, before, row, errors)

    def _check_ownership(self, instance, before: dict | None, row, errors: dict) -> None:
        """A site someone else owns is not changed; a site of one's own keeps an owner."""
        managed = {organisation.pk for organisation in self.managed}
        if before is not None and before["owner"] not in managed:
            changed = self.changed(instance, before)
            if before["owner"] is None:
                reason = _("le site « %(site)s » n'a pas d'organisation propriétaire : seul un "
                           "administrateur le modifie") % {"site": instance.name}  # fmt: skip
            else:
                owner = Organisation.objects.get(pk=before["owner"])
                reason = _("le site « %(site)s » appartient à %(owner)s : seuls ses gestionnaires "
                           "le modifient") % {"site": instance.name, "owner": owner}  # fmt: skip
            for name in changed:
                errors.setdefault(name, []).append(reason)
            return
        if instance.owner_id is None and before is None and len(self.managed) == 1:
            if not str(row.get("owner") or "").strip():
                instance.owner = self.managed[0]  # a new site: the importer's organisation
                return
        if instance.owner_id not in managed and "owner" not in errors:
            names = ", ".join(str(organisation) for organisation in self.managed)
            errors.setdefault("owner", []).append(
                _("indiquez l'organisation propriétaire parmi celles que vous gérez : %(names)s")
                % {"names": names}
            )


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


class BudgetLineResource(CampaignRecordResource):
    """A campaign's budget lines; a row's action is found by title among the campaign's."""

    action = fields.Field(attribute="action", column_name="action", widget=CampaignActionWidget())
    category = choice_field("category", BudgetLine.Category.choices)
    kind = choice_field("kind", BudgetLine.Kind.choices, empty=BudgetLine.Kind.FINANCIAL)
    amount = fields.Field(attribute="amount", column_name="amount", widget=EuroWidget())
    funder = fields.Field(attribute="funder", column_name="funder", widget=organisation_widget())

    class Meta(CampaignRecordResource.Meta):
        model = BudgetLine
        fields = ("label", "action", "category", "kind", "amount", "funder")
        import_id_fields = ("label",)

    def __init__(self, *, campaign: Campaign, **kwargs):
        super().__init__(campaign=campaign, **kwargs)
        self.fields["action"].widget.campaign = campaign

    def before_import(self, dataset, **kwargs):
        self.seen_labels: set[str] = set()

    def before_import_row(self, row, **kwargs):
        label = str(row.get("label") or "").strip()
        if label.casefold() in self.seen_labels:
            raise ValidationError(
                {"label": _("libellé « %(label)s » en double dans le fichier") % {"label": label}}
            )
        self.seen_labels.add(label.casefold())
