"""Site-wide data of the public pages, computed once per publish instead of once per request.

The site serving a host, its home page in the visitor's language, the home page's children (the
main navigation and the home sections), the view restrictions, the language links and the
filter vocabularies are stored in Django's cache under the page cache's version
(`cache.page_cache_version`): whatever retires the cached pages (publish, unpublish, move,
privacy, vocabulary edits, see `apps.py`) retires this data too. A request reads it once
(`site_data`), and `SiteDataMiddleware` hands the site to Wagtail's routing, which then starts
from the cached home page (`HomePage.route` reaches a page in at most two queries, see
`route_below`).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.url_routing import RouteResult

from livinglab.campaigns.models import CampaignSetting, Theme
from livinglab.cms.cache import page_cache_version
from livinglab.cms.models import AgeGroup

SITE_DATA_KEY = "cms:site:{version}:{hostname}:{port}:{language}"
# Retired by the version on every change; the lifetime only bounds memory for old versions.
SITE_DATA_SECONDS = 3600
REQUEST_ATTRIBUTE = "_cms_site_data"
PAGE_DATA_KEY = "cms:page-data:{version}:{site}:{language}:{name}:{pk}:{published}"
# Set on the cached home page: the language it was localized for (see `HomePage.localized`).
LOCALIZED_FOR_ATTRIBUTE = "_cms_localized_for"


@dataclass
class SiteData:
    site: Site | None
    locale: Locale | None
    home: Page | None
    home_children: list[Page] = field(default_factory=list)
    restrictions: list[PageViewRestriction] = field(default_factory=list)
    translation_urls: dict[str, dict[str, str]] = field(default_factory=dict)
    language_codes: dict[int, str] = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)
    age_groups: list[AgeGroup] = field(default_factory=list)
    setting_vocabulary: list[CampaignSetting] = field(default_factory=list)

    @property
    def navigation(self) -> list[Page]:
        return [page for page in self.home_children if page.show_in_menus]

    def children_of(self, home: Page) -> list[Page]:
        """Live, public, specific children of `home` (the cached ones for the site's home)."""
        if self.home is not None and home.pk == self.home.pk:
            return self.home_children
        return self.public_list(home.get_children().live().specific())

    def restrictions_for(self, page: Page) -> list[PageViewRestriction]:
        """The view restrictions on `page` and its ancestors, as `get_view_restrictions`."""
        return [item for item in self.restrictions if page.path.startswith(item.page.path)]

    def is_public(self, page: Page) -> bool:
        return not self.restrictions_for(page)

    def public(self, queryset):
        """`queryset.public()` without reading every view restriction again."""
        private = Q()
        for restriction in self.restrictions:
            private |= queryset.descendant_of_q(restriction.page, inclusive=True)
        return queryset.exclude(private) if private else queryset

    def public_list(self, pages) -> list[Page]:
        return [page for page in pages if self.is_public(page)]

    def language_urls(self, page: Page) -> dict[str, str]:
        """Language code → URL of `page`'s live translations (itself included when live)."""
        urls = dict(self.translation_urls.get(str(page.translation_key), {}))
        if page.live and page.pk and self.is_public(page):
            urls[self.language_codes.get(page.locale_id, "")] = page.url
        return urls


def build_site_data(*, hostname: str, port: int, language: str) -> SiteData:
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        site = None
    with translation.override(language):
        try:
            locale = Locale.get_active()
        except Locale.DoesNotExist:  # a database without locales yet (flushed, not migrated)
            locale = None
        original = site.root_page if site else None
        home = original.localized.specific if site else None
    restrictions = list(PageViewRestriction.objects.select_related("page"))
    data = SiteData(
        site=site,
        locale=locale,
        home=home,
        restrictions=restrictions,
        language_codes=dict(Locale.objects.values_list("pk", "language_code")),
        themes=list(Theme.objects.all()),
        age_groups=list(AgeGroup.objects.all()),
        setting_vocabulary=list(CampaignSetting.objects.all()),
    )
    if home is not None:
        setattr(home, LOCALIZED_FOR_ATTRIBUTE, language)
        site.root_page = home
        data.home_children = data.public_list(home.get_children().live().specific())
        if home.pk != original.pk:  # a translated home: its original's untranslated children too
            translated = [page.translation_key for page in data.home_children]
            untranslated = original.get_children().live().exclude(translation_key__in=translated)
            data.home_children += data.public_list(untranslated.specific())
    data.translation_urls = _translation_urls(data)
    return data


def _translation_urls(data: SiteData) -> dict[str, dict[str, str]]:
    """URLs of live public pages that exist in more than one language, by translation key."""
    translated = (
        Page.objects.live()
        .values("translation_key")
        .annotate(languages=Count("pk"))
        .filter(languages__gt=1)
        .values("translation_key")
    )
    pages = Page.objects.live().filter(translation_key__in=translated)
    urls = defaultdict(dict)
    for page in data.public(pages).only("pk", "path", "url_path", "translation_key", "locale_id"):
        urls[str(page.translation_key)][data.language_codes[page.locale_id]] = page.url
    return dict(urls)


def site_data(request) -> SiteData:
    """This request's site-wide data: from the cache, or computed and stored once."""
    data = getattr(request, REQUEST_ATTRIBUTE, None)
    if data is not None:
        return data
    hostname = split_domain_port(request.get_host())[0]
    port = request.get_port()
    language = translation.get_language() or ""
    key = SITE_DATA_KEY.format(
        version=page_cache_version(), hostname=hostname, port=port, language=language
    )
    data = cache.get(key)
    if data is None:
        data = build_site_data(hostname=hostname, port=int(port), language=language)
        cache.set(key, data, SITE_DATA_SECONDS)
    setattr(request, REQUEST_ATTRIBUTE, data)
    return data


def per_publish(request, page: Page, name: str, compute):
    """`compute()`, the data `page` shows of other pages and apps, once per publish.

    What a home or topic page lists (topics, campaigns, kits, pooled evidence) changes only
    through what bumps the page cache's version (`apps.py`), so it is kept under that version,
    the site, the language and the page, for as long as a cached page. It spares the queries to
    a visitor the page cache does not serve: a logged-in one, or an address with a query
    string the page does not cache. A preview (relations being edited) or an unsaved page is
    always computed afresh; `compute` returns lists, not querysets, so that it can be stored.
    """
    if request is None or not page.pk or getattr(request, "is_preview", False):
        return compute()
    data = site_data(request)
    key = PAGE_DATA_KEY.format(
        version=page_cache_version(),
        site=data.site.pk if data.site is not None else "",
        language=translation.get_language() or "",
        name=name,
        pk=page.pk,
        published=page.last_published_at.timestamp() if page.last_published_at else "",
    )  # fmt: skip
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.CMS_PAGE_CACHE_SECONDS)
    return value


