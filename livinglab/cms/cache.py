"""Anonymous page cache: keys by site, language and URL under a version bumped on publish.

Only responses that a page marked cacheable (see `CachedPageMixin`) are stored, and only for
requests without a session cookie, so a stored page never comes from a logged-in view, a
preview or a draft, and serving it touches neither the session nor the page tables.

The version and the pages live in Django's default cache. It must be shared by every process
that serves pages or changes them (web workers, Celery workers, commands): the production
settings use Redis (`CACHE_URL`) or else the database cache, never a per-process memory cache,
and `check --deploy` warns about one (`cms.W001`). Otherwise a bump made in one process leaves
the others serving an unpublished page until it expires.

The site-wide data of the pages (`sitewide.py`: site, home page, navigation, view restrictions,
language links, filter vocabularies) is cached under the same version, so whatever retires the
pages retires it too.
"""

import hashlib
import time

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse

VERSION_KEY = "cms:pages:version"
CACHEABLE_ATTRIBUTE = "cms_page_cacheable"
KEPT_HEADERS = ("Content-Type", "Content-Language")


def mark_cacheable(request, *, query_parameters=()) -> None:
    """Let the middleware store this response if the request's query string holds only
    `query_parameters` (the page's own: a listing's filters and page number).

    Anything else (`?utm_source=…`, `?x=<random>`) is rendered but never stored: a crawler or
    an attacker could otherwise fill the shared cache with copies of one page and evict the
    pages people read.
    """
    setattr(request, CACHEABLE_ATTRIBUTE, frozenset(query_parameters))


# A cache shared by nothing but its own process: a bump would reach one process only.
PER_PROCESS_CACHE = "django.core.cache.backends.locmem.LocMemCache"
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def page_cache_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        if not cache.add(VERSION_KEY, version, timeout=None):  # another process was first
            version = cache.get(VERSION_KEY) or version
    return version


def _new_version() -> None:
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)


def bump_page_cache_version(**_signal_kwargs) -> None:
    """Forget every cached page, for every process sharing the cache.

    Called on publish, unpublish, moderation, campaign edits, results publication and erasure,
    in whatever process makes the change. Inside a transaction the version is bumped again once
    it commits: a page rendered from the old rows in between is stored under the version of the
    first bump, which the second one retires.
    """
    _new_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_new_version, robust=True)
    from livinglab.cms.warming import schedule_warming

    schedule_warming()  # with CMS_WARM_PAGES, the pages are rendered again once it commits


def create_cache_tables(*, using: str = "default", **_signal_kwargs) -> None:
    """`createcachetable` after `migrate` (post_migrate): the database cache's table exists
    wherever the schema does. Nothing to do with another cache backend."""
    if any(options["BACKEND"] == DATABASE_CACHE for options in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


def check_shared_cache(app_configs=None, **_kwargs) -> list[checks.CheckMessage]:
    """Deployment check: the page cache must be shared by every worker."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend != PER_PROCESS_CACHE:
        return []
    return [
        checks.Warning(
            f"The default cache ({backend}) lives in each process: publishing, unpublishing or "
            "withdrawing reaches one web worker only, and the others keep serving the old page.",
            hint="Set CACHE_URL to Redis (redis://host:6379/1), or leave it unset in production "
            "for the database cache (manage.py createcachetable).",
            id="cms.W001",
        )
    ]


def is_anonymous_get(request) -> bool:
    """A visitor's GET without a session; never Wagtail's preview (a dummy request, which
    carries no cookie when made without the editor's request)."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not getattr(request, "is_dummy", False)
    )


def page_cache_key(request) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    address = f"{request.get_host()}|{language}|{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"cms:page:{page_cache_version()}:{digest}"


def should_store(request, response) -> bool:
    allowed = getattr(request, CACHEABLE_ATTRIBUTE, None)
    return (
        allowed is not None
        and allowed.issuperset(request.GET)
        and response.status_code == 200
        and not response.cookies
        and not response.streaming
        and not request.user.is_authenticated
    )


class AnonymousPageCacheMiddleware:
    """Serve marked Wagtail pages from the cache to anonymous visitors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_anonymous_get(request):
            return self.get_response(request)
        key = page_cache_key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if should_store(request, response):
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            cache.set(key, (response.content, headers), settings.CMS_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
