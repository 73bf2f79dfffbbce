"""Demo organisations, three campaigns (school, university, workplace) and their co-design record.

The texts are in `data/campaigns.json`. Idempotent: rows are found by natural keys and updated,
so a second run changes no count.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from livinglab.campaigns import audit
from livinglab.campaigns.models import (
    Action,
    Attendance,
    Campaign,
    CampaignPartner,
    CampaignSetting,
    CodesignSession,
    Contribution,
    Decision,
    Membership,
    Organisation,
    Participant,
    SessionAttendance,
    Site,
    Theme,
    UserValidation,
)
from livinglab.campaigns.services import LIFECYCLE
from livinglab.demo import content
from livinglab.demo.accounts import CAMPAIGN_MANAGERS_GROUP, MANAGER_USERNAME

LEAD = "Association Bouger Ensemble Occitanie"
EVALUATORS = "Laboratoire Santé Publique & Territoires"
UNRELATED = "Association Littoral Santé"
# Account of an organisation with no demo campaign: it must see none (used by the tests).
OUTSIDER = ("gestionnaire-autre", "demo-autre-2026")
MEMBERSHIPS = (
    (MANAGER_USERNAME, LEAD, Membership.Role.MANAGER),
    ("evaluatrice", EVALUATORS, Membership.Role.EVALUATOR),
    (OUTSIDER[0], UNRELATED, Membership.Role.MANAGER),
)


def ensure_organisations(specs) -> dict[str, Organisation]:
    organisations = {}
    for spec in specs:
        organisations[spec["name"]], _created = Organisation.objects.update_or_create(
            name=spec["name"],
            defaults={"kind": spec["kind"], "city": spec["city"], "region": spec["region"]},
        )
    return organisations


def ensure_memberships(organisations) -> None:
    users = get_user_model().objects
    outsider, created = users.get_or_create(username=OUTSIDER[0])
    if created:
        outsider.set_password(OUTSIDER[1])
        outsider.save()
    outsider.groups.add(*Group.objects.filter(name=CAMPAIGN_MANAGERS_GROUP))
    for username, organisation, role in MEMBERSHIPS:
        user = users.filter(username=username).first()
        if user is not None:
            Membership.objects.update_or_create(
                user=user, organisation=organisations[organisation], defaults={"role": role}
            )


def ensure_sites(spec, owner: Organisation) -> list[Site]:
    """The campaign's sites, owned by its lead organisation (only its managers edit them)."""
    sites = []
    for site_spec in spec["sites"]:
        site, _created = Site.objects.update_or_create(
            name=site_spec["name"],
            postcode=site_spec["postcode"],
            defaults={
                "setting": spec["setting"],
                "city": site_spec["city"],
                "department": site_spec["postcode"][:2],
                "region": "Occitanie",
                "headcount": site_spec["headcount"],
                "owner": owner,
                site_spec["identifier"]: site_spec["code"],  # "uai" or "siret"
            },
        )
        sites.append(site)
    return sites


def ensure_campaign(spec, organisations) -> tuple[Campaign, bool]:
    start = date.fromisoformat(spec["start"])
    campaign, created = Campaign.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "region": "Occitanie",
            "department": spec["department"],
            "target_population": spec["target_population"],
            "start_date": start,
            "end_date": start + timedelta(days=spec["weeks"] * 7),
            "lead_organisation": organisations[LEAD],
        },
    )
    setting, _created = CampaignSetting.objects.get_or_create(code=spec["setting"])
    campaign.settings.set([setting])
    campaign.themes.set(Theme.objects.filter(slug__in=spec["themes"]))
    for partner in spec["partners"]:
        CampaignPartner.objects.get_or_create(
            campaign=campaign,
            organisation=organisations[partner["organisation"]],
            role=partner["role"],
        )
    return campaign, created


def ensure_codesign(campaign, spec, organisations) -> list[Decision]:
    decisions = []
    for index, session_spec in enumerate(spec["sessions"]):
        session, _created = CodesignSession.objects.update_or_create(
            campaign=campaign,
            date=date.fromisoformat(session_spec["date"]),
            defaults={
                "format": session_spec["format"],
                "place": session_spec["place"],
                "agenda": session_spec["agenda"],
                "minutes": session_spec["minutes"],
            },
        )
        for attendance in session_spec["attendance"]:
            SessionAttendance.objects.update_or_create(
                session=session,
                organisation=organisations[attendance["organisation"]],
                defaults={
                    "attendees": attendance["attendees"],
                    "user_representatives": attendance["user_representatives"],
                },
            )
        for contribution in session_spec["contributions"]:
            author = contribution["organisation"]  # none: the participants' own voice
            Contribution.objects.update_or_create(
                campaign=campaign,
                text=contribution["text"],
                defaults={
                    "session": session,
                    "kind": contribution["kind"],
                    "organisation": organisations.get(author),
                    "voice_of_participants": author is None,
                    "votes": contribution["votes"],
                },
            )
        for decision_spec in session_spec.get("decisions", []):
            decision, _created = Decision.objects.update_or_create(
                campaign=campaign,
                text=decision_spec["text"],
                defaults={"session": session, "rationale": decision_spec["rationale"]},
            )
            answers = decision_spec["contributions"]
            decision.contributions.set(campaign.contributions.filter(text__in=answers))
            decisions.append(decision)
        if index == len(spec["sessions"]) - 1 and spec.get("validation"):
            validation = spec["validation"]
            UserValidation.objects.update_or_create(
                campaign=campaign,
                organisation=organisations[validation["organisation"]],
                defaults={"validated_on": session.date, "statement": validation["statement"]},
            )
    return decisions


