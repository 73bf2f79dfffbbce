"""What campaigns cost: totals, breakdowns, participants reached and cost per participant.

Definitions (docs/campaigns.md, "Coûts"):
- **total cost** = every budget line of the campaign, money spent *and* in-kind contributions
  at their valued amount (volunteers' time, lent rooms…); both are shown apart as well;
- **participants reached** = the campaign's participants of the intervention group who have not
  withdrawn (the comparison group receives no action);
- **cost per participant reached** = total cost ÷ participants reached, in euros rounded to the
  cent; None when the campaign has no budget line or reaches nobody.

Other apps build on `cost_per_participant` and `costs_per_participant` (batched). The campaign
dashboard shows what higher apps compute from these figures (the evaluation's cost per unit of
change) through `register_cost_effectiveness`: this app never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from livinglab.campaigns.models import BudgetLine, Campaign, Organisation, Participant

CENT = Decimal("0.01")
THOUSANDS = "\u202f"  # French typography: a narrow no-break space between thousands
EURO = "\u00a0€"


def reached_participants(campaign_ids: Iterable[int] | None = None):
    """Participants reached: intervention group, not withdrawn (of `campaign_ids` if given)."""
    participants = Participant.objects.filter(
        group=Participant.Group.INTERVENTION, withdrawal_date__isnull=True
    )
    if campaign_ids is not None:
        participants = participants.filter(campaign_id__in=list(campaign_ids))
    return participants


def per_participant(total: Decimal | None, reached: int) -> Decimal | None:
    """Total ÷ people reached, to the cent; None without a cost or without anyone reached."""
    if total is None or not reached:
        return None
    return (Decimal(total) / reached).quantize(CENT, rounding=ROUND_HALF_UP)


def costs_per_participant(campaign_ids: Iterable[int]) -> dict[int, Decimal | None]:
    """Cost per participant reached of each campaign, in two queries whatever their number."""
    ids = list(campaign_ids)
    totals = dict(
        BudgetLine.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .order_by("campaign_id")
        .annotate(total=Sum("amount"))
        .values_list("campaign_id", "total")
    )
    reached = dict(
        reached_participants(ids)
        .values("campaign_id")
        .order_by("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    return {pk: per_participant(totals.get(pk), reached.get(pk, 0)) for pk in ids}


def cost_per_participant(campaign: Campaign) -> Decimal | None:
    """Cost per participant reached of one campaign (None: no budget line, or nobody reached)."""
    return costs_per_participant([campaign.pk])[campaign.pk]


@dataclass(frozen=True)
class Share:
    """One part of the total: a category, a funder, an action, or a kind of cost."""

    label: str
    amount: Decimal

    @property
    def amount_text(self) -> str:
        return format_euros(self.amount)


@dataclass
class CampaignCosts:
    """Every figure of a campaign's costs; `lines == 0` when nothing is recorded."""

    lines: int = 0
    total: Decimal = Decimal("0")
    financial: Decimal = Decimal("0")
    in_kind: Decimal = Decimal("0")
    reached: int = 0
    by_category: list[Share] = field(default_factory=list)
    by_funder: list[Share] = field(default_factory=list)
    by_action: list[Share] = field(default_factory=list)

    @property
    def per_participant(self) -> Decimal | None:
        return per_participant(self.total if self.lines else None, self.reached)

    @property
    def total_text(self) -> str:
        return format_euros(self.total)

    @property
    def financial_text(self) -> str:
        return format_euros(self.financial)

    @property
    def in_kind_text(self) -> str:
        return format_euros(self.in_kind)

    @property
    def per_participant_text(self) -> str:
        value = self.per_participant
        return "" if value is None else format_euros(value, cents=True)


def _shares(rows, labels: dict, default: str) -> list[Share]:
    return [
        Share(str(labels.get(key, default)), amount)
        for key, amount in sorted(rows.items(), key=lambda item: (-item[1], str(item[0])))
    ]


