"""The address a request comes from: the one door for the objection limits, the sign-in lock and the audit log.

Behind nginx (docs/deploy.md) every connection comes from nginx's own address, and X-Forwarded-For is what
the client sent with nginx's `$proxy_add_x_forwarded_for` appending the address nginx saw. The client
writes everything left of what our own proxies add, so only the right end can be believed: walk it from
the right, passing over the proxies named in TRUSTED_PROXIES, and the first address that is not one of
them is the client. Without TRUSTED_PROXIES (the default) there is no proxy to believe and the
connection's address is the client, whatever the header says.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=8)
def _networks(entries):
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks):
    return any(address in network for network in networks)


def client_address(request):
    """The client's IP address as text; "" when the connection has none (a test or a unix socket)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    nearest = _address(remote)
    if nearest is None or not _trusted(nearest, networks):
        return remote[:64]
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            # Our proxies only ever append addresses: anything else was written by the client, so the
            # last proxy we passed is the best we know.
            break
        nearest = address
        if not _trusted(address, networks):
            break
    return str(nearest)
