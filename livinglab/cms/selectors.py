"""Reads of the public side, each a fixed number of queries whatever the amount of content."""

from itertools import groupby

from django.db.models import Prefetch, QuerySet
from wagtail.images import get_image_model
from wagtail.models import Locale

from livinglab.campaigns.models import (
    Action,
    Campaign,
    CampaignPartner,
    CodesignSession,
    Decision,
    Setting,
    UserValidation,
)
from livinglab.cms.models import (
    CampaignIndexPage,
    CampaignPage,
    ExperienceIndexPage,
    HomePage,
    KitDocument,
    ResourceKitPage,
    SettingIndexPage,
    TopicPage,
)
from livinglab.evaluation.runs import selectors as evaluation_selectors

LISTING_RENDITION = "fill-480x270"
HERO_RENDITION = "fill-960x400"
DURATION_RANGES = {"short": (None, 30), "medium": (31, 90), "long": (91, None)}
LATEST_TOPICS = 6
FEATURED_CAMPAIGNS = 3


def topics_live(*, locale: Locale) -> QuerySet[TopicPage]:
    return TopicPage.objects.live().public().filter(locale=locale)


def with_listing_data(queryset: QuerySet[TopicPage]) -> QuerySet[TopicPage]:
    """Themes, age groups and the card image rendition in three queries for the whole list."""
    images = get_image_model().objects.prefetch_renditions(LISTING_RENDITION)
    return queryset.prefetch_related("themes", "age_groups", Prefetch("image", queryset=images))


def topics_filter(
    queryset: QuerySet[TopicPage],
    *,
    setting: str = "",
    theme=None,
    age_group=None,
    format: str = "",  # noqa: A002 - the name of the public GET parameter
    duration: str = "",
    **_other_fields,
) -> QuerySet[TopicPage]:
    if setting:
        queryset = queryset.filter(target_settings__code=setting)
    if theme:
        queryset = queryset.filter(themes=theme)
    if age_group:
        queryset = queryset.filter(age_groups=age_group)
    if format:
        queryset = queryset.filter(format=format)
    if duration in DURATION_RANGES:
        low, high = DURATION_RANGES[duration]
        if low is not None:
            queryset = queryset.filter(duration_minutes__gte=low)
        if high is not None:
            queryset = queryset.filter(duration_minutes__lte=high)
    return queryset


def topics_for_listing(*, locale: Locale, setting: str, **filters) -> QuerySet[TopicPage]:
    queryset = topics_filter(topics_live(locale=locale), setting=setting, **filters)
    return with_listing_data(queryset.order_by("title"))


def topics_search(*, locale: Locale, query: str, **filters):
    """Filtered topics, ranked by Wagtail search when there are keywords."""
    queryset = topics_filter(topics_live(locale=locale), **filters)
    if not query:
        return with_listing_data(queryset.order_by("title"))
    # The search backend only filters on indexed fields: narrow by primary key instead.
    matching = list(queryset.values_list("pk", flat=True))
    return with_listing_data(TopicPage.objects.filter(pk__in=matching)).search(query)


def topic_details(*, topic: TopicPage) -> dict:
    documents = KitDocument.objects.select_related("document")
    kits = ResourceKitPage.objects.child_of(topic).live().public()
    # A preview or a revision holds the relation in memory (no `.live()` there): query by id.
    related = [page.pk for page in topic.related_campaigns.all()]
    return {
        "themes": list(topic.themes.all()),
        "age_groups": list(topic.age_groups.all()),
        "target_settings": list(topic.target_settings.all()),
        "kits": kits.prefetch_related(Prefetch("documents", queryset=documents)),
        "related_campaign_pages": CampaignPage.objects.filter(pk__in=related).live().public(),
    }


def home_sections(*, home: HomePage) -> dict:
    featured = CampaignPage.objects.live().public().filter(locale=home.locale, featured=True)
    latest = topics_live(locale=home.locale).order_by("-first_published_at", "-pk")
    return {
        "setting_pages": SettingIndexPage.objects.child_of(home).live().public(),
        "featured_campaigns": featured.select_related("campaign")[:FEATURED_CAMPAIGNS],
        "latest_topics": with_listing_data(latest)[:LATEST_TOPICS],
        "campaign_index": CampaignIndexPage.objects.child_of(home).live().first(),
        "experience_page": ExperienceIndexPage.objects.child_of(home).live().first(),
    }


def campaign_pages_for_listing(*, parent: CampaignIndexPage) -> QuerySet[CampaignPage]:
    pages = CampaignPage.objects.child_of(parent).live().public().select_related("campaign")
    return pages.prefetch_related("campaign__themes", "campaign__settings")


def campaign_story(*, campaign_id: int) -> dict:
    """Partners, co-design sessions and decisions, validations and actions, read live."""
    campaign = (
        Campaign.objects.select_related("lead_organisation")
        .prefetch_related(
            "themes",
            "settings",
            Prefetch("partnerships", CampaignPartner.objects.select_related("organisation")),
            Prefetch("sessions", CodesignSession.objects.order_by("date")),
            Prefetch("decisions", Decision.objects.select_related("session")),
            Prefetch("validations", UserValidation.objects.select_related("organisation")),
            Prefetch(
                "actions",
                Action.objects.select_related("site", "facilitator").order_by(
                    "setting", "start_date"
                ),
            ),
        )
        .get(pk=campaign_id)
    )
    actions_by_setting = [
        (Setting(code).label, list(actions))
        for code, actions in groupby(campaign.actions.all(), key=lambda action: action.setting)
    ]
    return {
        "campaign": campaign,
        "lead_organisation": campaign.lead_organisation,
        "actions_by_setting": actions_by_setting,
    }


def campaign_published_results(*, campaign: Campaign) -> dict | None:
    """What the evaluation has published for this campaign, or None."""
    return evaluation_selectors.published_results_for(campaign)
