"""Reads of the public side, each a fixed number of queries whatever the amount of content."""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.utils.translation import get_language, gettext, ngettext
from modelcluster.queryset import FakeQuerySet
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search.utils import normalise_query_string

from livinglab.campaigns.costs import (
    costs_per_participant,
    format_euros,
    public_costs,
    reached_participants,
)
from livinglab.campaigns.models import (
    Action,
    Campaign,
    CampaignPartner,
    CodesignSession,
    Decision,
    Setting,
    UserValidation,
)
from livinglab.campaigns.selectors import DEFAULT_MIN_CELL_SIZE, min_cell_size
from livinglab.cms.i18n import localized_name
from livinglab.cms.models import (
    CampaignIndexPage,
    CampaignPage,
    ExperienceIndexPage,
    HomePage,
    KitDocument,
    ResourceKitPage,
    SettingIndexPage,
    ToolkitPage,
    TopicPage,
)
from livinglab.cms.sitewide import SiteData
from livinglab.evaluation.pooled.findings import PooledReading, pooled_reading
from livinglab.evaluation.pooled.models import PooledEvidence
from livinglab.evaluation.pooled.selectors import pooled_evidence_list
from livinglab.evaluation.runs import selectors as evaluation_selectors

LISTING_RENDITION = "fill-480x270"
HERO_RENDITION = "fill-960x400"
DURATION_RANGES = {"short": (None, 30), "medium": (31, 90), "long": (91, None)}
LATEST_TOPICS = 6
FEATURED_CAMPAIGNS = 3
ANNUAL_THEME_TOPICS = 6


def default_locale_id(site_data: SiteData) -> int | None:
    codes = site_data.language_codes.items()
    return next((pk for pk, code in codes if code == settings.LANGUAGE_CODE), None)


def in_language(queryset: QuerySet, *, locale_id: int | None, site_data: SiteData) -> QuerySet:
    """Live pages of `locale_id`, and the default language's live pages not translated into it
    yet (shown marked as untranslated): a listing in English misses nothing French."""
    queryset = queryset.live()
    default = default_locale_id(site_data)
    if default is None or locale_id == default:
        return queryset.filter(locale_id=locale_id)
    translated = Page.objects.live().filter(locale_id=locale_id).values("translation_key")
    return queryset.filter(
        Q(locale_id=locale_id) | (Q(locale_id=default) & ~Q(translation_key__in=translated))
    )


def translations_of(pages: list, *, locale_id: int) -> list:
    """Each page's live translation in `locale_id` when it has one (one query, none when every
    page is already in that language), else the page itself."""
    others = [page for page in pages if page.locale_id != locale_id]
    if not others:
        return pages
    model = type(others[0])
    found = model.objects.live().filter(
        locale_id=locale_id, translation_key__in=[page.translation_key for page in others]
    )
    by_key = {page.translation_key: page for page in found}
    return [by_key.get(page.translation_key, page) for page in pages]


def topics_live(*, locale_id: int, site_data: SiteData) -> QuerySet[TopicPage]:
    topics = in_language(TopicPage.objects, locale_id=locale_id, site_data=site_data)
    return site_data.public(topics)


def with_listing_data(queryset: QuerySet[TopicPage]) -> QuerySet[TopicPage]:
    """Topics for cards: without their StreamField bodies, which no card shows.

    What a card shows besides the topic's own columns (themes, age groups, the image and its
    rendition) is read by `listing_prefetch`, only for the cards not already rendered since the
    last publish (`cms_tags.topic_cards`).
    """
    return queryset.defer_streamfields()


def listing_prefetch(topics: list[TopicPage]) -> None:
    """Themes, age groups and the card image rendition in three queries for the whole list."""
    images = get_image_model().objects.prefetch_renditions(LISTING_RENDITION)
    prefetch_related_objects(topics, "themes", "age_groups", Prefetch("image", queryset=images))


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


def topics_for_listing(
    *, locale_id: int, setting: str, site_data: SiteData, **filters
) -> QuerySet[TopicPage]:
    queryset = topics_live(locale_id=locale_id, site_data=site_data)
    queryset = topics_filter(queryset, setting=setting, **filters)
    return with_listing_data(queryset.order_by("title"))


def topics_search(*, locale_id: int, query: str, site_data: SiteData, **filters):
    """Filtered topics, ranked by Wagtail search when there are keywords."""
    queryset = topics_filter(topics_live(locale_id=locale_id, site_data=site_data), **filters)
    if not query:
        return with_listing_data(queryset.order_by("title"))
    # The search backend only filters on indexed fields: narrow by primary key instead.
    matching = list(queryset.values_list("pk", flat=True))
    found = with_listing_data(TopicPage.objects.filter(pk__in=matching)).search(query)
    promoted = topics_promoted(query=query, among=matching)
    if not promoted:
        return found
    shown_first = {topic.pk for topic in promoted}
    return [*promoted, *(topic for topic in found if topic.pk not in shown_first)]


