"""Writing a validated import in bulk, and recording a refused one in the audit log."""

import re
from collections import Counter

from livinglab.campaigns import audit
from livinglab.campaigns.models import Participant
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
    Response.objects.bulk_create(
        (
            Response(
                response_set_id=response_set.pk,
                participant_id=ids[code],
                wave_id=wave_ids[wave],
                indicator_id=indicator_id,
                value=value,
            )
            for code, wave, indicator_id, value in validator.values
        ),
        batch_size=5000,
    )
    return response_set.pk
