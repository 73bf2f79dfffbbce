"""Demo budget lines (`data/costs.json`): what each demo campaign spent and received in kind.

Idempotent: a line is found by campaign and label, and written only when it differs from the
file, so a second load writes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from livinglab.campaigns.models import Action, BudgetLine, Campaign, Organisation
from livinglab.demo import content


def ensure_line(campaign: Campaign, spec: dict) -> bool:
    """Create or update one line; True when something was written."""
    wanted = {
        "category": spec["category"],
        "kind": spec.get("kind", BudgetLine.Kind.FINANCIAL),
        "amount": Decimal(spec["amount"]),
        "funder_id": Organisation.objects.get(name=spec["funder"]).pk
        if spec.get("funder")
        else None,
        "action_id": Action.objects.get(campaign=campaign, title=spec["action"]).pk
        if spec.get("action")
        else None,
    }
    line = BudgetLine.objects.filter(campaign=campaign, label=spec["label"]).first()
    if line is None:
        line = BudgetLine(campaign=campaign, label=spec["label"], **wanted)
    elif all(getattr(line, name) == value for name, value in wanted.items()):
        return False
    for name, value in wanted.items():
        setattr(line, name, value)
    line.full_clean()
    line.save()
    return True


@transaction.atomic
def load(*, stdout=None) -> int:
    """Every demo campaign's budget lines; returns how many lines were written."""
    written = 0
    for slug, lines in content.read("costs").items():
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            continue
        written += sum(ensure_line(campaign, spec) for spec in lines)
    if stdout is not None:
        stdout.write(f"  lignes budgétaires écrites : {written}")
    return written
