"""Anonymous page cache: keys by site, language and URL under a version bumped on publish.

Only responses that a page marked cacheable (see `CachedPageMixin`) are stored, and only for
requests without a session cookie, so a stored page never comes from a logged-in view, a
preview or a draft, and serving it touches neither the session nor the database.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

VERSION_KEY = "cms:pages:version"
CACHEABLE_ATTRIBUTE = "cms_page_cacheable"
KEPT_HEADERS = ("Content-Type", "Content-Language")


def mark_cacheable(request) -> None:
    setattr(request, CACHEABLE_ATTRIBUTE, True)


def page_cache_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, timeout=None)
    return version


def bump_page_cache_version(**_signal_kwargs) -> None:
    """Forget every cached page (called on publish, unpublish, moderation, campaign edits)."""
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)


def is_anonymous_get(request) -> bool:
    return request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES


def page_cache_key(request) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    address = f"{request.get_host()}|{language}|{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"cms:page:{page_cache_version()}:{digest}"


def should_store(request, response) -> bool:
    return (
        getattr(request, CACHEABLE_ATTRIBUTE, False)
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
