"""The Mastodon.py library against a real server process."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
import requests
from mastodon import Mastodon
from mastodon.errors import MastodonIllegalArgumentError, MastodonNotFoundError

pytestmark = pytest.mark.live
PASSWORD = "correct horse battery"
T = TypeVar("T")


def session() -> requests.Session:
    """A requests session that ignores proxy variables: only loopback is ever reached."""
    s = requests.Session()
    s.trust_env = False
    return s


def wait_for(fetch: Callable[[], T], ok: Callable[[T], bool], timeout: float = 5.0) -> T:
    """Poll ``fetch`` until ``ok`` (background jobs create notifications)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


@pytest.fixture(scope="module")
def app(live_server: str) -> tuple[str, str]:
    return Mastodon.create_app("live-tests", api_base_url=live_server, session=session())


def register(base_url: str, app: tuple[str, str], username: str) -> Mastodon:
    anon = Mastodon(
        client_id=app[0], client_secret=app[1], api_base_url=base_url, session=session()
    )
    token = anon.create_account(username, PASSWORD, f"{username}@example.com", agreement=True)
    assert isinstance(token, str) and token
    return Mastodon(access_token=token, api_base_url=base_url, session=session())


@pytest.fixture(scope="module")
def alice(live_server: str, app: tuple[str, str]) -> Mastodon:
    return register(live_server, app, f"alice_{secrets.token_hex(3)}")


@pytest.fixture(scope="module")
def bob(live_server: str, app: tuple[str, str]) -> Mastodon:
    return register(live_server, app, f"bob_{secrets.token_hex(3)}")


def ids(items: list[Any]) -> list[str]:
    return [str(item.id) for item in items]


def test_verify_credentials_and_instance(live_server: str, alice: Mastodon) -> None:
    me = alice.account_verify_credentials()
    assert me.username.startswith("alice_")
    assert me.acct == me.username
    assert me.url == f"{live_server}/@{me.username}"
    assert me.statuses_count == 0
    # version_check_mode="created" parses the version the instance announces.
    checked = Mastodon(
        access_token=alice.access_token,
        api_base_url=live_server,
        session=session(),
        version_check_mode="created",
    )
    assert checked.verify_minimum_version("4.0.0", cached=True)
    assert checked.instance().domain == urlsplit(live_server).netloc


def test_post_follow_favourite_reblog_and_notifications(alice: Mastodon, bob: Mastodon) -> None:
    a, b = alice.me(), bob.me()
    relationship = bob.account_follow(a.id)
    assert relationship.following is True and str(relationship.id) == str(a.id)

    status = alice.status_post(f"Hello #gazouille @{b.username}")
    assert [tag.name for tag in status.tags] == ["gazouille"]
    assert [m.acct for m in status.mentions] == [b.acct]
    assert status.url == f"{a.url}/{status.id}"
    assert status.visibility == "public"

    assert str(status.id) in ids(bob.timeline_home())

    favourited = bob.status_favourite(status.id)
    assert favourited.favourited is True and favourited.favourites_count == 1
    reblog = bob.status_reblog(status.id)
    assert reblog.reblogged is True
    assert str(reblog.reblog.id) == str(status.id)
    assert str(reblog.account.id) == str(b.id)

    expected = {"follow", "favourite", "reblog"}
    got = wait_for(alice.notifications, lambda ns: expected <= {n.type for n in ns})
    by_type = {n.type: n for n in got}
    assert expected <= set(by_type), [n.type for n in got]
    assert all(str(by_type[t].account.id) == str(b.id) for t in expected)
    assert str(by_type["favourite"].status.id) == str(status.id)
    assert str(by_type["reblog"].status.id) == str(status.id)

    mentions = wait_for(bob.notifications, lambda ns: any(n.type == "mention" for n in ns))
    mention = next(n for n in mentions if n.type == "mention")
    assert str(mention.account.id) == str(a.id)
    assert str(mention.status.id) == str(status.id)


def test_reply_context(alice: Mastodon, bob: Mastodon) -> None:
    root = alice.status_post("Where shall we meet?")
    reply = bob.status_post(f"@{alice.me().acct} At the café", in_reply_to_id=root.id)
    assert str(reply.in_reply_to_id) == str(root.id)

    assert ids(alice.status_context(root.id).descendants) == [str(reply.id)]
    context = bob.status_context(reply.id)
    assert ids(context.ancestors) == [str(root.id)]
    assert context.descendants == []
    assert alice.status(root.id).replies_count == 1


def test_account_statuses_and_relationships(alice: Mastodon, bob: Mastodon) -> None:
    a, b = alice.me(), bob.me()
    first = alice.status_post("first")
    second = alice.status_post("second")
    listed = ids(bob.account_statuses(a.id, limit=2))
    assert listed == [str(second.id), str(first.id)]
    # Pagination follows the Link header.
    page = bob.account_statuses(a.id, limit=1)
    assert ids(page) == [str(second.id)]
    older = bob.fetch_next(page)
    assert older is not None and ids(older) == [str(first.id)]
    newer = bob.fetch_previous(older)
    assert newer is not None and ids(newer) == [str(second.id)]
    assert str(bob.account_lookup(a.acct).id) == str(a.id)

    bob.account_follow(a.id)
    (seen_by_bob,) = bob.account_relationships(a.id)
    assert seen_by_bob.following is True and seen_by_bob.followed_by is False
    (seen_by_alice,) = alice.account_relationships(b.id)
    assert seen_by_alice.followed_by is True and seen_by_alice.following is False


def test_delete_and_not_found(alice: Mastodon, bob: Mastodon) -> None:
    status = alice.status_post("short-lived")
    deleted = alice.status_delete(status.id)
    assert deleted.text == "short-lived"
    with pytest.raises(MastodonNotFoundError):
        bob.status(status.id)
    with pytest.raises(MastodonNotFoundError):
        bob.account("999999999999")


def test_password_grant_login(live_server: str, app: tuple[str, str], alice: Mastodon) -> None:
    me = alice.me()
    client = Mastodon(
        client_id=app[0], client_secret=app[1], api_base_url=live_server, session=session()
    )
    token = client.log_in(f"{me.username}@example.com", PASSWORD, allow_http=True)
    assert token and token != alice.access_token
    assert str(client.me().id) == str(me.id)
    assert client.status_post("logged in with a password").account.acct == me.acct
    with pytest.raises(MastodonIllegalArgumentError, match="invalid_grant"):
        client.log_in(f"{me.username}@example.com", "wrong password", allow_http=True)
