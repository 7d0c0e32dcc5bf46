"""The client's address behind a reverse proxy, believed only from the proxies configured.

``X-Forwarded-For`` and ``Forwarded`` are plain request headers: anyone can send them. They are
read only when the request comes from an address in ``INSPRAAK_TRUSTED_PROXIES``, and then from
the right (the hop the nearest proxy added) leftwards, past every trusted proxy, to the first
address that is not one: that is the client, whatever the client wrote further left. It
replaces ``scope["client"]`` in place, so the login limits and the access log both see it.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

Network = IPv4Network | IPv6Network


def _host(value: str) -> str:
    """The address of one hop: ``"[2001:db8::1]:4711"`` → ``2001:db8::1``, ``1.2.3.4:80`` →
    ``1.2.3.4``."""
    value = value.strip().strip('"')
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        return value.split(":")[0]
    return value


def forwarded_chain(headers: Headers) -> list[str]:
    """The hops a request passed, client first: from ``Forwarded`` (RFC 7239) when present,
    else from ``X-Forwarded-For``."""
    hops: list[str] = []
    forwarded = headers.getlist("forwarded")
    if forwarded:
        for element in ",".join(forwarded).split(","):
            for pair in element.split(";"):
                key, _, value = pair.partition("=")
                if key.strip().lower() == "for":
                    hops.append(_host(value))
        return hops
    for header in headers.getlist("x-forwarded-for"):
        hops.extend(_host(each) for each in header.split(",") if each.strip())
    return hops


class TrustedProxies:
    """Sets the client address from the forwarding headers of trusted proxies only."""

    def __init__(self, app: ASGIApp, networks: Sequence[Network] = ()) -> None:
        self.app = app
        self.networks = tuple(networks)

    def trusted(self, host: str) -> bool:
        try:
            address = ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def client_of(self, peer: str, headers: Headers) -> str:
        if not self.trusted(peer):
            return peer
        hops = forwarded_chain(headers)
        for hop in reversed(hops):
            if not self.trusted(hop):
                return hop
        return hops[0] if hops else peer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if self.networks and scope["type"] in ("http", "websocket") and client:
            found = self.client_of(client[0], Headers(scope=scope))
            if found != client[0]:
                scope["client"] = (found, 0)
        await self.app(scope, receive, send)
