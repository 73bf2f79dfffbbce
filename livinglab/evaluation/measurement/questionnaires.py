"""Online questionnaires: self-generated codes that link waves without names."""

import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.evaluation.measurement.dataversion import data_changed
from livinglab.evaluation.measurement.models import (
    Outcome,
    PendingSubmission,
    QuestionnaireSettings,
    Response,
    ResponseSet,
    Submission,
    Wave,
    new_access_key,
)
from livinglab.evaluation.measurement.protocols import current_protocol
from livinglab.evaluation.measurement.reconciliation import flag_near_matches


class Recorded(StrEnum):
    """What became of a submission (for the code and tests only: the visitor is never told)."""

    STORED = "stored"  # the wave's answers of this code
    PENDING = "pending"  # kept apart for a manager to decide (answers already stored)
    DISCARDED = "discarded"  # withdrawn code, or the same answers as those already kept


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


def questionnaire_available(context: QuestionnaireContext | None, key: str | None) -> bool:
    """Open to this visitor: the campaign runs, its questionnaire is open, the key (if asked) fits.

    The wave's answer window is checked apart (`wave_window_message`): it has its own message.
    """
    if context is None or context.campaign.status != Campaign.Status.RUNNING:
        return False
    if not context.settings.is_open:
        return False
    if not context.settings.require_access_key:
        return True
    expected = context.wave.access_key or ""
    return bool(key and expected) and secrets.compare_digest(
        key.encode("utf-8"), expected.encode("utf-8")
    )


def invitation_path(wave: Wave, *, comparison: bool = False) -> str:
    """The path of a wave's invitation link, with its access key."""
    name = "questionnaire:answer_comparison" if comparison else "questionnaire:answer"
    return f"{reverse(name, args=[wave.campaign.slug, wave.code])}?cle={wave.access_key}"


@transaction.atomic
def wave_key_regenerate(*, wave: Wave, user=None) -> Wave:
    """A new random key for the wave: links and QR codes handed out before stop working."""
    wave.access_key = new_access_key()
    wave.save(update_fields=["access_key"])
    audit.record(
        wave.campaign,
        "livinglab.questionnaire_access",
        user=user,
        data={"change": "key_regenerated", "wave": wave.code},
    )
    return wave


@transaction.atomic
def submission_record(
    *,
    context: QuestionnaireContext,
    code: str,
    values: dict[int, float],
    site: Site | None,
    group: str = Participant.Group.INTERVENTION,
) -> Recorded:
    """Record one participant's answers to one wave; never delete or overwrite stored answers.

    - a new code, or a known one with nothing stored for the wave: the answers are stored;
    - answers already stored for this code and wave (online or imported): the submission is
      kept apart as a `PendingSubmission` for the campaign's managers to decide, unless it
      repeats the stored answers (or a pending duplicate) exactly: a double click, nothing to
      decide, nothing kept;
    - a withdrawn participant: nothing is stored at all.
    The caller answers the visitor the same way in every case.
    """
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
        return Recorded.DISCARDED  # a withdrawn participant's answers are not kept, even apart
    stored = dict(
        Response.objects.filter(participant=participant, wave=wave).values_list(
            "indicator_id", "value"
        )
    )
    answered_online = Submission.objects.filter(wave=wave, participant=participant).exists()
    if stored or answered_online:
        return _keep_apart(
            participant=participant, wave=wave, values=values, stored=stored,
            answered_online=answered_online,
        )  # fmt: skip
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
    Submission.objects.create(wave=wave, participant=participant, response_set=response_set)
    data_changed(campaign.pk)
    if created and not context.is_baseline:
        flag_near_matches(participant, wave)
    return Recorded.STORED


def _as_json(values: dict[int, float]) -> dict[str, float]:
    return {str(indicator_id): float(value) for indicator_id, value in sorted(values.items())}


def _keep_apart(
    *, participant: Participant, wave: Wave, values: dict[int, float], stored: dict,
    answered_online: bool,
) -> Recorded:  # fmt: skip
    """A submission for a code and wave that already have answers: pending, or nothing new."""
    if {int(k): float(v) for k, v in values.items()} == stored:
        return Recorded.DISCARDED  # the same answers again (a double click): nothing to decide
    payload = _as_json(values)
    earlier = PendingSubmission.objects.filter(participant=participant, wave=wave)
    if any(pending.values == payload for pending in earlier.only("values")):
        return Recorded.DISCARDED  # already waiting for a decision
    PendingSubmission.objects.create(
        campaign=participant.campaign,
        wave=wave,
        participant=participant,
        reason=(
            PendingSubmission.Reason.ONLINE
            if answered_online
            else PendingSubmission.Reason.IMPORTED
        ),
        values=payload,
    )
    return Recorded.PENDING
