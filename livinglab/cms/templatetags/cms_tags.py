"""Site-wide template helpers: main navigation, language links, breadcrumb, localized names.

The navigation and the language links come from the site-wide data (`cms.sitewide`), computed
once per publish; the breadcrumb reuses the ancestors routing read. Topic cards are rendered
once per publish too (`topic_cards`): the same card appears on the home page, the listings and
the search, and its HTML is kept under the page cache's version. A campaign page's public
summary (its story, costs and results: `campaign_public_sections`) likewise.
"""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from wagtail.models import Page

from livinglab.cms.cache import page_cache_version
from livinglab.cms.i18n import localized_name as _localized_name
from livinglab.cms.sitewide import per_publish, site_data

TOPIC_CARD_TEMPLATE = "cms/includes/topic_card.html"
TOPIC_CARD_KEY = "cms:card:{version}:{site}:{language}:{pk}:{published}"
CAMPAIGN_PUBLIC_TEMPLATE = "cms/includes/campaign_public.html"
TOPIC_ARTICLE_TEMPLATE = "cms/includes/topic_article.html"

register = template.Library()


@register.filter
def localized_name(item) -> str:
    return _localized_name(item)


@register.simple_tag(takes_context=True)
def main_navigation(context) -> list[Page]:
    """The home page's live public children flagged "show in menus", in the visitor's language."""
    request = context.get("request")
    return site_data(request).navigation if request else []


@register.simple_tag(takes_context=True)
def content_language(context, page) -> str:
    """The language of `page`'s content when it is not the visitor's (a page, or a listed page,
    not translated yet), else an empty string: templates mark it with `lang`."""
    request = context.get("request")
    if not isinstance(page, Page) or request is None:
        return ""
    code = site_data(request).language_codes.get(page.locale_id, "")
    return code if code and code != get_language() else ""


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language: this page's live translation, else that language's home."""
    page = context.get("page")
    request = context.get("request")
    translations = {}
    current = get_language()
    if isinstance(page, Page) and page.pk and request:
        translations = site_data(request).language_urls(page)
        translations.setdefault(current, request.path)  # an untranslated page, shown here
    links = []
    for code, _name in settings.LANGUAGES:
        name = get_language_info(code)["name_local"]
        fallback = "/" if code == settings.LANGUAGE_CODE else f"/{code}/"
        url = translations.get(code, fallback)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag
def breadcrumb_ancestors(page: Page | None) -> list[Page]:
    """The page's ancestors from the home page down: those routing read, else from the tree."""
    if not isinstance(page, Page):
        return []  # a view that is not a page (and has no ancestors to show)
    ancestors = getattr(page, "cms_ancestors", None)
    if ancestors is not None:
        return ancestors
    return list(page.get_ancestors())[1:]


# Set by a selector on topics read in one query for several lists (see `home_topics`).
CARD_GROUP_ATTRIBUTE = "cms_card_group"


@register.simple_tag(takes_context=True)
def topic_cards(context, items) -> list[str]:
    """The HTML of each topic's card, as `{% include "cms/includes/topic_card.html" %}` renders it.

    A card reads only the topic, its vocabularies, image rendition and URL, all of which change
    only through what bumps the page cache's version (publish, unpublish, move, vocabulary and
    image edits): its HTML is kept under that version (plus the site, the language and the
    topic's last publication), for as long as a cached page. A publish retires every card; the
    first page to show a card after it renders the card.
    """
    topics = list(items)
    if not topics:
        return []
    request = context.get("request")
    data = site_data(request) if request is not None else None
    site = data.site.pk if data is not None and data.site is not None else ""
    version, language = page_cache_version(), get_language() or ""
    keys = [
        TOPIC_CARD_KEY.format(
            version=version,
            site=site,
            language=language,
            pk=topic.pk,
            published=topic.last_published_at.timestamp() if topic.last_published_at else "",
        )  # fmt: skip
        for topic in topics
    ]
    stored = cache.get_many(keys) if topics[0].pk else {}
    missing = [topic for topic, key in zip(topics, keys, strict=True) if key not in stored]
    if missing:
        from livinglab.cms.selectors import listing_prefetch

        # Lists read together (the home page's theme of the year and latest topics) share one
        # set of prefetches: the first list to render reads them for the whole group.
        group = getattr(missing[0], CARD_GROUP_ATTRIBUTE, None) or []
        listing_prefetch(missing + [topic for topic in group if topic not in missing])
    card_template = context.template.engine.get_template(TOPIC_CARD_TEMPLATE)
    cards, new = [], {}
    for topic, key in zip(topics, keys, strict=True):
        html = stored.get(key)
        if html is None:
            with context.push(topic=topic):
                html = card_template.render(context)
            if topic.pk:
                new[key] = html
        cards.append(mark_safe(html))  # noqa: S308 - our own template's output, escaped there
    if new:
        cache.set_many(new, settings.CMS_PAGE_CACHE_SECONDS)
    return cards


def kept_include(context, page, name: str, template_name: str, data) -> str:
    """`template_name` rendered with `data()` added to the context, once per publish of `page`
    (`sitewide.per_publish`; a preview is rendered afresh)."""

    def render() -> str:
        template = context.template.engine.get_template(template_name)
        with context.push(**data()):
            return template.render(context)

    html = per_publish(context.get("request"), page, name, render)
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped there


@register.simple_tag(takes_context=True)
def campaign_public_sections(context, page) -> str:
    """The campaign page's story, costs and published results (`CAMPAIGN_PUBLIC_TEMPLATE`).

    They read about ten tables of the campaigns and evaluation apps, all of whose changes bump
    the page cache's version (campaign, partner, session, decision, action and budget edits,
    results published or withdrawn, erasure: `cms.apps`): the HTML is kept once per publish.
    """
    from livinglab.cms.selectors import campaign_public_summary

    return kept_include(
        context, page, "campaign-html", CAMPAIGN_PUBLIC_TEMPLATE,
        lambda: campaign_public_summary(campaign_id=page.campaign_id),
    )  # fmt: skip


@register.simple_tag(takes_context=True)
def topic_article(context, page) -> str:
    """The topic page's article (`TOPIC_ARTICLE_TEMPLATE`): its own fields, rich text and
    StreamField body, hero image, kits, related campaigns and the network's evidence cards.

    The page's fields change only when it is published again (`last_published_at` is in the
    key) and what it shows of other pages and apps only through what bumps the page cache's
    version, so the HTML is kept once per publish.
    """
    from livinglab.cms.selectors import topic_article_data

    return kept_include(
        context, page, "topic-html", TOPIC_ARTICLE_TEMPLATE,
        lambda: topic_article_data(topic=page, site_data=site_data(context["request"])),
    )  # fmt: skip
