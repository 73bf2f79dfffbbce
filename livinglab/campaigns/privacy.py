"""Erasure: a participant's withdrawal, and each campaign's retention period.

What a participant left behind lives in other apps (responses, online submissions, code matches
in the evaluation app). Those apps register an eraser here from their `AppConfig.ready()`, as
they register lifecycle requirements, so this module does not depend on them.

- Withdrawal: the participant keeps a row (pseudonymous code, withdrawal date: runs count the
  withdrawn apart) but everything they answered is erased, with one audit entry each.
- Retention: `retention_months` after a campaign's end date, its participants and everything
  they answered are deleted; aggregated, small-cell-suppressed results (runs) stay.

Both send `data_erased` (with `campaign`) in whatever process erases (web, the Celery retention
task, `manage.py apply_retention`), so that apps showing campaign data (the CMS page cache)
forget it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign, Participant

logger = logging.getLogger(__name__)

# Each eraser deletes what the given participants answered and returns {what: count}.
Eraser = Callable[[QuerySet[Participant]], dict[str, int]]
ERASERS: list[Eraser] = []

# Sent with `campaign` once a withdrawal or the retention period erased some of its data.
data_erased = Signal()


def register_eraser(eraser: Eraser) -> None:
    if eraser not in ERASERS:
        ERASERS.append(eraser)


def _erase(participants: QuerySet[Participant]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for eraser in ERASERS:
        for what, count in eraser(participants).items():
            counts[what] = counts.get(what, 0) + count
    return counts


@transaction.atomic
def withdrawn_erase(*, campaign: Campaign, user=None, participants=None) -> int:
    """Erase the answers of the campaign's withdrawn participants (or of `participants`).

    Called wherever a withdrawal date is set: the participant form, the participants import,
    `participant_withdraw`. Participants with nothing left to erase are skipped, so calling it
    again writes nothing. Returns the number of participants whose answers were erased.
    """
    withdrawn = campaign.participants.filter(withdrawal_date__isnull=False)
    if participants is not None:
        withdrawn = withdrawn.filter(pk__in=[p.pk for p in participants])
    erased = 0
    for participant in withdrawn.order_by("pk"):
        counts = _erase(Participant.objects.filter(pk=participant.pk))
        if not any(counts.values()):
            continue
        erased += 1
        audit.record(
            campaign,
            "livinglab.withdrawal",
            user=user if getattr(user, "is_authenticated", False) else None,
            data={
                "participant": participant.code,
                "withdrawal_date": participant.withdrawal_date.isoformat(),
                **counts,
            },
        )
    if erased:
        data_erased.send(sender=Campaign, campaign=campaign)
    return erased


def participant_withdraw(*, participant: Participant, user=None, on: date | None = None) -> int:
    """Record a withdrawal (today unless `on`) and erase the participant's answers."""
    with transaction.atomic():
        if participant.withdrawal_date is None:
            participant.withdrawal_date = on or timezone.localdate()
            participant.save(update_fields=["withdrawal_date"])
        return withdrawn_erase(campaign=participant.campaign, user=user, participants=[participant])


def retention_deadline(campaign: Campaign) -> date | None:
    """The day the campaign's row-level data are deleted, or None without an end date."""
    if campaign.end_date is None or not campaign.retention_months:
        return None
    return campaign.end_date + relativedelta(months=campaign.retention_months)


def campaigns_past_retention(today: date | None = None) -> list[Campaign]:
    today = today or timezone.localdate()
    candidates = Campaign.objects.filter(end_date__isnull=False, data_erased_at__isnull=True)
    return [c for c in candidates if (d := retention_deadline(c)) is not None and d <= today]


def retention_apply(*, today: date | None = None) -> dict[str, int]:
    """Delete the participants (and their answers) of every campaign past its retention."""
    totals = {"campaigns": 0, "participants": 0}
    for campaign in campaigns_past_retention(today):
        with transaction.atomic():
            participants = campaign.participants.all()
            counts = _erase(participants)
            deleted = participants.count()
            participants.delete()
            Campaign.objects.filter(pk=campaign.pk).update(data_erased_at=timezone.now())
            audit.record(
                campaign,
                "livinglab.retention",
                data={
                    "retention_months": campaign.retention_months,
                    "end_date": campaign.end_date.isoformat(),
                    "participants": deleted,
                    **counts,
                },
            )
        data_erased.send(sender=Campaign, campaign=campaign)
        logger.info("retention: campaign %s erased (%s participants)", campaign.pk, deleted)
        totals["campaigns"] += 1
        totals["participants"] += deleted
    return totals