class SiteDataMiddleware:
    """Give Wagtail's page view the cached site (and through it the cached home page), and the
    other public views too: their layout links pages (`pageurl`), which otherwise looks the
    site up in the database on each request (a questionnaire, the search, a report).

    Not the admin's views, where Wagtail expects the site as stored (its root page, not the
    copy in the visitor's language the cached site carries), nor a view marked
    `without_cached_site` (the health check must answer without the cache or the pages)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if hasattr(request, "_wagtail_site"):
            return
        if view_func is not wagtail_views.serve:
            if getattr(view_func, "without_cached_site", False):
                return
            if self.admin_prefix is None:
                self.admin_prefix = reverse("wagtailadmin_home")
            if request.path.startswith(self.admin_prefix):
                return
        request._wagtail_site = site_data(request).site  # Wagtail's own per-request cache


def route_below(home: Page, request, path_components: list[str]) -> RouteResult | None:
    """Route to a page under the cached `home` in two queries, or None to let Wagtail walk.

    A child of the home page comes from the cached children (no query). Deeper, one query
    reads every page along the path, one the page itself with what its type asks for
    (`route_select_related`, `route_prefetch_related`). The ancestors are kept for the
    breadcrumb and the cached view restrictions for Wagtail's serve hook. Wagtail's own walk
    (a query and a `.specific` per level) still serves what this does not know how to: a page
    type with its own `route`, an alias, a missing level.
    """
    data = getattr(request, REQUEST_ATTRIBUTE, None)
    if data is None or data.home is None or data.home.pk != home.pk:
        return None
    if not path_components:
        if not home.live:
            raise Http404
        home.cms_view_restrictions = data.restrictions_for(home)
        return RouteResult(home)
    if len(path_components) == 1:  # a child of the home page: cached, live and public
        child = next((page for page in data.home_children if page.slug == path_components[0]), None)
        if child is not None and type(child).route is Page.route:
            child._cached_parent_obj = home
            child.cms_ancestors = [home]
            child.cms_view_restrictions = data.restrictions_for(child)
            return RouteResult(child)
    url_paths = [
        home.url_path + "".join(f"{part}/" for part in path_components[: level + 1])
        for level in range(len(path_components))
    ]
    chain = list(
        Page.objects.filter(url_path__in=url_paths, path__startswith=home.path)
        .only(
            "path",
            "depth",
            "url_path",
            "title",
            "slug",
            "live",
            "alias_of",
            "content_type",
            "locale",
        )
        .order_by("depth")
    )
    depths = [page.depth for page in chain]
    if depths != list(range(home.depth + 1, home.depth + 1 + len(path_components))):
        return None
    classes = [page.specific_class for page in chain]
    if any(model is None or model.route is not Page.route for model in classes):
        return None
    if any(page.alias_of_id for page in chain):
        return None
    target, model = chain[-1], classes[-1]
    if not target.live:
        raise Http404
    pages = model.objects.prefetch_related(*getattr(model, "route_prefetch_related", ()))
    if related := getattr(model, "route_select_related", ()):  # `select_related()` joins every FK
        pages = pages.select_related(*related)
    page = pages.get(pk=target.pk)
    ancestors = [home, *chain[:-1]]
    page._cached_parent_obj = ancestors[-1]
    page.cms_ancestors = ancestors
    page.cms_view_restrictions = data.restrictions_for(page)
    return RouteResult(page)
