"""Reconciling answers after the fact: near-matching codes (typos at follow-up) and pending
duplicates of online submissions, each decided by the campaign's managers and audited."""

from django.db import transaction
from django.utils import timezone

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign, Participant
from livinglab.evaluation.measurement.dataversion import data_changed
from livinglab.evaluation.measurement.models import (
    CodeMatch,
    Indicator,
    PendingSubmission,
    Response,
    ResponseSet,
    Submission,
    Wave,
)
from livinglab.evaluation.measurement.protocols import current_protocol


def one_character_apart(first: str, second: str) -> bool:
    """Same length and exactly one position differs (a typo in one answer)."""
    return (
        len(first) == len(second) and sum(a != b for a, b in zip(first, second, strict=True)) == 1
    )


def flag_near_matches(participant: Participant, wave: Wave) -> None:
    """A new code at follow-up may be a baseline code typed differently: list candidates."""
    candidates = (
        Participant.objects.filter(campaign=participant.campaign, site=participant.site)
        .exclude(pk=participant.pk)
        .exclude(responses__wave=wave)
        .filter(responses__isnull=False)
        .distinct()
        .values_list("pk", "code")
    )
    CodeMatch.objects.bulk_create(
        [
            CodeMatch(
                campaign=participant.campaign,
                unmatched=participant,
                unmatched_code=participant.code,
                candidate_id=pk,
            )
            for pk, code in candidates
            if one_character_apart(code, participant.code)
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def code_match_decide(*, match: CodeMatch, confirm: bool, user=None) -> CodeMatch:
    """Confirm (merge the follow-up answers into the candidate) or reject a near match."""
    if match.status != CodeMatch.Status.PENDING:
        return match
    match.status = CodeMatch.Status.CONFIRMED if confirm else CodeMatch.Status.REJECTED
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "decided_at"])
    if confirm:
        unmatched, candidate = match.unmatched, match.candidate
        taken = set(candidate.responses.values_list("wave_id", flat=True))
        unmatched.responses.exclude(wave_id__in=taken).update(participant=candidate)
        unmatched.submissions.exclude(wave_id__in=taken).update(participant=candidate)
        # Duplicates still waiting for a decision follow the code (deleted with it otherwise).
        unmatched.pending_submissions.update(participant=candidate)
        CodeMatch.objects.filter(unmatched=unmatched).exclude(pk=match.pk).update(
            status=CodeMatch.Status.REJECTED, decided_at=match.decided_at
        )
        # Keep the decision (unmatched_code records the merged code) once the row is gone.
        CodeMatch.objects.filter(pk=match.pk).update(unmatched=candidate)
        match.unmatched = candidate
        unmatched.delete()
        data_changed(match.campaign_id)
    return match


@transaction.atomic
def pending_resolve(*, pending: PendingSubmission, replace: bool, user=None) -> bool:
    """A manager's decision on a duplicate: keep the stored answers, or replace them with it.

    Keep: the duplicate is deleted. Replace: the wave's stored answers of this participant
    (imported or online) are deleted and the duplicate's values become the wave's answers, as
    one online submission, in this one transaction. Either way one audit entry says who
    decided what (codes, wave and counts, never the values). False when already decided.
    """
    participant = Participant.objects.select_for_update().get(pk=pending.participant_id)
    pending = (
        PendingSubmission.objects.select_for_update()
        .select_related("wave", "campaign")
        .filter(pk=pending.pk)
        .first()
    )
    if pending is None:  # decided meanwhile (a second click, another manager)
        return False
    replace = replace and participant.withdrawal_date is None
    data = {
        "decision": "replace" if replace else "keep",
        "participant": participant.code,
        "wave": pending.wave.code,
        "reason": pending.reason,
        "submitted_at": pending.submitted_at.isoformat(),
    }
    if replace:
        data.update(_replace_answers(pending=pending, participant=participant, user=user))
    pending.delete()
    audit.record(
        pending.campaign,
        "livinglab.duplicate_resolved",
        user=user if getattr(user, "is_authenticated", False) else None,
        data=data,
    )
    return True


def _replace_answers(*, pending: PendingSubmission, participant: Participant, user) -> dict:
    wave = pending.wave
    known = set(
        Indicator.objects.filter(pk__in=[int(k) for k in pending.values]).values_list(
            "pk", flat=True
        )
    )
    values = {int(k): float(v) for k, v in pending.values.items() if int(k) in known}
    previous = Response.objects.filter(participant=participant, wave=wave)
    old_sets = set(previous.values_list("response_set_id", flat=True))
    replaced, _counts = previous.delete()
    response_set = ResponseSet.objects.create(
        campaign=pending.campaign,
        source=ResponseSet.Source.ONLINE,
        source_format="online",
        rows=1,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    Response.objects.bulk_create(
        Response(response_set=response_set, participant=participant, wave=wave,
                 indicator_id=indicator_id, value=value)
        for indicator_id, value in values.items()
    )  # fmt: skip
    submission = Submission.objects.filter(wave=wave, participant=participant).first()
    if submission is None:
        Submission.objects.create(wave=wave, participant=participant, response_set=response_set)
    else:
        old_sets.add(submission.response_set_id)
        submission.response_set = response_set
        submission.save(update_fields=["response_set", "submitted_at"])
    # An online submission's set held only this participant's answers: now empty, it goes.
    ResponseSet.objects.filter(
        pk__in=old_sets, source=ResponseSet.Source.ONLINE, responses__isnull=True,
        submission__isnull=True,
    ).delete()  # fmt: skip
    data_changed(pending.campaign_id)
    return {"replaced": replaced, "values": len(values)}


def pending_duplicates(campaign: Campaign) -> list[dict]:
    """The campaign's pending duplicates, each with the stored and the sent value per question."""
    pending = list(
        PendingSubmission.objects.filter(campaign=campaign).select_related("participant", "wave")
    )
    if not pending:
        return []
    protocol = current_protocol(campaign)
    labels = {
        outcome.indicator_id: outcome.label or outcome.indicator.label
        for outcome in (protocol.outcomes.select_related("indicator") if protocol else [])
    }
    stored: dict[tuple[int, int], dict[int, float]] = {}
    for participant_id, wave_id, indicator_id, value in Response.objects.filter(
        participant__in={p.participant_id for p in pending},
        wave__in={p.wave_id for p in pending},
    ).values_list("participant_id", "wave_id", "indicator_id", "value"):
        stored.setdefault((participant_id, wave_id), {})[indicator_id] = value
    missing = {int(k) for p in pending for k in p.values} - labels.keys()
    labels.update(Indicator.objects.filter(pk__in=missing).values_list("pk", "label"))
    rows = []
    for item in pending:
        kept = stored.get((item.participant_id, item.wave_id), {})
        sent = {int(k): v for k, v in item.values.items()}
        lines = [  # in the protocol's order
            {"label": label, "stored": kept.get(pk), "sent": sent.get(pk)}
            for pk, label in labels.items()
            if pk in kept or pk in sent
        ]
        rows.append({"pending": item, "lines": lines})
    return rows
