"""The address a request came from, as far as this portal can trust it.

One rule for the per-IP limits (pembinaan.lib.ratelimit) and for django-axes's lockouts
(AXES_CLIENT_IP_CALLABLE), so that a reverse proxy is handled alike by both.

With TRUSTED_PROXY_COUNT = 0 the portal takes connections straight from browsers: the address is the
connection's (REMOTE_ADDR) and X-Forwarded-For is ignored, since anyone can write that header.

With N trusted proxies (nginx on the same server: 1), each proxy appends to X-Forwarded-For the
address it received the request from, so the N-th entry from the right is the one our outermost
proxy saw: the client. Entries further left were written by the client itself and are ignored, so
nobody can pick an address to dodge a limit or to lock out someone else. django-ipware reads the
header (IPv6, ports, RFC 7239 forms); its `proxy_count` counts the hops after the client in the
header, which is one less than our proxies because the innermost proxy is REMOTE_ADDR, not an entry.
Entries it cannot parse are skipped, not fatal (strict=False): in strict mode a client could send
garbage and be counted as the proxy, with everyone else.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_address(request: HttpRequest) -> str | None:
    """The client's address under TRUSTED_PROXY_COUNT (see the module's docstring); None if unknown."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=("HTTP_X_FORWARDED_FOR",),
            strict=False,
            algorithm="modern",
        )
        if address:
            return address
        # No header, or fewer hops than proxies: the request did not come through them all, and
        # the connection's own address is the only one nobody could write.
    return request.META.get("REMOTE_ADDR") or None