def ensure_actions(campaign, spec, sites, decisions, organisations) -> list[Action]:
    actions = []
    start = date.fromisoformat(spec["start"])
    for offset, action_spec in enumerate(spec["actions"]):
        action, _created = Action.objects.update_or_create(
            campaign=campaign,
            title=action_spec["title"],
            defaults={
                "action_type": action_spec["action_type"],
                "setting": spec["setting"],
                "site": sites[0],  # the intervention site; the others are comparison sites
                "start_date": start + timedelta(weeks=offset * 2),
                "facilitator": organisations[action_spec["facilitator"]],
                "planned_attendance": spec["participants"] // 2,
            },
        )
        # "decision": index of the campaign's decision (in session order) the action carries out
        action.decisions.set([decisions[action_spec["decision"]]] if decisions else [])
        actions.append(action)
    return actions


# Stages where every demo action has taken place; a running campaign has done those already
# past (`DEMO_TODAY`, fixed so that the demo tells the same story every day).
ACTIONS_DONE_STAGES = {Campaign.Status.EVALUATION, Campaign.Status.CLOSED}
DEMO_TODAY = date(2026, 12, 1)


def action_is_done(action: Action, status: str) -> bool:
    if status in ACTIONS_DONE_STAGES:
        return True
    return status == Campaign.Status.RUNNING and action.start_date <= DEMO_TODAY


def ensure_participants(campaign, spec, sites, actions) -> None:
    """Pseudonymous codes, half in each group; intervention participants attend the actions
    that took place (about 4 in 5 of them each time).

    Schools and workplaces compare sites (first site = intervention); at the university both
    groups are drawn on every campus (`groups_within_sites`).
    """
    rng = random.Random(spec["slug"])  # the same people on every run
    consent = date.fromisoformat(spec["start"]) - timedelta(days=14)
    for number in range(1, spec["participants"] + 1):
        intervention = number % 2 == 1
        if spec.get("groups_within_sites"):
            site = sites[(number // 2) % len(sites)]
        else:
            site = sites[0] if intervention else sites[1 + number % (len(sites) - 1)]
        group = Participant.Group.INTERVENTION if intervention else Participant.Group.COMPARISON
        participant, _created = Participant.objects.update_or_create(
            campaign=campaign,
            code=f"{spec['code_prefix']}-{number:03d}",
            defaults={
                "site": site,
                "group": group,
                "sex": rng.choice(["female", "male", "female", "male", "other", "not_stated"]),
                "age_band": rng.choice(spec["age_bands"]),
                "consent_date": consent,
            },
        )
        if group == Participant.Group.INTERVENTION:
            for action in actions:
                came = rng.random() < 0.8  # drawn for every action: the same people each run
                if came and action_is_done(action, spec["status"]):
                    Attendance.objects.get_or_create(participant=participant, action=action)


def ensure_implementation(spec, actions) -> None:
    """Actions that took place are "Réalisée" on their date, with their attendance (RE-AIM
    Implementation and Reach); the others stay planned, nobody attended them yet."""
    for action in actions:
        if action_is_done(action, spec["status"]):
            action.status = Action.Status.DELIVERED
            action.delivered_on = action.start_date
            action.actual_attendance = action.attendances.count()
        else:
            action.status = Action.Status.PLANNED
            action.delivered_on = action.actual_attendance = None
            action.attendances.all().delete()
        action.save(update_fields=["status", "delivered_on", "actual_attendance"])


def set_demo_status(campaign, status: str, created: bool) -> None:
    """Put the campaign at its demo stage; log each forward step once (from draft when the
    campaign is created, from its stored stage when a newer demo moves it on)."""
    previous = Campaign.Status.DRAFT if created else campaign.status
    if previous in LIFECYCLE and LIFECYCLE.index(previous) < LIFECYCLE.index(status):
        path = LIFECYCLE[LIFECYCLE.index(previous) : LIFECYCLE.index(status) + 1]
        for before, step in zip(path, path[1:], strict=False):
            audit.record(campaign, "livinglab.transition", data={"from": before, "to": step})
    Campaign.objects.filter(pk=campaign.pk).update(
        status=status, status_changed_at=campaign.status_changed_at or timezone.now()
    )


@transaction.atomic
def load(*, stdout) -> None:
    data = content.read("campaigns")
    organisations = ensure_organisations(data["organisations"])
    ensure_memberships(organisations)
    for spec in data["campaigns"]:
        campaign, created = ensure_campaign(spec, organisations)
        sites = ensure_sites(spec, campaign.lead_organisation)
        decisions = ensure_codesign(campaign, spec, organisations)
        actions = ensure_actions(campaign, spec, sites, decisions, organisations)
        ensure_participants(campaign, spec, sites, actions)
        ensure_implementation(spec, actions)
        set_demo_status(campaign, spec["status"], created)
        stdout.write(f"  campagne {campaign.slug} : {campaign.participants.count()} participants")
