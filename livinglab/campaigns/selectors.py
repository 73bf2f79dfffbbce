"""Reads for the campaign dashboard: co-design timeline, traceability, counts and history."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from wagtail.models import ModelLogEntry

from livinglab.campaigns.models import (
    Action,
    Campaign,
    CodesignSession,
    Contribution,
    Decision,
    Setting,
    UserValidation,
)

# Records whose own history (creation, edits) belongs in the campaign's history.
HISTORY_RELATED = {
    CodesignSession: "sessions",
    Contribution: "contributions",
    Decision: "decisions",
    UserValidation: "validations",
    Action: "actions",
}


@dataclass
class TraceLink:
    """One decision with the contributions it answers and the actions that carry it out."""

    decision: Decision
    contributions: list[Contribution] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def campaign_sessions(*, campaign: Campaign):
    return campaign.sessions.annotate(
        contribution_count=Count("contributions", distinct=True),
        decision_count=Count("decisions", distinct=True),
    ).prefetch_related("attendances__organisation")


def campaign_traceability(*, campaign: Campaign) -> tuple[list[TraceLink], list[Contribution]]:
    """The chain contribution → decision → action, and contributions no decision answers yet."""
    decisions = campaign.decisions.prefetch_related(
        Prefetch("contributions", queryset=Contribution.objects.select_related("organisation")),
        Prefetch("actions", queryset=Action.objects.select_related("site")),
    )
    links = [
        TraceLink(decision, list(decision.contributions.all()), list(decision.actions.all()))
        for decision in decisions
    ]
    unanswered = list(
        campaign.contributions.filter(decisions__isnull=True).select_related("organisation")
    )
    return links, unanswered


def campaign_actions_by_setting(*, campaign: Campaign) -> list[tuple[str, list[Action]]]:
    actions = campaign.actions.select_related("site", "facilitator")
    grouped = {code: [] for code in Setting.values}
    for action in actions:
        grouped[action.setting].append(action)
    return [(Setting(code).label, items) for code, items in grouped.items() if items]


def campaign_participant_counts(*, campaign: Campaign) -> list[dict]:
    """Participants per site and group (withdrawn ones counted apart)."""
    return list(
        campaign.participants.values("site__name", "group")
        .annotate(
            total=Count("pk"),
            withdrawn=Count("pk", filter=Q(withdrawal_date__isnull=False)),
        )
        .order_by("site__name", "group")
    )


def campaign_history(*, campaign: Campaign, limit: int = 50):
    """Audit entries about the campaign and the co-design and action records under it."""
    condition = Q(
        content_type=ContentType.objects.get_for_model(Campaign), object_id=str(campaign.pk)
    )
    for model, related_name in HISTORY_RELATED.items():
        ids = [str(pk) for pk in getattr(campaign, related_name).values_list("pk", flat=True)]
        if ids:
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return (
        ModelLogEntry.objects.filter(condition)
        .select_related("user")
        .order_by("-timestamp")[:limit]
    )