def campaign_costs(*, campaign: Campaign, detailed: bool = True) -> CampaignCosts:
    """The campaign's cost figures: one query for the amounts (by category, kind, funder and
    action), one for the people reached, and with `detailed` one for the names."""
    rows = list(
        campaign.budget_lines.values("category", "kind", "funder_id", "action_id")
        .order_by()
        .annotate(amount=Sum("amount"), lines=Count("pk"))
    )
    costs = CampaignCosts(reached=reached_participants([campaign.pk]).count())
    if not rows:
        return costs
    categories: dict[str, Decimal] = {}
    funders: dict[int | None, Decimal] = {}
    actions: dict[int | None, Decimal] = {}
    for row in rows:
        amount = row["amount"] or Decimal("0")
        costs.lines += row["lines"]
        costs.total += amount
        if row["kind"] == BudgetLine.Kind.IN_KIND:
            costs.in_kind += amount
        else:
            costs.financial += amount
        categories[row["category"]] = categories.get(row["category"], Decimal("0")) + amount
        funders[row["funder_id"]] = funders.get(row["funder_id"], Decimal("0")) + amount
        actions[row["action_id"]] = actions.get(row["action_id"], Decimal("0")) + amount
    costs.by_category = _shares(categories, dict(BudgetLine.Category.choices), "")
    if detailed:
        names = dict(Organisation.objects.filter(pk__in=funders).values_list("pk", "name"))
        titles = dict(campaign.actions.filter(pk__in=actions).values_list("pk", "title"))
        costs.by_funder = _shares(funders, names, _("Financeur non renseigné"))
        costs.by_action = _shares(actions, titles, _("Campagne dans son ensemble"))
    return costs


def format_euros(amount: Decimal | float | int, *, cents: bool | None = None) -> str:
    """Euros the French way: "12 500 €", "41,67 €" (thousands separated by a narrow no-break
    space); the English way ("€12,500", "€41.67") when English is the active language. Cents
    are shown when the amount has some, or always with `cents=True`."""
    value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    show_cents = cents if cents is not None else value != value.to_integral_value()
    sign = "\u2212" if value < 0 else ""
    units, _dot, hundredths = f"{abs(value):.2f}".partition(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    if (get_language() or "").startswith("en"):  # English: "€12,500", "€41.67"
        text = ",".join(groups) + (f".{hundredths}" if show_cents else "")
        return f"{sign}€{text}"
    text = THOUSANDS.join(groups)
    if show_cents:
        text += f",{hundredths}"
    return f"{sign}{text}{EURO}"


# Cost-effectiveness seen from the dashboard ----------------------------------------------------

# Each provider returns, for a campaign and its cost per participant reached, the sentences to
# show (the evaluation app adds its cost per unit of change from `AppConfig.ready()`).
CostEffectivenessProvider = Callable[[Campaign, Decimal], list[str]]
COST_EFFECTIVENESS_PROVIDERS: list[CostEffectivenessProvider] = []


def register_cost_effectiveness(provider: CostEffectivenessProvider) -> CostEffectivenessProvider:
    """Add a source of cost-effectiveness sentences (registering twice is a no-op)."""
    if provider not in COST_EFFECTIVENESS_PROVIDERS:
        COST_EFFECTIVENESS_PROVIDERS.append(provider)
    return provider


def cost_effectiveness_sentences(*, campaign: Campaign, per_participant: Decimal | None):
    if per_participant is None:
        return []
    return [
        sentence
        for provider in COST_EFFECTIVENESS_PROVIDERS
        for sentence in provider(campaign, per_participant)
    ]


@dataclass(frozen=True)
class PublicCosts:
    """What the public page shows: totals and categories; the cost per participant only when
    enough people were reached (it would otherwise tell a small count: total ÷ cost)."""

    total_text: str
    financial_text: str
    in_kind_text: str
    by_category: list[Share]
    per_participant_text: str
    reached: int | None  # None when withheld
    threshold: int


def public_costs(*, campaign: Campaign, min_cell_size: int) -> PublicCosts | None:
    """The aggregate shown on the public campaign page, or None when no cost is recorded."""
    costs = campaign_costs(campaign=campaign, detailed=False)
    if not costs.lines:
        return None
    enough = costs.reached >= min_cell_size
    return PublicCosts(
        total_text=costs.total_text,
        financial_text=costs.financial_text,
        in_kind_text=costs.in_kind_text,
        by_category=costs.by_category,
        per_participant_text=costs.per_participant_text if enough else "",
        reached=costs.reached if enough else None,
        threshold=min_cell_size,
    )
