"""Imports and exports of organisations, sites, actions, participants and budget lines (CSV, XLSX).

An import is all or nothing: a dry run shows every row and every error; the real run writes only
when no row fails, inside one transaction. Every real import and every export is audit-logged.
"""

from dataclasses import dataclass, field
from pathlib import PurePath

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns import audit, privacy, resources
from livinglab.campaigns.models import Campaign, Participant
from livinglab.campaigns.policies import POLICIES
from livinglab.core.spreadsheets import CONTENT_TYPES, dataset_to_bytes
from livinglab.core.tabular import FileRejected, Table, read_table

# The file formats of imports and exports. Names only: importing
# `import_export.formats.base_formats` loads openpyxl (its XLSX format is checked at import).
FORMATS = ("csv", "xlsx")
OUTCOMES = {
    "new": _("nouvelle"),
    "update": _("mise à jour"),
    "skip": _("inchangée"),
    "invalid": _("refusée"),
    "error": _("erreur"),
}


@dataclass(frozen=True)
class TransferKind:
    """One kind of rows that can be imported and exported."""

    code: str
    label: str
    resource_class: type
    per_campaign: bool

    @property
    def model(self):
        return self.resource_class._meta.model

    def resource(self, campaign: Campaign | None, user=None):
        if self.per_campaign:
            return self.resource_class(campaign=campaign, user=user)
        return self.resource_class(user=user)  # sites: rows the user's organisations own

    def columns(self) -> list["Column"]:
        """The file's columns as the import page and the CSV template show them."""
        return [describe_column(self, name) for name in self.resource_class._meta.fields]

    def allowed(self, user, action: str, campaign: Campaign | None) -> bool:
        policy = POLICIES[self.model]
        if not self.per_campaign:
            return policy.user_has_permission(user, action)
        return (
            campaign is not None
            and policy.campaigns_for(user, [action]).filter(pk=campaign.pk).exists()
        )


KINDS = {
    kind.code: kind
    for kind in (
        TransferKind("organisations", _("organisations"), resources.OrganisationResource, False),
        TransferKind("sites", _("sites"), resources.SiteResource, False),
        TransferKind("actions", _("actions"), resources.ActionResource, True),
        TransferKind("participants", _("participants"), resources.ParticipantResource, True),
        TransferKind("budget", _("lignes budgétaires"), resources.BudgetLineResource, True),
    )
}


@dataclass(frozen=True)
class Column:
    """One column of an import file: its header, what it holds, whether a value is needed, and
    the values it accepts (code and French label; either may be written)."""

    name: str
    label: str
    required: bool
    hint: str = ""
    values: tuple[tuple[str, str], ...] = ()
    example: str = ""


# What a typical row of each kind says (the downloadable template's second line).
EXAMPLES = {
    "participants": {
        "code": "P-001",
        "group": "intervention",
        "sex": "female",
        "age_band": "11-14",
        "consent_date": "2027-01-05",
    },
    "actions": {
        "title": "Atelier sommeil",
        "action_type": "workshop",
        "setting": "school",
        "start_date": "2027-01-05",
        "planned_attendance": "25",
        "status": "planned",
    },
    "sites": {"name": "Collège Exemple", "setting": "school", "city": "Montpellier"},
    "organisations": {"name": "Association Exemple", "kind": "association"},
    "budget": {
        "label": "Impression des affiches",
        "category": "communication",
        "kind": "financial",
        "amount": "450,00",
        "funder": "Mutuelle Exemple",
    },
}


def describe_column(kind: TransferKind, name: str) -> Column:
    from livinglab.campaigns.widgets import (
        ChoiceWidget,
        EuroWidget,
        FrenchDateWidget,
        LookupWidget,
    )

    resource_field = kind.resource_class.fields[name]
    model_field = kind.model._meta.get_field(resource_field.attribute or name)
    widget = resource_field.widget
    values: tuple = ()
    hint = ""
    if isinstance(widget, ChoiceWidget):
        values = tuple((str(code), str(label)) for code, label in widget.choices)
        hint = _("un code ou son libellé")
        required = not widget.empty and not model_field.blank
    elif isinstance(widget, EuroWidget):
        hint = _("montant en euros, ex. 1250,50")
        required = True
    elif isinstance(widget, FrenchDateWidget):
        hint = _("date AAAA-MM-JJ (ou JJ/MM/AAAA si le jour dépasse 12)")
        required = not model_field.null
    elif isinstance(widget, LookupWidget):
        hint = {
            "site": _("nom, code UAI ou SIRET d'un site déjà enregistré"),
            "action": _("titre d'une action de la campagne (vide : toute la campagne)"),
        }.get(widget.model._meta.model_name, _("nom d'une organisation déjà enregistrée"))
        required = not model_field.null
    else:
        required = not (model_field.blank or model_field.has_default())
    return Column(
        name=name,
        label=str(model_field.verbose_name),
        required=required,
        hint=str(hint),
        values=values,
        example=EXAMPLES.get(kind.code, {}).get(name, ""),
    )


