"""The one way out: outgoing HTTP for link cards, federation and remote media.

Remote servers are hostile by default. Every request has connect/read timeouts, a response
size cap and a bounded number of redirects, and connects only to public addresses: the host is
resolved here and every address is checked (no loopback, private, link-local, multicast or
reserved ranges) before the connection is made to that very address, so DNS rebinding cannot
slip a private address in between the check and the connection. Tests and local development
may allow private addresses with ``GAZOUILLE_ALLOW_PRIVATE_ADDRESSES=true``. TLS
certificates are checked against certifi's bundle, or the ``SSL_CERT_FILE``/``SSL_CERT_DIR``
of the environment when set (httpx reads them).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import anyio
import httpcore
import httpx

from gazouille import __version__

USER_AGENT = f"Gazouille/{__version__} (+https://github.com/gazouille/gazouille)"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3


class UnsafeAddress(Exception):
    """The host resolves to an address we refuse to connect to."""


class HostNotFound(UnsafeAddress):
    """The host does not resolve (possibly a passing DNS failure)."""


class ResponseTooLarge(Exception):
    pass


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def resolve_public(host: str, port: int, *, allow_private: bool) -> list[str]:
    """The addresses of ``host``; UnsafeAddress if any of them is not public."""
    try:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise HostNotFound(f"cannot resolve {host}: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise HostNotFound(f"{host} has no address")
    if not allow_private:
        refused = [a for a in addresses if not is_public_address(a)]
        if refused:
            raise UnsafeAddress(f"{host} resolves to a non-public address ({refused[0]})")
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, with the address check at connection time."""

    def __init__(self, allow_private: bool):
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve_public(host, port, allow_private=self._allow_private)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise UnsafeAddress("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@dataclass
class FetchedResponse:
    url: str
    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


class SafeHttpClient:
    """An httpx client that only reaches public addresses, with caps on everything."""

    def __init__(self, *, allow_private: bool = False, timeout: float = 10.0):
        self.allow_private = allow_private
        transport = httpx.AsyncHTTPTransport(retries=0)
        # httpx has no public hook for the network backend; the pool it builds takes one.
        transport._pool._network_backend = GuardedBackend(allow_private)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=5.0),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        sign: Callable[[str, str, bytes | None], dict[str, str]] | None = None,
    ) -> FetchedResponse:
        """``sign(method, url, content)``, when given, returns headers computed for each hop
        (HTTP signatures cover the target, so a redirect must be signed anew)."""
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise UnsafeAddress(f"refusing to fetch {url!r}")
            hop_headers = dict(headers or {})
            if sign is not None:
                hop_headers.update(sign(method, url, content))
            async with self._client.stream(
                method, url, headers=hop_headers, content=content
            ) as response:
                if (
                    response.status_code in (301, 302, 303, 307, 308)
                    and "location" in response.headers
                ):
                    url = urljoin(url, response.headers["location"])
                    if response.status_code == 303:
                        method, content = "GET", None
                    continue
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise ResponseTooLarge(f"{url} declares {declared} bytes")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise ResponseTooLarge(f"{url} is larger than {max_bytes} bytes")
                return FetchedResponse(
                    str(response.url), response.status_code, response.headers, bytes(body)
                )
        raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects from {url}")

    async def get(self, url: str, **kwargs: Any) -> FetchedResponse:
        return await self.request("GET", url, **kwargs)

    async def aclose(self) -> None:
        await self._client.aclose()