def topics_promoted(*, query: str, among: list[int]) -> list[TopicPage]:
    """Topics editors promoted for this query (Wagtail's search promotions), in their order,
    among the topics the filters keep. A promotion holds for the page's translations too: an
    English search shows the English copy of a promoted French topic. Reads only: `Query.get`
    would create a row per search."""
    promoted = SearchPromotion.objects.filter(
        query__query_string=normalise_query_string(query)
    ).order_by("sort_order", "pk")
    keys = list(dict.fromkeys(promoted.values_list("page__translation_key", flat=True)))
    if not keys:
        return []
    topics = TopicPage.objects.filter(pk__in=among, translation_key__in=keys)
    by_key = {topic.translation_key: topic for topic in with_listing_data(topics)}
    return [by_key[key] for key in keys if key in by_key]


def setting_age_groups(*, locale_id: int, setting: str, site_data: SiteData) -> list:
    """The age groups of a setting's live topics, in the vocabulary's order: a listing offers
    only filters that can find something."""
    topics = topics_filter(topics_live(locale_id=locale_id, site_data=site_data), setting=setting)
    used = set(
        TopicPage.age_groups.through.objects.filter(topicpage__in=topics).values_list(
            "agegroup_id", flat=True
        )
    )
    return [group for group in site_data.age_groups if group.pk in used]


TOPIC_VOCABULARIES = {  # context name: (relation on TopicPage, SiteData list of items)
    "themes": ("themes", "themes"),
    "age_groups": ("age_groups", "age_groups"),
    "target_settings": ("target_settings", "setting_vocabulary"),
}


def topic_vocabularies(*, topic: TopicPage, site_data: SiteData) -> dict[str, list]:
    """The topic's themes, age groups and settings: one query for the three relations' ids,
    the items themselves from the cached vocabularies (in their own order).

    A preview or a revision holds the relations in memory: they are read from there.
    """
    in_memory = {name: getattr(topic, spec[0]).all() for name, spec in TOPIC_VOCABULARIES.items()}
    if not topic.pk or any(isinstance(items, FakeQuerySet) for items in in_memory.values()):
        return {name: list(items) for name, items in in_memory.items()}
    selected = None
    for name, (relation, _items) in TOPIC_VOCABULARIES.items():
        field = TopicPage._meta.get_field(relation)
        ids = (
            field.remote_field.through.objects.filter(**{field.m2m_field_name(): topic.pk})
            .annotate(name=Value(name))
            .values_list("name", field.m2m_reverse_name())
        )
        selected = ids if selected is None else selected.union(ids, all=True)
    chosen = defaultdict(set)
    for name, item_id in selected:
        chosen[name].add(item_id)
    return {
        name: [item for item in getattr(site_data, items) if item.pk in chosen[name]]
        for name, (_relation, items) in TOPIC_VOCABULARIES.items()
    }


def topic_details(*, topic: TopicPage, site_data: SiteData) -> dict:
    """The topic's vocabularies, kits and related campaigns.

    A preview or a revision holds the related campaigns in memory, where `.live()` does not
    exist: filter in Python.
    """
    documents = KitDocument.objects.select_related("document")
    kits = site_data.public(ResourceKitPage.objects.child_of(topic).live())
    related = [page for page in topic.related_campaigns.all() if page.live]
    related = translations_of(related, locale_id=topic.locale_id)
    return {
        **topic_vocabularies(topic=topic, site_data=site_data),
        "kits": kits.prefetch_related(Prefetch("documents", queryset=documents)),
        "related_campaign_pages": site_data.public_list(related),
    }


def topic_article_data(*, topic: TopicPage, site_data: SiteData) -> dict:
    """What the topic page's article shows besides its own fields (`cms_tags.topic_article`)."""
    found = topic_details(topic=topic, site_data=site_data)
    found["kits"] = list(found["kits"])
    return found | topic_network_evidence(
        themes=found["themes"], locale_id=topic.locale_id, site_data=site_data
    )


def campaign_pages_live(*, locale_id: int, site_data: SiteData) -> QuerySet[CampaignPage]:
    pages = in_language(CampaignPage.objects, locale_id=locale_id, site_data=site_data)
    return site_data.public(pages).select_related("campaign")