def template_csv(kind: TransferKind) -> bytes:
    """A CSV to fill in: the headers, then one example row (UTF-8 with BOM for spreadsheets)."""
    columns = kind.columns()
    dataset = tablib.Dataset(headers=[column.name for column in columns])
    dataset.append([column.example for column in columns])
    return dataset_to_bytes(dataset, "csv")


class ImportRefused(Exception):
    """The file cannot be imported; `errors` say where and why."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class ImportReport:
    rows: int = 0
    new: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    preview: list[tuple[int, str, list]] = field(default_factory=list)


def file_format_of(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ImportRefused([_("Format non pris en charge : utilisez un fichier CSV ou XLSX.")])
    return suffix


def dataset_of(table: Table) -> tablib.Dataset:
    """The table read by the upload pipeline (core/tabular.py) as django-import-export wants it."""
    width = len(table.header)
    dataset = tablib.Dataset(headers=table.header)
    for row in table.rows:
        dataset.append((list(row) + [None] * width)[:width])
    return dataset


def read_dataset(*, content: bytes, filename: str) -> tablib.Dataset:
    """The file as a dataset, within the upload limits shared by every import."""
    file_format_of(filename)
    try:
        return dataset_of(read_table(content, filename=filename))
    except FileRejected as error:
        raise ImportRefused([str(error)]) from error


def _row_errors(resource, result) -> list[str]:
    """« ligne N, colonne C : raison » for each failure; N is the line in the file (1 = header)."""
    columns = {f.attribute: f.column_name for f in resource.get_import_fields()}
    messages = [_("Fichier : %(error)s") % {"error": e.error} for e in result.base_errors]
    for invalid in result.invalid_rows:
        for attribute, reasons in invalid.error_dict.items():
            for reason in reasons:
                place = {"line": invalid.number + 1, "column": columns.get(attribute, attribute)}
                if attribute == NON_FIELD_ERRORS:
                    messages.append(_("ligne %(line)s : %(reason)s") % {**place, "reason": reason})
                else:
                    messages.append(
                        _("ligne %(line)s, colonne %(column)s : %(reason)s")
                        % {**place, "reason": reason}
                    )
    for number, errors in result.row_errors():
        messages += [
            _("ligne %(line)s : %(reason)s") % {"line": number + 1, "reason": e.error}
            for e in errors
        ]
    return messages


def _report(resource, result) -> ImportReport:
    report = ImportReport(
        rows=result.total_rows,
        new=result.totals.get("new", 0),
        updated=result.totals.get("update", 0),
        errors=_row_errors(resource, result),
        headers=[f.column_name for f in resource.get_import_fields()],
    )
    for number, row_result in enumerate(result.rows, 1):
        values = [row_result.row_values.get(h, "") for h in report.headers]
        outcome = OUTCOMES.get(row_result.import_type, row_result.import_type)
        report.preview.append((number + 1, outcome, values))
    return report


def records_import(
    *,
    kind: TransferKind,
    dataset: tablib.Dataset,
    user,
    campaign: Campaign | None = None,
    dry_run: bool,
) -> ImportReport:
    """Check (dry run) or write the rows; a real run writes nothing unless every row is valid."""
    if not kind.allowed(user, "import", campaign):
        raise PermissionDenied(_("Vous ne pouvez pas importer ces données."))
    resource = kind.resource(campaign, user)
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        report = _report(resource, result)
        if report.errors:
            if dry_run:
                return report
            transaction.set_rollback(True)
            raise ImportRefused(report.errors)
        if not dry_run:
            audit.record(
                campaign or user,
                "livinglab.import",
                user=user,
                data={"kind": kind.code, "rows": report.rows, "new": report.new},
            )
            if kind.model is Participant and campaign is not None:
                privacy.withdrawn_erase(campaign=campaign, user=user)
    return report


def records_export(
    *, kind: TransferKind, user, file_format: str, campaign: Campaign | None = None
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the rows the user may export, formula-escaped."""
    if file_format not in CONTENT_TYPES:
        raise ValueError(f"Unsupported export format {file_format!r}")
    if not kind.allowed(user, "export", campaign):
        raise PermissionDenied(_("Vous ne pouvez pas exporter ces données."))
    resource = kind.resource(campaign, user)
    dataset = resource.export(resource.get_queryset())
    audit.record(
        campaign or user,
        "livinglab.export",
        user=user,
        data={"kind": kind.code, "format": file_format, "rows": len(dataset)},
    )
    name = f"{kind.code}-{campaign.slug}" if campaign else kind.code
    return (
        dataset_to_bytes(dataset, file_format),
        CONTENT_TYPES[file_format],
        f"{name}.{file_format}",
    )
