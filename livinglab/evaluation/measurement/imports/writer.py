"""Writing a validated import in bulk, and recording a refused one in the audit log."""

import re
from collections import Counter
from collections.abc import Iterable

from django.db import connections, router

from livinglab.campaigns import audit
from livinglab.campaigns.models import Participant
from livinglab.evaluation.measurement.dataversion import data_changed
from livinglab.evaluation.measurement.imports.issues import Issue
from livinglab.evaluation.measurement.imports.validation import ImportContext, Validator
from livinglab.evaluation.measurement.models import Response, ResponseSet


def record_refusal(campaign, filename, source_format, issues: list[Issue], user) -> None:
    """Nothing is imported, but the data manager sees which checks refused what."""
    reasons = Counter(re.sub(r"\s*[\[(].*$", "", issue.reason) for issue in issues)
    audit.record(
        campaign,
        "livinglab.import",
        user=user if getattr(user, "pk", None) else None,
        data={"status": "refused", "file": filename, "format": source_format,
              "issues": len(issues), "reasons": dict(reasons)},
    )  # fmt: skip


def write(campaign, ctx: ImportContext, validator: Validator, filename, source_format, user) -> int:
    response_set = ResponseSet.objects.create(
        campaign=campaign,
        source=ResponseSet.Source.IMPORT,
        source_format=source_format,
        filename=filename[:255],
        rows=len(validator.table.rows),
        created_by=user if getattr(user, "pk", None) else None,
    )
    created = Participant.objects.bulk_create(
        [
            Participant(campaign=campaign, code=code, group=group, site_id=site_id)
            for code, (group, site_id) in validator.new_participants.items()
        ],
        batch_size=2000,
    )
    ids = {code: pk for code, (pk, *_rest) in ctx.participants.items()}
    if created and created[0].pk is None:  # backends that do not return ids
        created = campaign.participants.filter(code__in=validator.new_participants)
    ids.update({participant.code: participant.pk for participant in created})
    wave_ids = {code: wave.pk for code, wave in ctx.waves.items()}
    set_id = response_set.pk
    responses_insert(
        (set_id, ids[code], wave_ids[wave], indicator_id, value)
        for code, wave, indicator_id, value in validator.values
    )
    data_changed(campaign.pk, bulk=True)
    return response_set.pk


RESPONSE_COLUMNS = ("response_set_id", "participant_id", "wave_id", "indicator_id", "value")


def responses_insert(rows: Iterable[tuple[int, int, int, int, float]]) -> None:
    """Insert already validated responses, in the caller's transaction, at bulk-load speed.

    No model instance is built: PostgreSQL receives the rows through ``COPY … FROM STDIN``
    (psycopg's ``cursor.copy()``), other databases through one ``executemany`` of a plain
    INSERT. Either way the database checks the same constraints as ``bulk_create`` (the unique
    participant × wave × indicator, the foreign keys) and a violation raises Django's
    ``IntegrityError``, rolling back the caller's transaction: nothing is half-written.
    """
    connection = connections[router.db_for_write(Response)]
    table = connection.ops.quote_name(Response._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in RESPONSE_COLUMNS)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(RESPONSE_COLUMNS))
            # Identifiers from the model, values as parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows if isinstance(rows, list) else list(rows))
