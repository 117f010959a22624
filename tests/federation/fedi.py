"""Helpers of the inbox and remote-resolution tests: remote servers played by an in-memory
fetcher (no request leaves the process), remote actors with real key pairs, signed POSTs to
our inboxes, and the jobs run in place (those that would reach the network left out).

Test modules import the fixtures (``fedi``, ``peer_keys``) by their function names:
``from tests.federation.fedi import fedi_fixture, peer_keys_fixture``."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from gazouille.activitypub.client import FetchError
from gazouille.activitypub.keys import KeyPair, generate_key_pair
from gazouille.activitypub.signatures import Signer, sign_request
from gazouille.federation import inbox, remote
from gazouille.main import build_registry
from gazouille.models import Account, InboxActivity, Status
from gazouille.worker.runtime import JobContext, Registry, run_pending
from tests.conftest import BASE_URL, Api

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activitypub"
# Jobs that would talk to other servers: never run by these tests.
NETWORK_JOBS = {"cards.fetch", "federation.publish", "federation.deliver"}


def load(name: str, **values: str) -> dict[str, Any]:
    """A fixture with its placeholders (``__LOCAL__``, ``__STATUS__``…) filled in."""
    text = (FIXTURES / f"{name}.json").read_text()
    values = {"local": BASE_URL, **values}
    for key, value in values.items():
        text = text.replace(f"__{key.upper()}__", json.dumps(value)[1:-1])
    document: dict[str, Any] = json.loads(text)
    return document


class FakeServers:
    """What the remote servers would answer: documents by URL, WebFinger by acct."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, str] = {}
        self.fetched: list[str] = []

    def serve(self, document: dict[str, Any], url: str | None = None) -> None:
        self.documents[url or document["id"]] = copy.deepcopy(document)

    async def fetch_object(self, url: str, *, signer: Signer | None = None) -> dict[str, Any]:
        self.fetched.append(url)
        found = self.documents.get(url.split("#", 1)[0])
        if found is None:
            raise FetchError(f"{url} answered 404", permanent=True, status=404)
        return copy.deepcopy(found)

    async def webfinger(self, acct: str) -> str:
        found = self.accounts.get(acct.removeprefix("acct:").lstrip("@").lower())
        if found is None:
            raise FetchError(f"{acct}: not found", permanent=True, status=404)
        return found


@dataclass
class Peer:
    """A remote actor: its document and its keys."""

    doc: dict[str, Any]
    keys: KeyPair

    @property
    def uri(self) -> str:
        return str(self.doc["id"])

    @property
    def key_id(self) -> str:
        return str(self.doc["publicKey"]["id"])

    @property
    def signer(self) -> Signer:
        return Signer(self.key_id, self.keys.private_pem)


@dataclass
class Fedi:
    api: Api
    app: Any
    servers: FakeServers
    keys: list[KeyPair]
    registry: Registry = field(default_factory=Registry)

    @property
    def db(self) -> Any:
        return self.app.state.gazouille.db

    def peer(self, fixture: str = "mastodon/actor", *, keys: int = 0, serve: bool = True,
             **changes: Any) -> Peer:  # fmt: skip
        pair = self.keys[keys]
        doc = load(fixture, public_key=pair.public_pem)
        doc.update(changes)
        found = Peer(doc, pair)
        if serve:
            self.servers.serve(doc)
            key_url = found.key_id.split("#", 1)[0]
            if key_url != found.uri:
                # As GoToSocial: the key's own URL shows a stub of the actor with the key.
                stub = {k: doc[k] for k in ("@context", "id", "type", "publicKey")}
                self.servers.serve(stub, key_url)
        return found

    def peer_at(self, uri: str, *, keys: int = 1, **changes: Any) -> Peer:
        """Another actor like ``mastodon/actor``, at ``uri`` with its own key (``#main-key``)."""
        key = {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": self.keys[keys].public_pem}
        return self.peer(keys=keys, id=uri, publicKey=key, **changes)

    async def post(
        self,
        activity: dict[str, Any] | bytes,
        peer: Peer,
        *,
        path: str = "/inbox",
        signer: Signer | None = None,
        now: datetime | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
        signed = sign_request(signer or peer.signer, "POST", f"{BASE_URL}{path}", body, now=now)
        sent = {"Content-Type": "application/activity+json", **signed, **(headers or {})}
        return await self.api.client.post(path, content=body, headers=sent)

    async def deliver(self, activity: dict[str, Any], peer: Peer, **kwargs: Any) -> None:
        """POST, expect 202, and run the jobs it caused."""
        response = await self.post(activity, peer, **kwargs)
        assert response.status_code == 202, response.text
        await self.run_jobs()

    async def run_jobs(self) -> int:
        state = self.app.state.gazouille
        return await run_pending(JobContext(state.db, state.pubsub), self.registry)

    async def activities(self) -> list[InboxActivity]:
        async with self.db.read() as session:
            rows = await session.execute(select(InboxActivity).order_by(InboxActivity.id))
            return list(rows.scalars())

    async def account(self, uri: str) -> Account | None:
        async with self.db.read() as session:
            found = await session.execute(select(Account).where(Account.uri == uri))
            return found.scalar_one_or_none()

    async def status(self, uri: str) -> Status | None:
        async with self.db.read() as session:
            found = await session.execute(select(Status).where(Status.uri == uri))
            return found.scalar_one_or_none()


def _registry() -> Registry:
    full = build_registry()
    registry = Registry()
    for kind in full.kinds:
        handler = full.get(kind)
        if kind not in NETWORK_JOBS and handler is not None:
            registry.register(kind, handler)
    for kind, handler in inbox.JOBS.items():
        registry.register(kind, handler)
    return registry


@pytest.fixture(scope="session", name="peer_keys")
def peer_keys_fixture() -> list[KeyPair]:
    return [generate_key_pair(), generate_key_pair()]


@pytest.fixture(name="fedi")
async def fedi_fixture(app: Any, api: Api, peer_keys: list[KeyPair]) -> AsyncIterator[Fedi]:
    if not any(getattr(r, "path", None) == "/inbox" for r in app.routes):
        app.include_router(inbox.router)
    servers = FakeServers()
    remote.set_fetcher_factory(lambda: servers)
    try:
        yield Fedi(api, app, servers, peer_keys, _registry())
    finally:
        remote.set_fetcher_factory(None)
