"""Import questionnaire waves: generic wide files and LimeSurvey, KoboToolbox, ODK exports.

Every problem is reported with its row, column, value and reason; any problem means nothing is
written (the whole import is one transaction, and validation runs before any write). How each
survey tool's export is recognised and read lives in ``formats/``, one module per tool.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign
from livinglab.core.tabular import FileRejected, Table, read_table
from livinglab.evaluation.measurement.imports.formats import detect_format, format_named
from livinglab.evaluation.measurement.imports.issues import ImportFailed, ImportReport, Issue
from livinglab.evaluation.measurement.imports.mapping import build_mapping, guess_mapping
from livinglab.evaluation.measurement.imports.validation import Validator, load_context
from livinglab.evaluation.measurement.imports.values import parse_value
from livinglab.evaluation.measurement.imports.writer import record_refusal, write
from livinglab.evaluation.measurement.models import ColumnMapping
from livinglab.evaluation.measurement.protocols import current_protocol

__all__ = [
    "ImportFailed",
    "ImportReport",
    "Issue",
    "build_mapping",
    "detect_format",
    "guess_mapping",
    "parse_value",
    "responses_import",
]


def responses_import(
    *,
    campaign: Campaign,
    data: bytes | None = None,
    table: Table | None = None,
    filename: str,
    user=None,
    dry_run: bool = False,
    create_participants: bool = False,
    wave: str | None = None,
    mapping: dict | None = None,
    save_mapping: bool = False,
) -> ImportReport:
    """Validate a whole file, then write it in one transaction — or raise ImportFailed."""
    if current_protocol(campaign) is None:
        raise ImportFailed([Issue(1, "", "", _("la campagne n'a pas encore de protocole"))])
    if table is None:  # already read by the upload pipeline when it comes from the admin
        try:
            table = read_table(data, filename=filename)
        except FileRejected as error:
            raise ImportFailed([Issue(1, "", "", str(error))]) from error
    source_format = detect_format(table.header)
    mapping = build_mapping(
        campaign=campaign, table=table, source_format=source_format, mapping=mapping
    )
    ctx = load_context(campaign, list(mapping["indicators"]))
    validator = Validator(
        ctx,
        table,
        mapping,
        wave=wave,
        create=create_participants,
        skip_row=format_named(source_format).skip_row,
    )
    validator.run()
    if validator.issues:
        record_refusal(campaign, filename, source_format, validator.issues, user)
        raise ImportFailed(validator.issues)
    report = ImportReport(
        source_format=source_format,
        rows=len(table.rows),
        values=len(validator.values),
        new_participants=len(validator.new_participants),
        dry_run=dry_run,
        mapping=mapping,
        skipped=dict(validator.skipped),
    )
    if not dry_run:
        with transaction.atomic():
            report.response_set_id = write(campaign, ctx, validator, filename, source_format, user)
            if save_mapping and source_format != "generic":
                ColumnMapping.objects.update_or_create(
                    campaign=campaign, source_format=source_format, defaults={"mapping": mapping}
                )
            audit.record(
                campaign,
                "livinglab.import",
                user=user,
                data={"file": filename, "format": source_format, "rows": report.rows,
                      "values": report.values, "new_participants": report.new_participants},
            )  # fmt: skip
    return report
