"""Behind a reverse proxy: believe X-Forwarded-Proto/Host/For, but only from the proxies
listed in GAZOUILLE_TRUSTED_PROXIES. The scheme and Host then match the public URL the
client used, which HTTP signatures (the signed Host) and absolute links depend on."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


def parse_networks(value: str | Iterable[str]) -> list[Network]:
    """Addresses or networks, comma- or space-separated; ValueError names a bad entry."""
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an address or network: {item!r}") from None
    return networks


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("["):  # [v6]:port
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class TrustedProxyMiddleware:
    def __init__(self, app: ASGIApp, trusted: str | Iterable[str]) -> None:
        self.app = app
        self.networks = parse_networks(trusted)

    def _trusted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if (
            scope["type"] in ("http", "websocket")
            and client
            and self._trusted(_address(str(client[0])))
        ):
            scope = self._rewrite(scope)
        await self.app(scope, receive, send)

    def _rewrite(self, scope: Scope) -> dict[str, Any]:
        headers: list[tuple[bytes, bytes]] = list(scope.get("headers", []))
        found: dict[bytes, str] = {}
        for name, value in headers:
            if name in (b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-for"):
                # Several headers of one name count as one comma-separated list.
                previous = found.get(name)
                decoded = value.decode("latin-1")
                found[name] = f"{previous},{decoded}" if previous else decoded
        scope = dict(scope)

        # The last value is the one our own proxy appended or set; earlier ones came from
        # the client side and are not believed.
        proto = found.get(b"x-forwarded-proto", "").split(",")[-1].strip().lower()
        if proto in ("http", "https", "ws", "wss"):
            secure = proto in ("https", "wss")
            if scope["type"] == "websocket":
                scope["scheme"] = "wss" if secure else "ws"
            else:
                scope["scheme"] = "https" if secure else "http"

        host = found.get(b"x-forwarded-host", "").split(",")[-1].strip()
        if host and _HOST.match(host):
            headers = [(n, v) for n, v in headers if n != b"host"]
            headers.append((b"host", host.encode("latin-1")))
            scope["headers"] = headers

        chain = [a for a in found.get(b"x-forwarded-for", "").split(",") if a.strip()]
        client_address = None
        for item in reversed(chain):
            address = _address(item)
            if address is None:
                break
            client_address = address
            if not self._trusted(address):
                break
        if client_address is not None:
            scope["client"] = (str(client_address), 0)
        return scope
