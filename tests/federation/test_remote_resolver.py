"""Looking up remote accounts and posts (WebFinger, actor and post URLs) through the resolver
the API's search uses, and how remote accounts then show in the Mastodon API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from gazouille.core import clock
from gazouille.core.ids import new_id
from gazouille.domains.federation.resolver import set_resolver
from gazouille.federation.remote import FederationResolver
from gazouille.models import Account, DomainBlock
from tests.conftest import Api
from tests.federation.fedi import Fedi, fedi_fixture, load, peer_keys_fixture  # noqa: F401

MARIE = "https://mastodon.example/users/marie"


@pytest.fixture
def resolver(fedi: Fedi, settings: Any) -> Iterator[FederationResolver]:
    found = FederationResolver(fedi.db, settings)
    set_resolver(found)
    yield found
    set_resolver(None)


async def test_resolve_an_account_by_webfinger(fedi: Fedi, resolver: FederationResolver) -> None:
    fedi.peer()
    fedi.servers.accounts["marie@mastodon.example"] = MARIE
    account_id = await resolver.resolve_account("@marie@mastodon.example")
    assert account_id is not None
    again = await resolver.resolve_account("acct:Marie@Mastodon.example")
    assert again == account_id
    assert fedi.servers.fetched.count(MARIE) == 1  # fresh: not fetched twice
    assert await resolver.resolve_account("nobody@mastodon.example") is None


async def test_a_stale_account_is_refreshed(fedi: Fedi, resolver: FederationResolver) -> None:
    marie = fedi.peer()
    fedi.servers.accounts["marie@mastodon.example"] = MARIE
    await resolver.resolve_account("marie@mastodon.example")
    async with fedi.db.write() as session:
        await session.execute(
            update(Account)
            .where(Account.uri == MARIE)
            .values(fetched_at=clock.now() - timedelta(days=2))
        )
    fedi.servers.serve({**marie.doc, "name": "Marie S. Curie"})
    await resolver.resolve_account("marie@mastodon.example")
    account = await fedi.account(MARIE)
    assert account is not None and account.display_name == "Marie S. Curie"


async def test_resolve_by_actor_url_and_post_url(fedi: Fedi, resolver: FederationResolver) -> None:
    fedi.peer()
    note = load("mastodon/create_note")["object"]
    fedi.servers.serve(note)
    fedi.servers.serve(note, note["url"])  # the HTML URL answers AS2 too (negotiation)
    assert await resolver.resolve_account(MARIE) is not None
    status_id = await resolver.resolve_status(note["url"])
    assert status_id is not None
    assert await resolver.resolve_status(note["id"]) == status_id
    assert await resolver.resolve_status("https://mastodon.example/users/marie/statuses/9") is None


async def test_a_post_served_for_another_author_is_refused(
    fedi: Fedi, resolver: FederationResolver
) -> None:
    fedi.peer()
    lain = fedi.peer("pleroma/actor", keys=1)
    note = {**load("mastodon/create_note")["object"], "attributedTo": lain.uri}
    fedi.servers.serve(note)
    assert await resolver.resolve_status(note["id"]) is None


async def test_suspended_domains_are_not_asked(fedi: Fedi, resolver: FederationResolver) -> None:
    async with fedi.db.write() as session:
        session.add(DomainBlock(id=new_id(), domain="mastodon.example", severity="suspend"))
    fedi.peer()
    fedi.servers.accounts["marie@mastodon.example"] = MARIE
    assert await resolver.resolve_account("marie@mastodon.example") is None
    assert await resolver.resolve_account(MARIE) is None
    assert fedi.servers.fetched == []


async def test_federation_off_resolves_nothing(fedi: Fedi, settings: Any) -> None:
    fedi.peer()
    off = FederationResolver(fedi.db, settings.model_copy(update={"federation": False}))
    assert await off.resolve_account(MARIE) is None
    assert fedi.servers.fetched == []


async def test_search_with_resolve_shows_the_remote_account_like_a_local_one(
    fedi: Fedi, api: Api, alice: str, resolver: FederationResolver
) -> None:
    fedi.peer()
    fedi.servers.accounts["marie@mastodon.example"] = MARIE
    r = await api.get(
        "/api/v2/search", alice, params={"q": "@marie@mastodon.example", "resolve": "true"}
    )
    assert r.status_code == 200, r.text
    [account] = r.json()["accounts"]
    assert account["acct"] == "marie@mastodon.example" and account["username"] == "marie"
    assert account["display_name"] == "Marie Curie \u269b"
    assert account["url"] == "https://mastodon.example/@marie" and account["uri"] == MARIE
    assert account["avatar"].endswith("avatar.png") and account["header"].endswith("header.jpg")
    assert account["note"].startswith("<p>Physicist") and account["discoverable"]
    website = account["fields"][0]
    assert website["name"] == "Website" and 'href="https://curie.example"' in website["value"]
    assert "&lt;" not in website["value"]  # remote HTML is not escaped a second time
    lookup = await api.get(
        "/api/v1/accounts/lookup", alice, params={"acct": "marie@mastodon.example"}
    )
    assert lookup.status_code == 200 and lookup.json()["id"] == account["id"]


async def test_a_newly_found_profile_comes_with_its_latest_public_posts(
    fedi: Fedi, api: Api, alice: str, resolver: FederationResolver
) -> None:
    fedi.peer()
    fedi.servers.accounts["marie@mastodon.example"] = MARIE
    public = load("mastodon/create_note")
    private = load("mastodon/create_note")
    private["object"].update(
        id=f"{MARIE}/statuses/2", to=[f"{MARIE}/followers"], cc=[], url=f"{MARIE}/statuses/2"
    )
    announce = load("mastodon/announce", status="https://elsewhere.example/notes/1")
    outbox = f"{MARIE}/outbox"
    fedi.servers.serve({"id": outbox, "type": "OrderedCollection", "first": f"{outbox}?page=true"})
    fedi.servers.serve(
        {
            "id": f"{outbox}?page=true",
            "type": "OrderedCollectionPage",
            "partOf": outbox,
            "orderedItems": [public, private, announce],
        }
    )
    account_id = await resolver.resolve_account("marie@mastodon.example")
    await fedi.run_jobs()
    statuses = (await api.get(f"/api/v1/accounts/{account_id}/statuses", alice)).json()
    assert [s["uri"] for s in statuses] == [public["object"]["id"]]
    assert "https://elsewhere.example/notes/1" not in fedi.servers.fetched


async def test_a_post_stored_meanwhile_is_the_one_resolved(
    fedi: Fedi, resolver: FederationResolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inbox may store a post while a search resolves its URL: the search's insert
    then clashes on the URI, and the copy stored first is the answer."""
    from gazouille.domains.statuses import remote as remote_statuses

    fedi.peer()
    note = load("mastodon/create_note")["object"]
    fedi.servers.serve(note)
    first = await resolver.resolve_status(note["id"])
    assert first is not None
    # The second resolution does not see the stored copy until after its insert failed.
    real = remote_statuses.status_by_uri
    hidden = {"times": 2}  # the resolver's look-up and store_remote_status's

    async def late(session: Any, uri: str | None) -> Any:
        if hidden["times"] > 0:
            hidden["times"] -= 1
            return None
        return await real(session, uri)

    monkeypatch.setattr(remote_statuses, "status_by_uri", late)
    assert await resolver.resolve_status(note["id"]) == first
