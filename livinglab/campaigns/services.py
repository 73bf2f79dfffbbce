"""Writes on campaigns: the governed lifecycle and the rules each step must satisfy."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns import audit
from livinglab.campaigns.models import Action, Attendance, Campaign, Organisation
from livinglab.campaigns.permissions import can_move_lifecycle

Status = Campaign.Status

# The forward path; any state but closed (and cancelled itself) may also go to cancelled.
LIFECYCLE = [
    Status.DRAFT,
    Status.CODESIGN,
    Status.VALIDATED,
    Status.RUNNING,
    Status.EVALUATION,
    Status.CLOSED,
]
TERMINAL = {Status.CLOSED, Status.CANCELLED}

Requirement = Callable[[Campaign], str | None]
# Extra conditions to start running, registered by other apps (the evaluation app adds "has a
# protocol" from its AppConfig.ready()). Each returns the reason it is not met, or None.
RUNNING_REQUIREMENTS: list[Requirement] = []


class TransitionRefused(Exception):
    """A lifecycle step the rules forbid; `reasons` say why, in the user's language."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(str(reason) for reason in reasons))
        self.reasons = reasons


def register_running_requirement(requirement: Requirement) -> Requirement:
    """Add a condition to start running (usable as a decorator; registering twice is a no-op)."""
    if requirement not in RUNNING_REQUIREMENTS:
        RUNNING_REQUIREMENTS.append(requirement)
    return requirement


def has_user_validation(campaign: Campaign) -> str | None:
    """Only validations by user/patient representatives count (older rows may name others)."""
    representatives = Organisation.Kind.PATIENT_ASSOCIATION
    if campaign.validations.filter(organisation__kind=representatives).exists():
        return None
    return _(
        "La campagne ne peut pas être validée sans une validation enregistrée par une "
        "organisation représentant les usagers ou les patients."
    )


def has_planned_action(campaign: Campaign) -> str | None:
    if campaign.actions.exclude(status=Action.Status.CANCELLED).exists():
        return None
    return _("La campagne ne peut pas démarrer sans au moins une action prévue.")


STEP_REQUIREMENTS: dict[str, list[Requirement]] = {
    Status.VALIDATED: [has_user_validation],
    Status.RUNNING: [has_planned_action],
}


def allowed_targets(*, campaign: Campaign) -> list[str]:
    """States this campaign may move to next (before checking what each one requires)."""
    if campaign.status in TERMINAL:
        return []
    following = LIFECYCLE[LIFECYCLE.index(campaign.status) + 1]
    return [following, Status.CANCELLED]


def campaign_transition_blockers(*, campaign: Campaign, target: str) -> list[str]:
    """Every reason why `campaign` cannot move to `target` now; empty when it can."""
    if target not in Status.values:
        return [_("État inconnu : « %(target)s ».") % {"target": target}]
    if target not in allowed_targets(campaign=campaign):
        return [
            _("Une campagne « %(current)s » ne peut pas passer à « %(target)s ».")
            % {"current": campaign.get_status_display(), "target": Status(target).label}
        ]
    requirements = list(STEP_REQUIREMENTS.get(target, []))
    if target == Status.RUNNING:
        requirements += RUNNING_REQUIREMENTS
    return [reason for requirement in requirements if (reason := requirement(campaign))]


def campaign_next_step(*, campaign: Campaign) -> tuple[str | None, list[str]]:
    """The next forward state and what is still missing to reach it."""
    targets = [t for t in allowed_targets(campaign=campaign) if t != Status.CANCELLED]
    if not targets:
        return None, []
    return targets[0], campaign_transition_blockers(campaign=campaign, target=targets[0])


@transaction.atomic
def campaign_transition(*, campaign: Campaign, target: str, user) -> Campaign:
    """Move `campaign` to `target` if the user may and the rules allow; audit-log the step."""
    if not can_move_lifecycle(user, campaign):
        raise PermissionDenied(
            _("Seuls les gestionnaires de l'organisation porteuse font avancer la campagne.")
        )
    given, campaign = campaign, Campaign.objects.select_for_update().get(pk=campaign.pk)
    reasons = campaign_transition_blockers(campaign=campaign, target=target)
    if reasons:
        raise TransitionRefused(reasons)
    previous = campaign.status
    campaign.status = target
    campaign.status_changed_at = timezone.now()
    campaign.save(update_fields=["status", "status_changed_at", "updated_at"])
    given.status, given.status_changed_at = campaign.status, campaign.status_changed_at
    audit.record(campaign, "livinglab.transition", user=user, data={"from": previous, "to": target})
    return given


@transaction.atomic
def action_mark_done(
    *, action: Action, delivered_on, actual_attendance: int, attendees=None, user=None
) -> Action:
    """Record that `action` took place (RE-AIM Implementation) and who came (Reach).

    `attendees` (participants of the campaign), when given, replaces the action's attendance
    list; `actual_attendance` may exceed it (people who are not enrolled participants).
    """
    action.status = Action.Status.DELIVERED
    action.delivered_on = delivered_on
    action.actual_attendance = actual_attendance
    action.save(update_fields=["status", "delivered_on", "actual_attendance"])
    if attendees is not None:
        foreign = [p for p in attendees if p.campaign_id != action.campaign_id]
        if foreign:
            raise ValueError("attendees must be participants of the action's campaign")
        action.attendances.exclude(participant__in=attendees).delete()
        known = set(action.attendances.values_list("participant_id", flat=True))
        Attendance.objects.bulk_create(
            Attendance(action=action, participant=p) for p in attendees if p.pk not in known
        )
    audit.record(
        action.campaign,
        "livinglab.action_done",
        user=user,
        data={
            "action": action.pk,
            "delivered_on": str(delivered_on),
            "attendance": actual_attendance,
        },
    )
    return action
