"""A small fixed-window rate limit for public forms, counted in the cache (Redis at scale)."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def allow(*, scope: str, client: str, limit: int, window: int) -> bool:
    """Count one attempt by `client` in `scope`; False once `limit` is exceeded in `window` s.

    The key holds a keyed hash of the client address, never the address itself.
    """
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{client}".encode()).hexdigest()[:32]
    key = f"rate:{scope}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
