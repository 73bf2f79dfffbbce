"""Organisations, campaigns and their co-design record, sites, actions, participants and costs."""

from livinglab.campaigns.models.campaigns import (
    Campaign,
    CampaignPartner,
)
from livinglab.campaigns.models.codesign import (
    CodesignSession,
    Contribution,
    Decision,
    SessionAttendance,
    UserValidation,
)
from livinglab.campaigns.models.costs import BudgetLine
from livinglab.campaigns.models.field import (
    Action,
    Attendance,
    Participant,
    Site,
)
from livinglab.campaigns.models.organisations import (
    CampaignSetting,
    Membership,
    Organisation,
    Setting,
    Theme,
)

__all__ = [
    "Action",
    "Attendance",
    "BudgetLine",
    "Campaign",
    "CampaignPartner",
    "CampaignSetting",
    "CodesignSession",
    "Contribution",
    "Decision",
    "Membership",
    "Organisation",
    "Participant",
    "SessionAttendance",
    "Setting",
    "Site",
    "Theme",
    "UserValidation",
]