def home_topics(*, home: HomePage, theme, site_data: SiteData) -> tuple[list, list]:
    """The latest topics and, when the home page features a theme of the year, that theme's
    topics: one query (and one set of listing prefetches) for both lists."""
    topics = topics_live(locale_id=home.locale_id, site_data=site_data)
    wanted = Q(pk__in=topics.order_by("-first_published_at", "-pk").values("pk")[:LATEST_TOPICS])
    if theme is not None:
        on_theme = topics.filter(themes=theme).order_by("title", "pk").values("pk")
        wanted |= Q(pk__in=on_theme[:ANNUAL_THEME_TOPICS])
    both = topics.filter(wanted)
    if theme is not None:  # membership read in the same query: the cards' themes may be cached
        links = TopicPage.themes.through.objects.filter(topicpage_id=OuterRef("pk"), theme=theme)
        both = both.annotate(on_annual_theme=Exists(links))
    both = list(with_listing_data(both))
    for topic in both:  # both lists' cards share their prefetches (`cms_tags.topic_cards`)
        topic.cms_card_group = both
    # Each list's first items among the union are that list's first items overall.
    newest = sorted(both, key=lambda topic: (topic.first_published_at, topic.pk), reverse=True)
    themed = [topic for topic in both if getattr(topic, "on_annual_theme", False)]
    themed.sort(key=lambda topic: (topic.title, topic.pk))
    return newest[:LATEST_TOPICS], themed[:ANNUAL_THEME_TOPICS]


def home_sections(*, home: HomePage, site_data: SiteData) -> dict:
    """The home page's sections; the theme of the year comes from the cached vocabulary."""
    children = site_data.children_of(home)
    campaigns = campaign_pages_live(locale_id=home.locale_id, site_data=site_data)
    theme = next((item for item in site_data.themes if item.pk == home.annual_theme_id), None)
    latest, themed = home_topics(home=home, theme=theme, site_data=site_data)
    return {
        "annual_theme": theme,
        "annual_theme_topics": themed,
        "annual_theme_campaigns": (
            list(campaigns.filter(campaign__themes=theme).order_by("title")) if theme else []
        ),
        "setting_pages": [page for page in children if isinstance(page, SettingIndexPage)],
        "featured_campaigns": list(campaigns.filter(featured=True)[:FEATURED_CAMPAIGNS]),
        "latest_topics": latest,
        "campaign_index": first_of_type(children, CampaignIndexPage),
        "experience_page": first_of_type(children, ExperienceIndexPage),
    }


def first_of_type(pages: list, page_type: type):
    return next((page for page in pages if isinstance(page, page_type)), None)


def campaign_pages_for_listing(
    *, parent: CampaignIndexPage, site_data: SiteData
) -> QuerySet[CampaignPage]:
    pages = campaign_pages_live(locale_id=parent.locale_id, site_data=site_data)
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


def campaign_public_costs(*, campaign: Campaign):
    """Total cost, by category, and the cost per participant reached (withheld under the
    campaign's minimum cell size); None when no cost is recorded. No person-level data."""
    return public_costs(campaign=campaign, min_cell_size=min_cell_size(campaign))


def campaign_public_summary(*, campaign_id: int) -> dict:
    """What a campaign page shows of its campaign: story, public costs and published results."""
    story = campaign_story(campaign_id=campaign_id)
    return {
        **story,
        "results": campaign_published_results(campaign=story["campaign"]),
        "costs": campaign_public_costs(campaign=story["campaign"]),
    }


def campaign_published_results(*, campaign: Campaign) -> dict | None:
    """What the evaluation has published for this campaign, or None."""
    return evaluation_selectors.published_results_for(campaign)


# "Ce qui marche": toolkit cards of pooled evidence --------------------------------------------


@dataclass
class ToolkitCard:
    """One indicator's pooled evidence as a toolkit card shows it."""

    evidence: PooledEvidence
    reading: PooledReading
    campaigns: list[tuple[str, str | None]]  # (title, public page URL or None)
    cost_per_participant: Decimal | None
    stratum: str
    costed_campaigns: int = 0  # campaigns whose cost per participant enters the median
    label_lang: str = ""  # "fr" when the label stays French on a page in another language

    @property
    def cost_text(self) -> str:
        if self.cost_per_participant is None:
            return gettext("coût non renseigné")
        amount = format_euros(self.cost_per_participant)
        if self.costed_campaigns == 1:
            return gettext("%(amount)s par participant (coût de la campagne)") % {"amount": amount}
        return ngettext(
            "%(amount)s par participant (médiane de %(count)d campagne)",
            "%(amount)s par participant (médiane des %(count)d campagnes)",
            self.costed_campaigns,
        ) % {"amount": amount, "count": self.costed_campaigns}


