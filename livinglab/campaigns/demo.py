"""Demo organisations, three campaigns (school, university, workplace) and their co-design record.

Idempotent: rows are found by natural keys and updated, so a second run changes no count.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from livinglab.campaigns import audit
from livinglab.campaigns.demo_content import CAMPAIGNS, ORGANISATIONS
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

LEAD = "Association Bouger Ensemble Occitanie"
EVALUATORS = "Laboratoire Santé Publique & Territoires"
UNRELATED = "Association Littoral Santé"
# Account of an organisation with no demo campaign: it must see none (used by the tests).
OUTSIDER = ("gestionnaire-autre", "demo-autre-2026")
MEMBERSHIPS = (
    ("gestionnaire", LEAD, Membership.Role.MANAGER),
    ("evaluatrice", EVALUATORS, Membership.Role.EVALUATOR),
    (OUTSIDER[0], UNRELATED, Membership.Role.MANAGER),
)


def ensure_organisations() -> dict[str, Organisation]:
    organisations = {}
    for name, kind, city, region in ORGANISATIONS:
        organisations[name], _created = Organisation.objects.update_or_create(
            name=name, defaults={"kind": kind, "city": city, "region": region}
        )
    return organisations


def ensure_memberships(organisations) -> None:
    from livinglab.demo import CAMPAIGN_MANAGERS_GROUP

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


def ensure_sites(spec) -> list[Site]:
    sites = []
    for name, city, postcode, identifier, code, headcount in spec["sites"]:
        site, _created = Site.objects.update_or_create(
            name=name,
            postcode=postcode,
            defaults={
                "setting": spec["setting"],
                "city": city,
                "department": postcode[:2],
                "region": "Occitanie",
                "headcount": headcount,
                identifier: code,
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
    for name, role in spec["partners"]:
        CampaignPartner.objects.get_or_create(
            campaign=campaign, organisation=organisations[name], role=role
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
        for name, attendees, representatives in session_spec["attendance"]:
            SessionAttendance.objects.update_or_create(
                session=session,
                organisation=organisations[name],
                defaults={"attendees": attendees, "user_representatives": representatives},
            )
        for kind, author, text, votes in session_spec["contributions"]:
            Contribution.objects.update_or_create(
                campaign=campaign,
                text=text,
                defaults={
                    "session": session,
                    "kind": kind,
                    "organisation": organisations.get(author),
                    "voice_of_participants": author is None,
                    "votes": votes,
                },
            )
        for text, rationale, answers in session_spec.get("decisions", []):
            decision, _created = Decision.objects.update_or_create(
                campaign=campaign, text=text, defaults={"session": session, "rationale": rationale}
            )
            decision.contributions.set(campaign.contributions.filter(text__in=answers))
            decisions.append(decision)
        if index == len(spec["sessions"]) - 1 and spec.get("validation"):
            organisation, statement = spec["validation"]
            UserValidation.objects.update_or_create(
                campaign=campaign,
                organisation=organisations[organisation],
                defaults={"validated_on": session.date, "statement": statement},
            )
    return decisions


def ensure_actions(campaign, spec, sites, decisions, organisations) -> list[Action]:
    actions = []
    start = date.fromisoformat(spec["start"])
    for offset, (title, action_type, facilitator, decision_index) in enumerate(spec["actions"]):
        action, _created = Action.objects.update_or_create(
            campaign=campaign,
            title=title,
            defaults={
                "action_type": action_type,
                "setting": spec["setting"],
                "site": sites[0],  # the intervention site; the others are comparison sites
                "start_date": start + timedelta(weeks=offset * 2),
                "facilitator": organisations[facilitator],
                "planned_attendance": spec["participants"] // 2,
            },
        )
        action.decisions.set([decisions[decision_index]] if decisions else [])
        actions.append(action)
    return actions


def ensure_participants(campaign, spec, sites, actions) -> None:
    """Pseudonymous codes, half in each group.

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
                if rng.random() < 0.8:
                    Attendance.objects.get_or_create(participant=participant, action=action)


def set_demo_status(campaign, status: str, created: bool) -> None:
    """Put the campaign at its demo stage; log the path once, when the campaign is created."""
    if created:
        path = LIFECYCLE[1 : LIFECYCLE.index(status) + 1]
        for previous, step in zip(LIFECYCLE, path, strict=False):
            audit.record(campaign, "livinglab.transition", data={"from": previous, "to": step})
    Campaign.objects.filter(pk=campaign.pk).update(
        status=status, status_changed_at=campaign.status_changed_at or timezone.now()
    )


@transaction.atomic
def load(*, stdout) -> None:
    organisations = ensure_organisations()
    ensure_memberships(organisations)
    for spec in CAMPAIGNS:
        campaign, created = ensure_campaign(spec, organisations)
        sites = ensure_sites(spec)
        decisions = ensure_codesign(campaign, spec, organisations)
        actions = ensure_actions(campaign, spec, sites, decisions, organisations)
        ensure_participants(campaign, spec, sites, actions)
        set_demo_status(campaign, spec["status"], created)
        stdout.write(f"  campagne {campaign.slug} : {campaign.participants.count()} participants")
