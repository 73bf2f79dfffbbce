"""Reads for the campaign dashboard: co-design timeline, traceability, counts and history."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, Sum
from wagtail.models import ModelLogEntry

from livinglab.campaigns.models import (
    Action,
    BudgetLine,
    Campaign,
    CodesignSession,
    Contribution,
    Decision,
    Participant,
    Setting,
    UserValidation,
)

DEFAULT_MIN_CELL_SIZE = 10
# Audit entries about one participant (their code is in the entry): for the campaign's managers.
PARTICIPANT_EVENTS = ("livinglab.withdrawal",)

# Records whose own history (creation, edits) belongs in the campaign's history.
HISTORY_RELATED = {
    CodesignSession: "sessions",
    Contribution: "contributions",
    Decision: "decisions",
    UserValidation: "validations",
    Action: "actions",
    BudgetLine: "budget_lines",
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


def min_cell_size(campaign: Campaign) -> int:
    """Counts under this size are not shown to non-managers.

    The campaign's newest protocol says it (`min_cell_size`); the protocol model belongs to the
    evaluation app, which this app does not import: it is reached through the reverse relation
    that app declares. Without a protocol: the `LIVINGLAB_MIN_CELL_SIZE` setting (default 10).
    """
    protocols = getattr(campaign, "protocols", None)
    if protocols is not None:
        size = protocols.order_by("-version").values_list("min_cell_size", flat=True).first()
        if size:
            return int(size)
    return int(getattr(settings, "LIVINGLAB_MIN_CELL_SIZE", DEFAULT_MIN_CELL_SIZE))


@dataclass(frozen=True)
class CellCount:
    """A published count, or "< k" when withheld."""

    value: int | None
    threshold: int

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return f"< {self.threshold}" if self.value is None else str(self.value)


@dataclass
class CountTable:
    """Sites × groups, with a total per site (last column) and per group (last row)."""

    groups: list[str]
    rows: list[tuple[str, list[CellCount], CellCount]]
    totals: list[CellCount]
    total: CellCount


def suppressed_cells(cells: list[list[int]], k: int) -> set[tuple]:
    """Which counts of a table with its margins to withhold.

    Counts are named ("cell", r, c), ("row", r) (a site's total), ("column", c) (a group's total)
    and ("total",). Primary suppression: every count under `k`, zeros included. Complementary
    suppression, until nothing changes: in each sum the table publishes (a row, a column, the
    totals of rows, the totals of columns), a lone withheld count could be recomputed from the
    others, so the next smallest published count of that sum is withheld too (the sum itself
    when all its parts are withheld).
    """
    values = {("cell", r, c): v for r, row in enumerate(cells) for c, v in enumerate(row)}
    columns = len(cells[0]) if cells else 0
    for r, row in enumerate(cells):
        values["row", r] = sum(row)
    for c in range(columns):
        values["column", c] = sum(row[c] for row in cells)
    values["total",] = sum(sum(row) for row in cells)
    sums = [(("row", r), [("cell", r, c) for c in range(columns)]) for r in range(len(cells))]
    sums += [(("column", c), [("cell", r, c) for r in range(len(cells))]) for c in range(columns)]
    sums.append((("total",), [("row", r) for r in range(len(cells))]))
    sums.append((("total",), [("column", c) for c in range(columns)]))
    order = {name: index for index, name in enumerate(values)}
    hidden = {name for name, value in values.items() if value < k}
    changed = True
    while changed:
        changed = False
        for margin, parts in sums:
            if sum(name in hidden for name in (margin, *parts)) != 1:
                continue
            visible = [name for name in parts if name not in hidden]
            hidden.add(min(visible, key=lambda n: (values[n], order[n])) if visible else margin)
            changed = True
    return hidden


def count_table(
    cells: dict[tuple, int],
    sites: list[tuple],
    groups: list[tuple[str, str]],
    *,
    k: int,
    exact: bool,
) -> CountTable:
    """A CountTable of `cells` ((site key, group code) → count) for `sites` ((key, label)) and
    `groups` ((code, label)); small counts withheld unless `exact`."""
    matrix = [[cells.get((site, code), 0) for code, _label in groups] for site, _label in sites]
    hidden = set() if exact else suppressed_cells(matrix, k)

    def shown(value, *name):
        return CellCount(None if name in hidden else value, k)

    column_totals = [sum(row[c] for row in matrix) for c in range(len(groups))]
    return CountTable(
        groups=[label for _code, label in groups],
        rows=[
            (
                site,
                [shown(value, "cell", r, c) for c, value in enumerate(matrix[r])],
                shown(sum(matrix[r]), "row", r),
            )
            for r, (_key, site) in enumerate(sites)
        ],
        totals=[shown(value, "column", c) for c, value in enumerate(column_totals)],
        total=shown(sum(column_totals), "total"),
    )


def campaign_participant_tables(*, campaign: Campaign, exact: bool) -> dict:
    """Participants enrolled and withdrawn per site and group, as two CountTables.

    `exact` for the campaign's managers (rows are theirs anyway); anyone else sees every count
    under the minimum cell size as "< k", with complementary suppression.
    """
    rows = (
        campaign.participants.values("site_id", "site__name", "group")
        .annotate(
            total=Count("pk"),
            withdrawn=Count("pk", filter=Q(withdrawal_date__isnull=False)),
        )
        .order_by("site__name", "site_id", "group")
    )
    enrolled, withdrawn, sites = {}, {}, {}
    for row in rows:
        key = (row["site_id"], row["group"])
        enrolled[key] = row["total"]
        withdrawn[key] = row["withdrawn"]
        sites[row["site_id"]] = row["site__name"] or "—"
    if not enrolled:
        return {}
    present = {group for _site, group in enrolled}
    groups = [(code, label) for code, label in Participant.Group.choices if code in present]
    sites = sorted(sites.items(), key=lambda site: (site[0] is None, site[1], site[0] or 0))
    k = min_cell_size(campaign)
    return {
        "threshold": k,
        "exact": exact,
        "enrolled": count_table(enrolled, sites, groups, k=k, exact=exact),
        "withdrawn": count_table(withdrawn, sites, groups, k=k, exact=exact),
    }


def campaign_history(*, campaign: Campaign, limit: int = 50, participant_events: bool = True):
    """Audit entries about the campaign and the co-design and action records under it.

    Without `participant_events` (non-managers), entries about one participant are left out.
    """
    condition = Q(
        content_type=ContentType.objects.get_for_model(Campaign), object_id=str(campaign.pk)
    )
    for model, related_name in HISTORY_RELATED.items():
        ids = [str(pk) for pk in getattr(campaign, related_name).values_list("pk", flat=True)]
        if ids:
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    entries = ModelLogEntry.objects.filter(condition)
    if not participant_events:
        entries = entries.exclude(action__in=PARTICIPANT_EVENTS)
    return entries.select_related("user").order_by("-timestamp")[:limit]


def campaign_implementation(*, campaign: Campaign) -> dict:
    """RE-AIM Implementation at a glance: actions delivered out of planned, attendance."""
    actions = campaign.actions.all()
    planned = actions.exclude(status=Action.Status.CANCELLED).count()
    delivered = actions.filter(status=Action.Status.DELIVERED)
    totals = delivered.aggregate(attended=Sum("actual_attendance"))
    return {
        "planned": planned,
        "delivered": delivered.count(),
        "attendance": totals["attended"] or 0,
        "participants_attending": campaign.participants.filter(
            attendances__isnull=False, withdrawal_date__isnull=True
        )
        .distinct()
        .count(),
    }


def campaign_evaluation_state(*, campaign: Campaign) -> dict:
    """The evaluation side, read through the relations the evaluation app declares on
    campaigns (this app does not import it): newest protocol, waves with answers, runs."""
    protocols = getattr(campaign, "protocols", None)
    protocol = protocols.order_by("-version").first() if protocols is not None else None
    waves = getattr(campaign, "waves", None)
    runs = getattr(campaign, "runs", None)
    runs = list(runs.order_by("-created_at")[:5]) if runs is not None else []
    succeeded = [run for run in runs if run.status == "succeeded"]
    return {
        "protocol": protocol,
        "protocol_locked": bool(protocol is not None and protocol.locked_at),
        "waves": list(waves.annotate(answers=Count("responses")).order_by("code"))
        if waves is not None
        else [],
        "runs": runs,
        "latest_succeeded": succeeded[0] if succeeded else None,
        "published": next((run for run in runs if run.published_at), None),
    }


def campaign_public_page(*, campaign: Campaign) -> dict:
    """Where the campaign's public page stands: none, awaiting an editor, or published."""
    pages = getattr(campaign, "pages", None)
    page = pages.order_by("pk").first() if pages is not None else None
    if page is None:
        return {"state": "none", "page": None}
    state = page.current_workflow_state if page.workflow_in_progress else None
    if state is not None:
        return {"state": "moderation", "page": page}
    if page.live:
        return {"state": "published", "page": page, "url": page.get_url()}
    return {"state": "draft", "page": page}
