"""Talking to other servers: signed fetches of ActivityStreams documents, signed deliveries
to inboxes, WebFinger and NodeInfo. Every request goes through SafeHttpClient (SSRF guard,
timeouts, size caps, bounded redirects); this module adds the protocol rules on top."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from gazouille.activitypub.keys import InvalidKey
from gazouille.activitypub.payloads import InvalidPayload, parse_json_capped
from gazouille.activitypub.signatures import Signer, sign_request
from gazouille.activitypub.vocab import ACCEPT_AS2, ACTIVITY_JSON, host_of, is_as2_content_type
from gazouille.core.http import (
    FetchedResponse,
    HostNotFound,
    ResponseTooLarge,
    SafeHttpClient,
    UnsafeAddress,
)

MAX_OBJECT_BYTES = 1_048_576
MAX_SMALL_BYTES = 262_144
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/"
_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


class FetchError(Exception):
    """A document could not be fetched. ``permanent``: asking again will not help (404, 410,
    refused address, not ActivityStreams, spoofed id…); ``status``: the HTTP status, if any."""

    def __init__(self, message: str, *, permanent: bool, status: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.status = status


class DeliveryError(Exception):
    """An activity was not delivered. ``retryable``: try again later (5xx, 408, 429, network
    trouble); otherwise the inbox refused it for good."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


def _is_permanent_status(status: int) -> bool:
    return 400 <= status < 500 and status not in (408, 429)


def _failure(url: str, exc: Exception) -> tuple[str, bool]:
    """A transport failure's message, and whether it is permanent."""
    if isinstance(exc, HostNotFound):
        return str(exc), False
    if isinstance(exc, UnsafeAddress | ResponseTooLarge | httpx.TooManyRedirects):
        return str(exc), True
    if isinstance(exc, httpx.HTTPError):
        return f"{url}: {type(exc).__name__} {exc}", False
    return f"invalid URL {url!r}: {exc}", True


_TRANSPORT_ERRORS = (
    UnsafeAddress,
    ResponseTooLarge,
    httpx.HTTPError,
    httpx.InvalidURL,
    ValueError,
    UnicodeError,
)


def _signing(signer: Signer | None) -> Callable[[str, str, bytes | None], dict[str, str]] | None:
    if signer is None:
        return None
    return lambda method, url, body: sign_request(signer, method, url, body)


