"""Import questionnaire waves: generic wide files and LimeSurvey, KoboToolbox, ODK exports.

Every problem is reported with its row, column, value and reason; any problem means nothing is
written (the whole import is one transaction, and validation runs before any write). How each
survey tool's export is recognised and read lives in ``formats/``, one module per tool; what the
tool's questionnaire says about its columns and answers in ``..definitions`` (LimeSurvey .lss,
XLSForm), applied through ``questionnaire.py`` (headers) and ``valuemaps.py`` (answers); ODK
repeat groups in ``repeats.py``; the whole plan of an import in ``plan.py``.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign
from livinglab.core.tabular import FileRejected, Table
from livinglab.evaluation.measurement.definitions import summary
from livinglab.evaluation.measurement.imports.bundle import (
    Bundle,
    bundle_of,
    read_bundle,
    read_zip_upload,
)
from livinglab.evaluation.measurement.imports.formats import detect_format, format_named
from livinglab.evaluation.measurement.imports.issues import ImportFailed, ImportReport, Issue
from livinglab.evaluation.measurement.imports.mapping import build_mapping, guess_mapping
from livinglab.evaluation.measurement.imports.plan import plan_import, preview_columns
from livinglab.evaluation.measurement.imports.validation import (
    ADMIN_CREATE_HINT,
    Validator,
    load_context,
)
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
    "ADMIN_CREATE_HINT",
    "read_zip_upload",
    "responses_import",
]
SAVED_KEYS = ("fields", "indicators", "values", "aggregates", "questionnaire")


def responses_import(
    *,
    campaign: Campaign,
    data: bytes | None = None,
    table: Table | Bundle | None = None,
    filename: str,
    user=None,
    dry_run: bool = False,
    create_participants: bool = False,
    wave: str | None = None,
    mapping: dict | None = None,
    save_mapping: bool = False,
    definition: dict | None = None,
    repeats: dict[str, bytes] | None = None,
    create_hint: str = "",
) -> ImportReport:
    """Validate a whole file, then write it in one transaction — or raise ImportFailed.

    ``definition`` is the tool's questionnaire (``definitions.read_definition``), ``repeats``
    ODK repeat-group files given next to the main one; ``create_hint`` says how the caller's
    user enrols unknown participants.
    """
    if current_protocol(campaign) is None:
        raise ImportFailed([Issue(1, "", "", _("la campagne n'a pas encore de protocole"))])
    try:
        if table is None:  # already read by the upload pipeline when it comes from the admin
            bundle = read_bundle(data, filename=filename, repeats=repeats)
        else:
            bundle = table if isinstance(table, Bundle) else bundle_of({filename: table})
    except FileRejected as error:
        raise ImportFailed([Issue(1, "", "", str(error))]) from error
    source_format = detect_format(bundle.main.header)
    survey_format = format_named(source_format)
    mapping = build_mapping(campaign=campaign, table=bundle.main, source_format=source_format,
                            mapping=mapping, definition=definition)  # fmt: skip
    ctx = load_context(campaign, list(mapping["indicators"]))
    plan = plan_import(table=bundle.main, survey_format=survey_format, mapping=mapping,
                       definition=mapping.get("questionnaire"), indicators=ctx.indicators,
                       repeats=bundle.repeats)  # fmt: skip
    validator = Validator(ctx, plan, wave=wave, create=create_participants,
                          create_hint=create_hint)  # fmt: skip
    validator.run()
    if validator.issues:
        record_refusal(campaign, filename, source_format, validator.issues, user)
        raise ImportFailed(validator.issues)
    report = ImportReport(
        source_format=source_format,
        rows=len(bundle.main.rows),
        values=len(validator.values),
        new_participants=len(validator.new_participants),
        dry_run=dry_run,
        mapping={key: value for key, value in mapping.items() if key != "questionnaire"},
        skipped=dict(validator.skipped),
        flagged=dict(validator.flagged),
        format_label=survey_format.label,
        columns=preview_columns(plan, ctx.indicators),
        repeats=sorted(bundle.repeats),
        definition=summary(plan.definition) if plan.definition else {},
    )
    if not dry_run:
        with transaction.atomic():
            report.response_set_id = write(campaign, ctx, validator, filename, source_format, user)
            if save_mapping and source_format != "generic":
                saved = {key: mapping[key] for key in SAVED_KEYS if mapping.get(key)}
                ColumnMapping.objects.update_or_create(
                    campaign=campaign, source_format=source_format, defaults={"mapping": saved}
                )
            audit.record(
                campaign,
                "livinglab.import",
                user=user,
                data={"file": filename, "format": source_format, "rows": report.rows,
                      "values": report.values, "new_participants": report.new_participants,
                      "skipped": report.skipped, "flagged": report.flagged},
            )  # fmt: skip
    return report
