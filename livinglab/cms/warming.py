"""Render the public pages into the page cache after a publish or a deploy.

Every publish bumps the page cache's version (`cache.bump_page_cache_version`): the next visitor
of each page pays its rendering (80–150 ms on two cores, more while many arrive at once). With
`CMS_WARM_PAGES` on (the production default) the bump also queues `cms.warm_pages` on the Celery
worker, a few seconds later and once for a burst of bumps; `manage.py warm_pages` does the same
after a deploy. Both request every live, public, cacheable page in every language through the
whole middleware stack, as an anonymous visitor would, at each public base URL
(`CMS_WARM_BASE_URLS`, by default `WAGTAILADMIN_BASE_URL`): the page cache keys pages by the
host visitors use, so warming must use it too.

A page restricted to some visitors, a page with a form, a preview or a listing's filter
combination is never warmed: the page cache does not keep them. If the version changes while
warming, the rest is left to the warming that change queued.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from livinglab.cms.cache import page_cache_version

logger = logging.getLogger(__name__)

SCHEDULED_KEY = "cms:pages:warm-scheduled"
WARMED_KEY = "cms:pages:warmed-version"  # the version whose pages were all rendered


@dataclass
class WarmReport:
    warmed: int = 0  # pages rendered and stored
    already: int = 0  # pages the cache already held under this version
    failed: list[str] = field(default_factory=list)  # "URL: status"
    stopped: bool = False  # the version changed while warming
    seconds: float = 0.0


def cacheable_page_models() -> list[type]:
    from wagtail.models import get_page_models

    from livinglab.cms.models.base import CachedPageMixin

    return [
        model
        for model in get_page_models()
        if issubclass(model, CachedPageMixin) and model.cache_anonymous
    ]


def site_for(base_url: str):
    """The Wagtail site a visitor of `base_url` is served (its host, else the default site)."""
    from django.test import RequestFactory
    from wagtail.models import Site

    parts = urlsplit(base_url)
    request = RequestFactory().get("/", HTTP_HOST=parts.netloc)
    return Site.find_for_request(request)


def page_paths(site) -> list[str]:
    """The paths of the site's live, public, cacheable pages, in every language, home first."""
    from wagtail.models import Page

    pages = (
        Page.objects.live()
        .public()
        .type(*cacheable_page_models())
        .select_related("locale")
        .order_by("depth", "path")
    )
    paths = []
    for page in pages[: settings.CMS_WARM_PAGES_LIMIT]:
        parts = page.get_url_parts()
        if parts is not None and parts[0] == site.pk:
            paths.append(parts[2])
    return paths


def warm_pages(*, base_urls: list[str] | None = None) -> WarmReport:
    """Request every cacheable page at each base URL as an anonymous visitor (see above)."""
    from django.test import Client

    started = time.perf_counter()
    report = WarmReport()
    version = page_cache_version()
    base_urls = base_urls or settings.CMS_WARM_BASE_URLS
    done = (version, sorted(base_urls))
    if cache.get(WARMED_KEY) == done:
        report.seconds = time.perf_counter() - started
        return report  # a warming queued before the last one ran: nothing changed since
    for base_url in base_urls:
        parts = urlsplit(base_url)
        site = site_for(base_url)
        if site is None:
            continue
        secure = parts.scheme == "https" or settings.SECURE_SSL_REDIRECT
        client = Client(HTTP_HOST=parts.netloc)
        for path in page_paths(site):
            if page_cache_version() != version:
                report.stopped = True
                break
            response = client.get(path, secure=secure)
            status = response.get("X-Page-Cache")
            if status == "miss":
                report.warmed += 1
            elif status == "hit":
                report.already += 1
            else:  # not stored: an error, a redirect, a page that declined the cache
                report.failed.append(f"{base_url.rstrip('/')}{path}: {response.status_code}")
    if not report.stopped and not report.failed:
        cache.set(WARMED_KEY, done, settings.CMS_PAGE_CACHE_SECONDS)
    report.seconds = time.perf_counter() - started
    return report


def schedule_warming() -> None:
    """Queue one warming a few seconds after this change commits (one for a burst of them).

    Called with every bump of the page cache's version when `CMS_WARM_PAGES` is on. A broker
    that is down must not fail the publish: the pages are then rendered by their visitors.
    """
    if not settings.CMS_WARM_PAGES:
        return
    transaction.on_commit(_enqueue, robust=True)


def _enqueue() -> None:
    from livinglab.cms.tasks import warm_pages_task

    delay = settings.CMS_WARM_DELAY_SECONDS
    if not cache.add(SCHEDULED_KEY, 1, timeout=delay):
        return  # a warming is already due after this one's delay: it reads the newest version
    try:
        warm_pages_task.apply_async(countdown=delay, retry=False)
    except Exception:  # noqa: BLE001 - broker down: visitors render the pages, as without it
        cache.delete(SCHEDULED_KEY)
        logger.warning("page cache warming not queued", exc_info=True)
