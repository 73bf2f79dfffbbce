"""Public pages of the platform (Wagtail), one module per page family."""

from livinglab.cms.models.base import AgeGroup, CachedPageMixin, RoutedPageMixin
from livinglab.cms.models.campaigns import CampaignIndexPage, CampaignPage
from livinglab.cms.models.experience import ExperienceIndexPage, Testimony
from livinglab.cms.models.home import HomePage
from livinglab.cms.models.kits import KitDocument, ResourceKitPage
from livinglab.cms.models.toolkit import ToolkitPage
from livinglab.cms.models.topics import EvidenceLevel, SettingIndexPage, TopicFormat, TopicPage

__all__ = [
    "AgeGroup",
    "CachedPageMixin",
    "CampaignIndexPage",
    "CampaignPage",
    "EvidenceLevel",
    "ExperienceIndexPage",
    "HomePage",
    "KitDocument",
    "ResourceKitPage",
    "RoutedPageMixin",
    "SettingIndexPage",
    "Testimony",
    "ToolkitPage",
    "TopicFormat",
    "TopicPage",
]
