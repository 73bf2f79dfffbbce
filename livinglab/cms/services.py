"""Writes of the public side: receiving testimonies (with a per-address rate limit)."""

from typing import Literal

from django.conf import settings

from livinglab.cms.models import ExperienceIndexPage, Testimony
from livinglab.core import ratelimit

Outcome = Literal["received", "invalid", "rate_limited"]


def submission_allowed(*, client_ip: str) -> bool:
    """Count a submission from this address; False once it exceeds the hourly allowance."""
    limit, window = settings.CMS_TESTIMONY_RATE_LIMIT
    return ratelimit.allow(scope="testimony", client=client_ip, limit=limit, window=window)


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