class ActivityPubClient:
    def __init__(self, http: SafeHttpClient, *, user_agent: str):
        self._http = http
        self._user_agent = user_agent

    async def _send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        body: bytes | None = None,
        signer: Signer | None = None,
        max_bytes: int,
    ) -> FetchedResponse:
        return await self._http.request(
            method,
            url,
            headers={"User-Agent": self._user_agent, **headers},
            content=body,
            sign=_signing(signer),
            max_bytes=max_bytes,
        )

    async def _fetch(
        self, url: str, *, accept: str, signer: Signer | None, max_bytes: int
    ) -> FetchedResponse:
        """A 2xx response, or FetchError with ``permanent`` telling whether retrying may help."""
        try:
            response = await self._send(
                "GET", url, headers={"Accept": accept}, signer=signer, max_bytes=max_bytes
            )
        except InvalidKey:
            raise
        except _TRANSPORT_ERRORS as exc:
            message, permanent = _failure(url, exc)
            raise FetchError(message, permanent=permanent) from None
        status = response.status_code
        if not 200 <= status < 300:
            raise FetchError(
                f"{url} answered {status}", permanent=_is_permanent_status(status), status=status
            )
        return response

    async def _get_json(
        self, url: str, *, accept: str, signer: Signer | None, max_bytes: int
    ) -> tuple[FetchedResponse, dict[str, Any]]:
        response = await self._fetch(url, accept=accept, signer=signer, max_bytes=max_bytes)
        try:
            document = parse_json_capped(response.content, max_bytes=max_bytes)
        except InvalidPayload as exc:
            raise FetchError(f"{url}: {exc}", permanent=True, status=response.status_code) from None
        return response, document

    async def fetch_object(self, url: str, *, signer: Signer | None = None) -> dict[str, Any]:
        """An ActivityStreams document. Signed GET when ``signer`` is given (servers in
        authorized-fetch mode require it). The document's id must be on the host the
        document was finally served from, so that no server can speak for another."""
        response = await self._fetch(
            url, accept=ACCEPT_AS2, signer=signer, max_bytes=MAX_OBJECT_BYTES
        )
        status = response.status_code
        if not is_as2_content_type(response.headers.get("content-type")):
            raise FetchError(
                f"{url} is not ActivityStreams ({response.headers.get('content-type')!r})",
                permanent=True,
                status=status,
            )
        try:
            document = parse_json_capped(response.content, max_bytes=MAX_OBJECT_BYTES)
        except InvalidPayload as exc:
            raise FetchError(f"{url}: {exc}", permanent=True, status=status) from None
        object_id = document.get("id")
        if not isinstance(object_id, str) or not object_id:
            raise FetchError(f"{url}: document has no id", permanent=True, status=status)
        served_from = host_of(response.url)
        if not served_from or host_of(object_id) != served_from:
            raise FetchError(
                f"{url}: id {object_id!r} is not on {served_from!r}", permanent=True, status=status
            )
        return document

    async def deliver(self, inbox_url: str, body: bytes, signer: Signer) -> None:
        """POST an activity to an inbox, signed, with its Digest."""
        try:
            response = await self._send(
                "POST",
                inbox_url,
                headers={"Content-Type": ACTIVITY_JSON, "Accept": ACCEPT_AS2},
                body=body,
                signer=signer,
                max_bytes=MAX_SMALL_BYTES,
            )
        except InvalidKey:
            raise
        except ResponseTooLarge as exc:
            # An answer too large to read is still an answer, of unknown status: retry.
            raise DeliveryError(str(exc), retryable=True) from None
        except _TRANSPORT_ERRORS as exc:
            message, permanent = _failure(inbox_url, exc)
            raise DeliveryError(message, retryable=not permanent) from None
        status = response.status_code
        if 200 <= status < 300:
            return
        raise DeliveryError(
            f"{inbox_url} answered {status}",
            retryable=not _is_permanent_status(status),
            status=status,
        )

    def _base_url(self, domain: str) -> str:
        host = domain.rsplit(":", 1)[0] if not domain.endswith("]") else domain
        if self._http.allow_private and host in _LOOPBACK_HOSTS:
            return f"http://{domain}"
        return f"https://{domain}"

    async def webfinger(self, acct: str) -> str:
        """The actor URI of ``user@domain`` (``@`` and ``acct:`` prefixes accepted)."""
        value = acct.strip()
        value = value.removeprefix("acct:").removeprefix("@")
        username, _, domain = value.partition("@")
        domain = domain.strip().lower()
        if not username or not domain or "@" in domain or "/" in domain:
            raise FetchError(f"not an account address: {acct!r}", permanent=True)
        resource = quote(f"acct:{username}@{domain}", safe=":@")
        url = f"{self._base_url(domain)}/.well-known/webfinger?resource={resource}"
        _, jrd = await self._get_json(
            url,
            accept="application/jrd+json, application/json",
            signer=None,
            max_bytes=MAX_SMALL_BYTES,
        )
        links = jrd.get("links")
        for link in links if isinstance(links, list) else []:
            if (
                isinstance(link, dict)
                and link.get("rel") == "self"
                and is_as2_content_type(link.get("type"))
                and isinstance(link.get("href"), str)
                and link["href"].startswith(("https://", "http://"))
            ):
                return str(link["href"])
        raise FetchError(f"{acct}: no ActivityPub actor in the WebFinger answer", permanent=True)

    async def nodeinfo(self, domain: str) -> tuple[str | None, str | None]:
        """(software name, version) from the domain's NodeInfo; (None, None) on any trouble."""
        try:
            _, index = await self._get_json(
                f"{self._base_url(domain.lower())}/.well-known/nodeinfo",
                accept="application/json",
                signer=None,
                max_bytes=MAX_SMALL_BYTES,
            )
            links = index.get("links")
            hrefs = sorted(
                (str(link.get("rel")), link["href"])
                for link in (links if isinstance(links, list) else [])
                if isinstance(link, dict)
                and str(link.get("rel", "")).startswith(NODEINFO_SCHEMA)
                and isinstance(link.get("href"), str)
            )
            if not hrefs:
                return None, None
            _, info = await self._get_json(
                hrefs[-1][1], accept="application/json", signer=None, max_bytes=MAX_SMALL_BYTES
            )
        except FetchError:
            return None, None
        software = info.get("software")
        if not isinstance(software, dict):
            return None, None
        name, version = software.get("name"), software.get("version")
        return (
            name[:100] if isinstance(name, str) and name else None,
            version[:100] if isinstance(version, str) and version else None,
        )
