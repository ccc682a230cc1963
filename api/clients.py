"""Who is asking: the client's address and whether it came over https, believing proxy headers only
from the proxies named in ADVISOR_TRUSTED_PROXIES.

X-Forwarded-For is read from the right: each hop a trusted proxy added is skipped, and the first
address a trusted proxy did not vouch for is the client. Anyone can send the header, so without
trusted proxies it is ignored and the peer address is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import HTTPConnection


@lru_cache(maxsize=16)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(proxies))


def _peer(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else ""


def _from_trusted_proxy(connection: HTTPConnection) -> tuple[str, ...] | None:
    proxies = connection.app.state.settings.trusted_proxies
    if proxies and _trusted(_peer(connection), proxies):
        return proxies
    return None


def client_ip(connection: HTTPConnection) -> str:
    """The client's address: the peer, or behind trusted proxies the address they forwarded."""
    peer = _peer(connection)
    proxies = _from_trusted_proxy(connection)
    if proxies is None:
        return peer or "unknown"
    hops = [hop.strip() for hop in ",".join(connection.headers.getlist("x-forwarded-for")).split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            address = str(ipaddress.ip_address(hop.split("%")[0]))
        except ValueError:
            return peer  # garbage in the header: believe nothing beyond the proxy
        if not _trusted(address, proxies):
            return address
    return hops[0] if hops else peer


def is_https(connection: HTTPConnection) -> bool:
    """True over TLS, or when a trusted proxy says the client used https (X-Forwarded-Proto)."""
    if connection.url.scheme in ("https", "wss"):
        return True
    if _from_trusted_proxy(connection) is None:
        return False
    proto = connection.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return proto == "https"
