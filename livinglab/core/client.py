"""The client's address, for rate limits and django-axes: one answer, from django-ipware.

By default only the socket address (REMOTE_ADDR) counts, so a forged X-Forwarded-For header
changes nothing. Behind reverse proxies, TRUSTED_PROXY_COUNT says how many may be believed
(settings/base.py, README "Running at scale").
"""

from ipware import get_client_ip


def client_address(request) -> str | None:
    """The client's IP address, or None when the request carries none (django-axes stores it
    in an address column, so it must be a valid address or nothing)."""
    address, _routable = get_client_ip(request)  # configured by the IPWARE_* settings
    return address or None
