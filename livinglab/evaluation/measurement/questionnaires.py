"""Online questionnaires: self-generated codes that link waves without names."""

import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.evaluation.measurement.models import (
    CodeMatch,
    Outcome,
    QuestionnaireSettings,
    Response,
    ResponseSet,
    Submission,
    Wave,
)
from livinglab.evaluation.measurement.protocols import current_protocol


class SubmissionRefused(Exception):
    """The submission cannot be recorded; the message is for the participant."""


def _letters(text: str, count: int) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    letters = "".join(ch for ch in ascii_text.upper() if ch.isalpha())
    return letters[:count].ljust(count, "X")


def self_generated_code(*, parent_first_name: str, birth_day: int, birth_town: str) -> str:
    """Two letters of a parent's first name, day of birth, two letters of the birth town.

    Stable, non-identifying answers give the same code at every wave: "Martine, 7, Lyon" and
    "  martine , 07, LYON" both give MA07LY. No name is stored, only the code.
    """
    if not 1 <= int(birth_day) <= 31:
        raise ValueError("birth_day must be 1–31")
    return f"{_letters(parent_first_name, 2)}{int(birth_day):02d}{_letters(birth_town, 2)}"


def wave_window_message(wave: Wave, today=None) -> str | None:
    """None when the wave is open today, else what to tell the participant."""
    today = today or timezone.localdate()
    if wave.opens_on and today < wave.opens_on:
        return _("Ce questionnaire ouvrira le %(date)s.") % {"date": f"{wave.opens_on:%d/%m/%Y}"}
    if wave.closes_on and today > wave.closes_on:
        return _("Ce questionnaire est fermé depuis le %(date)s.") % {
            "date": f"{wave.closes_on:%d/%m/%Y}"
        }
    return None


@dataclass(frozen=True)
class QuestionnaireContext:
    campaign: Campaign
    wave: Wave
    outcomes: list[Outcome]
    settings: QuestionnaireSettings
    is_baseline: bool


def questionnaire_context(*, campaign: Campaign, wave_code: str) -> QuestionnaireContext | None:
    """What an online questionnaire shows, or None when the campaign has no such wave."""
    protocol = current_protocol(campaign)
    if protocol is None or wave_code not in protocol.wave_codes:
        return None
    wave = campaign.waves.filter(code=wave_code).first()
    if wave is None:
        return None
    options, _created = QuestionnaireSettings.objects.get_or_create(campaign=campaign)
    outcomes = list(protocol.outcomes.select_related("indicator"))
    return QuestionnaireContext(
        campaign, wave, outcomes, options, is_baseline=protocol.wave_codes[0] == wave_code
    )


def one_character_apart(first: str, second: str) -> bool:
    """Same length and exactly one position differs (a typo in one answer)."""
    return (
        len(first) == len(second) and sum(a != b for a, b in zip(first, second, strict=True)) == 1
    )


@transaction.atomic
def submission_record(
    *,
    context: QuestionnaireContext,
    code: str,
    values: dict[int, float],
    site: Site | None,
    group: str = Participant.Group.INTERVENTION,
) -> Submission:
    """Record one participant's answers to one wave (one submission per code and wave)."""
    campaign, wave = context.campaign, context.wave
    participant = (
        Participant.objects.select_for_update().filter(campaign=campaign, code=code).first()
    )
    created = False
    if participant is None:
        try:
            with transaction.atomic():  # a savepoint: a simultaneous post may win the insert
                participant = Participant.objects.create(
                    campaign=campaign,
                    code=code,
                    site=site,
                    group=group,
                    consent_date=timezone.localdate(),
                )
            created = True
        except IntegrityError:
            # The same new code posted twice at once (a double click): the other request
            # created the participant; take its lock and answer like any second post.
            participant = Participant.objects.select_for_update().get(campaign=campaign, code=code)
    if participant.withdrawal_date:
        raise SubmissionRefused(_("Ce code correspond à une participation retirée."))
    existing = Submission.objects.filter(wave=wave, participant=participant).first()
    if existing is not None:
        if not context.settings.allow_resubmission:
            raise SubmissionRefused(
                _(
                    "Une réponse a déjà été enregistrée avec ce code pour cette vague. "
                    "Si vous pensez qu'il s'agit d'une erreur, contactez l'équipe de la campagne."
                )
            )
        existing.response_set.delete()  # cascades to the old responses and the submission
    Response.objects.filter(participant=participant, wave=wave).delete()
    response_set = ResponseSet.objects.create(
        campaign=campaign, source=ResponseSet.Source.ONLINE, source_format="online", rows=1
    )
    Response.objects.bulk_create(
        Response(
            response_set=response_set,
            participant=participant,
            wave=wave,
            indicator_id=indicator_id,
            value=value,
        )
        for indicator_id, value in values.items()
    )
    submission = Submission.objects.create(
        wave=wave, participant=participant, response_set=response_set
    )
    if created and not context.is_baseline:
        _flag_near_matches(participant, wave)
    return submission


def _flag_near_matches(participant: Participant, wave: Wave) -> None:
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
        CodeMatch.objects.filter(unmatched=unmatched).exclude(pk=match.pk).update(
            status=CodeMatch.Status.REJECTED, decided_at=match.decided_at
        )
        # Keep the decision (unmatched_code records the merged code) once the row is gone.
        CodeMatch.objects.filter(pk=match.pk).update(unmatched=candidate)
        match.unmatched = candidate
        unmatched.delete()
    return match