def stratum_label(*, setting: str = "", theme=None) -> str:
    if setting:
        return gettext("milieu : %(setting)s") % {"setting": str(Setting(setting).label)}
    if theme is not None:
        return gettext("thème : %(theme)s") % {"theme": localized_name(theme)}
    return gettext("toutes les campagnes du réseau")


def median_cost(costs: dict[int, Decimal | None], campaign_ids: list[int]) -> Decimal | None:
    """The median cost per participant of the campaigns that state one, else None."""
    known = [costs[pk] for pk in campaign_ids if costs.get(pk) is not None]
    return statistics.median(known) if known else None


def public_costs_per_participant(studies: list[dict]) -> dict[int, Decimal | None]:
    """Each pooled campaign's cost per participant reached, withheld (None) when it reached
    fewer people than its minimum cell size, as on its public page (`public_costs`)."""
    ids = sorted({study["campaign"] for study in studies})
    default = int(getattr(settings, "LIVINGLAB_MIN_CELL_SIZE", DEFAULT_MIN_CELL_SIZE))
    threshold = {study["campaign"]: study.get("min_cell_size") or default for study in studies}
    reached = dict(
        reached_participants(ids)
        .values("campaign_id")
        .order_by("campaign_id")
        .annotate(count=Count("pk"))
        .values_list("campaign_id", "count")
    )
    return {
        pk: cost if reached.get(pk, 0) >= threshold[pk] else None
        for pk, cost in costs_per_participant(ids).items()
    }


def toolkit_cards_for(
    evidence_rows: list[PooledEvidence], *, locale_id: int, site_data: SiteData
) -> list[ToolkitCard]:
    """Cards of these stored rows: campaign pages and costs read once for all of them, their
    words in the active language (the catalogue's English label when English is active)."""
    english = (get_language() or "").startswith("en")
    readings = [
        (row, pooled_reading(row.numbers, label=row.indicator.label_en if english else ""))
        for row in evidence_rows
    ]
    readings = [(row, reading) for row, reading in readings if reading is not None]
    campaign_ids = sorted(
        {study["campaign"] for row, _reading in readings for study in row.numbers["studies"]}
    )
    if not campaign_ids:
        return []
    pages = site_data.public(
        CampaignPage.objects.live().filter(campaign_id__in=campaign_ids, locale_id=locale_id)
    ).only("pk", "path", "url_path", "campaign_id", "locale_id")
    urls = {page.campaign_id: page.url for page in pages}
    costs = public_costs_per_participant(
        [study for row, _reading in readings for study in row.numbers["studies"]]
    )
    cards = []
    for row, reading in readings:
        ids = [study["campaign"] for study in row.numbers["studies"]]
        cards.append(
            ToolkitCard(
                evidence=row,
                reading=reading,
                campaigns=[
                    (study["title"], urls.get(study["campaign"]))
                    for study in row.numbers["studies"]
                ],
                cost_per_participant=median_cost(costs, ids),
                stratum=stratum_label(setting=row.setting, theme=row.theme),
                costed_campaigns=len({pk for pk in ids if costs.get(pk) is not None}),
                label_lang="fr" if english and not row.indicator.label_en else "",
            )
        )
    return sorted(cards, key=lambda card: card.reading.label.lower())


def toolkit_cards(*, setting: str, theme, locale_id: int, site_data: SiteData) -> list[ToolkitCard]:
    """Every indicator's card in one stratum: overall, one setting or one theme."""
    rows = list(pooled_evidence_list(setting=setting or None, theme=theme))
    return toolkit_cards_for(rows, locale_id=locale_id, site_data=site_data)


def toolkit_children(*, page: ToolkitPage, site_data: SiteData) -> list[ToolkitPage]:
    """The page's live, public sub-pages (one per setting in the demo)."""
    return list(site_data.public(ToolkitPage.objects.child_of(page).live()).select_related("theme"))


def toolkit_index(*, site_data: SiteData) -> ToolkitPage | None:
    """The "Ce qui marche" page under the home page, from the cached navigation (no query)."""
    return first_of_type(site_data.home_children, ToolkitPage)


def topic_network_evidence(*, themes: list, locale_id: int, site_data: SiteData) -> dict:
    """What the network's campaigns show on the topic's themes (pooled per theme)."""
    rows = list(
        PooledEvidence.objects.select_related("indicator", "theme")
        .filter(setting="", theme__in=[theme.pk for theme in themes])
        .order_by("theme__name", "indicator__label")
    )
    return {
        "network_cards": toolkit_cards_for(rows, locale_id=locale_id, site_data=site_data),
        "toolkit_page": toolkit_index(site_data=site_data),
    }
