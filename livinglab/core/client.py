"""The client's address, for rate limits and django-axes: one answer, from django-ipware.

By default only the socket address (REMOTE_ADDR) counts, so a forged X-Forwarded-For header
changes nothing. Behind reverse proxies, TRUSTED_PROXY_COUNT (and optionally
TRUSTED_PROXY_IPS) say how many proxies, and which, may be believed (README, "Deploying").
"""

from django.conf import settings
from ipware import get_client_ip


def client_address(request) -> str:
    """The client's IP address as a string, "unknown" when none can be trusted."""
    address, _routable = get_client_ip(
        request,
        proxy_order="right-most",
        proxy_trusted_ips=getattr(settings, "TRUSTED_PROXY_IPS", None) or None,
    )
    return address or "unknown"
