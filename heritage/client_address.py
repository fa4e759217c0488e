"""Who is knocking: the visitor's address as login throttling counts it, read from behind
the number of reverse proxies the deployment trusts (`TRUSTED_PROXY_COUNT`)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# An IPv6 client holds a whole /64; counting its single addresses would let it rotate freely.
IPV6_CLIENT_PREFIX = 64


def client_address(request: HttpRequest) -> str | None:
    """The address the nearest trusted proxy saw, or REMOTE_ADDR when none is trusted.

    Each proxy appends the address it was connected from to X-Forwarded-For, so with N
    trusted proxies the client is the Nth entry from the right; anything further left was
    written by the client and may be forged. A header with fewer entries than proxies, or
    an entry that is not an address, did not come through them all: REMOTE_ADDR it is.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(hops) >= proxies:
            forwarded = _parsed(hops[-proxies])
            if forwarded is not None:
                return forwarded
    return _parsed(remote)


def _parsed(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False).network_address)
    return str(address)
