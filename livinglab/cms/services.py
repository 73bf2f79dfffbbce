"""Writes of the public side: receiving testimonies (with a per-address rate limit)."""

import hashlib
from typing import Literal

from django.conf import settings
from django.core.cache import cache

from livinglab.cms.models import ExperienceIndexPage, Testimony

Outcome = Literal["received", "invalid", "rate_limited"]


def submission_allowed(*, client_ip: str) -> bool:
    """Count a submission from this address; False once it exceeds the hourly allowance."""
    limit, window = settings.CMS_TESTIMONY_RATE_LIMIT
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{client_ip}".encode()).hexdigest()[:32]
    key = f"cms:testimony-rate:{digest}"  # a hash: the address itself is never stored
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def testimony_receive(*, page: ExperienceIndexPage, form, client_ip: str) -> Outcome:
    """Store a valid testimony as pending; drop automated ones while telling them it worked."""
    if not submission_allowed(client_ip=client_ip):
        return "rate_limited"
    if not form.is_valid():
        return "invalid"
    if form.looks_automated():
        return "received"
    testimony = form.save(commit=False)
    testimony.page = page
    testimony.status = Testimony.Status.PENDING
    testimony.save()
    return "received"
