"""Data quality of a campaign: completeness per wave and group, pairs per outcome, refusals."""

from collections import Counter

from django.db.models import Count
from wagtail.models import ModelLogEntry

from livinglab.campaigns.models import Campaign, Participant
from livinglab.evaluation.measurement.models import CodeMatch, Response
from livinglab.evaluation.measurement.protocols import current_protocol


def campaign_quality(*, campaign: Campaign) -> dict:
    """Everything the data quality page shows, in a handful of aggregate queries."""
    protocol = current_protocol(campaign)
    wave_codes = list(protocol.wave_codes) if protocol else []
    labels = {
        wave.code: wave.label or wave.code for wave in campaign.waves.filter(code__in=wave_codes)
    }
    active = campaign.participants.filter(withdrawal_date__isnull=True)
    enrolled = dict(active.values_list("group").annotate(n=Count("pk")).order_by())
    answered = Counter()
    for wave, group, n in (
        Response.objects.filter(participant__in=active)
        .values_list("wave__code", "participant__group")
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    ):
        answered[(wave, group)] = n
    completeness = [
        {
            "wave": wave,
            "wave_label": labels.get(wave, wave),
            "group": Participant.Group(group).label,
            "enrolled": enrolled.get(group, 0),
            "answered": answered[(wave, group)],
            "percent": round(100 * answered[(wave, group)] / enrolled[group])
            if enrolled.get(group)
            else 0,
        }
        for wave in wave_codes
        for group in Participant.Group.values
        if enrolled.get(group)
    ]
    return {
        "protocol": protocol,
        "completeness": completeness,
        "pairs": _pairs(protocol, active, labels) if protocol else [],
        "refusals": _refusals(campaign),
        "pending_matches": CodeMatch.objects.filter(
            campaign=campaign, status=CodeMatch.Status.PENDING
        ).select_related("unmatched", "candidate"),
        "withdrawn": campaign.participants.filter(withdrawal_date__isnull=False).count(),
    }


def _pairs(protocol, active, labels: dict[str, str]) -> list[dict]:
    """Participants with a baseline value and a value at each later wave, per outcome."""
    baseline, *later = protocol.wave_codes
    rows = []
    for outcome in protocol.outcomes.select_related("indicator"):
        values = Response.objects.filter(participant__in=active, indicator=outcome.indicator)
        at = {
            wave: set(values.filter(wave__code=wave).values_list("participant_id", flat=True))
            for wave in protocol.wave_codes
        }
        rows.append(
            {
                "outcome": outcome,
                "values": {wave: len(ids) for wave, ids in at.items()},
                "pairs": {wave: len(at[baseline] & at[wave]) for wave in later},
                # The same counts under the waves' labels, for readers.
                "labelled_values": [(labels.get(wave, wave), len(at[wave])) for wave in at],
                "labelled_pairs": [
                    (labels.get(wave, wave), len(at[baseline] & at[wave])) for wave in later
                ],
            }
        )
    return rows


def _refusals(campaign: Campaign) -> dict:
    """Refused imports recorded in the audit log, counted by reason."""
    reasons: Counter = Counter()
    files = 0
    for data in ModelLogEntry.objects.filter(
        content_type__model="campaign", object_id=str(campaign.pk), action="livinglab.import"
    ).values_list("data", flat=True):
        if data.get("status") == "refused":
            files += 1
            reasons.update(data.get("reasons", {}))
    return {"files": files, "reasons": reasons.most_common()}
