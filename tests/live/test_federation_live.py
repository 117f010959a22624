"""Two Gazouille instances, two processes on loopback, federating over ActivityPub; everything is
checked through each instance's Mastodon API, as a user's app would see it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.live.federation import Instance, User, eventually, two_instances

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Instance, Instance]]:
    with two_instances(tmp_path_factory) as pair:
        yield pair


def test_two_instances_federate(instances: tuple[Instance, Instance]) -> None:
    a, b = instances
    try:
        _scenario(a, b)
    except BaseException:
        print("---- A's log ----\n" + a.log() + "\n---- B's log ----\n" + b.log())
        raise


def _scenario(a: Instance, b: Instance) -> None:
    alice = User(a, "alice")
    lucie = User(a, "lucie", locked=True)
    bob = User(b, "bob")

    # B finds A's users by their address and follows them: unlocked, then locked.
    alice_on_b = bob.find(alice.acct)
    assert alice_on_b["url"].startswith(a.base)
    bob.post(f"/api/v1/accounts/{alice_on_b['id']}/follow")
    eventually(lambda: bob.relationship(alice_on_b["id"])["following"], "Accept of bob's follow")
    bob_on_a = alice.find(bob.acct)
    eventually(lambda: alice.relationship(bob_on_a["id"])["followed_by"], "follow seen on A")
    assert alice.notification("follow", bob.acct)

    lucie_on_b = bob.find(lucie.acct)
    assert lucie_on_b["locked"] is True
    assert bob.post(f"/api/v1/accounts/{lucie_on_b['id']}/follow")["requested"] is True
    request = eventually(
        lambda: [r for r in lucie.get("/api/v1/follow_requests") if r["acct"] == bob.acct],
        "bob's follow request on A",
    )
    assert bob.relationship(lucie_on_b["id"])["following"] is False
    lucie.post(f"/api/v1/follow_requests/{request[0]['id']}/authorize")
    eventually(lambda: bob.relationship(lucie_on_b["id"])["following"], "lucie's Accept")

    # A's public and followers-only posts reach B's home timeline.
    post = alice.post("/api/v1/statuses", status="Bonjour le fédivers #gazouille")
    private = lucie.post("/api/v1/statuses", status="Pour mes abonnés", visibility="private")
    copy = eventually(lambda: bob.home_copy(post["uri"]), "alice's post on B")
    assert copy["account"]["acct"] == alice.acct
    assert "Bonjour le fédivers" in copy["content"]
    assert [t["name"] for t in copy["tags"]] == ["gazouille"]
    private_copy = eventually(lambda: bob.home_copy(private["uri"]), "lucie's private post on B")
    assert private_copy["visibility"] == "private"
    # B's web UI shows the remote profile and post like local ones; the private post only to
    # its audience.
    with httpx.Client(base_url=b.base, timeout=30, trust_env=False) as browser:
        profile = browser.get(f"/@{alice.acct}", headers={"Accept": "text/html"})
        assert profile.status_code == 200 and "Bonjour le fédivers" in profile.text
        page = browser.get(f"/@{alice.acct}/{copy['id']}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Bonjour le fédivers" in page.text
        hidden = browser.get(f"/@{lucie.acct}/{private_copy['id']}")
        assert hidden.status_code == 404

    # B replies; A sees the reply in the thread and a mention notification.
    reply = bob.post("/api/v1/statuses", status=f"@{alice.acct} Salut !", in_reply_to_id=copy["id"])
    assert reply["in_reply_to_id"] == copy["id"]
    thread = eventually(
        lambda: [
            s
            for s in alice.get(f"/api/v1/statuses/{post['id']}/context")["descendants"]
            if s["uri"] == reply["uri"]
        ],
        "bob's reply in alice's thread",
    )
    assert thread[0]["account"]["acct"] == bob.acct
    assert alice.notification("mention", bob.acct)

    # Likes and reposts show up as notifications and counts.
    bob.post(f"/api/v1/statuses/{copy['id']}/favourite")
    bob.post(f"/api/v1/statuses/{copy['id']}/reblog")
    eventually(lambda: alice.notification("favourite", bob.acct), "favourite notification")
    eventually(lambda: alice.notification("reblog", bob.acct), "reblog notification")
    counted = eventually(
        lambda: (
            (s := alice.status_or_none(post["id"]))
            and s["favourites_count"] == 1
            and s["reblogs_count"] == 1
            and s
        ),
        "counts on A",
    )
    assert counted["replies_count"] == 1

    # An edit updates B's copy; a delete removes it.
    alice.call("PUT", f"/api/v1/statuses/{post['id']}", json={"status": "Bonsoir le fédivers"})
    eventually(
        lambda: "Bonsoir" in ((bob.status_or_none(copy["id"]) or {}).get("content") or ""),
        "edit on B",
    )
    assert bob.status_or_none(copy["id"])["edited_at"] is not None  # type: ignore[index]
    alice.call("DELETE", f"/api/v1/statuses/{post['id']}")
    eventually(lambda: bob.status_or_none(copy["id"]) is None, "delete on B")

    # A remote post can be looked up by its URL.
    public = lucie.post("/api/v1/statuses", status="Public, pour tous")
    assert bob.resolve_status(public["url"])["uri"] == public["uri"]

    # An unfollow stops delivery.
    bob.post(f"/api/v1/accounts/{alice_on_b['id']}/unfollow")
    eventually(lambda: not alice.relationship(bob_on_a["id"])["followed_by"], "Undo on A")
    after = alice.post("/api/v1/statuses", status="Après le désabonnement")
    # A's delivery of ``after`` would have been queued before lucie's next post reaches B.
    lucie_next = lucie.post("/api/v1/statuses", status="Encore là")
    eventually(lambda: bob.home_copy(lucie_next["uri"]), "lucie's next post on B")
    assert bob.home_copy(after["uri"]) is None

    # A follows back across servers; a block on B's side stops everything.
    alice.post(f"/api/v1/accounts/{bob_on_a['id']}/follow")
    eventually(lambda: alice.relationship(bob_on_a["id"])["following"], "bob's Accept on A")
    hello = bob.post("/api/v1/statuses", status="Coucou A")
    eventually(lambda: alice.home_copy(hello["uri"]), "bob's post on A")
    alice_on_b_again = bob.find(alice.acct)
    bob.post(f"/api/v1/accounts/{alice_on_b_again['id']}/block")
    eventually(lambda: not alice.relationship(bob_on_a["id"])["following"], "Block seen on A")
    # And a block on A's side: lucie blocks her follower bob.
    lucie_bob = lucie.find(bob.acct)
    lucie.post(f"/api/v1/accounts/{lucie_bob['id']}/block")
    eventually(lambda: not bob.relationship(lucie_on_b["id"])["following"], "Block seen on B")
    hidden = lucie.post("/api/v1/statuses", status="Après le blocage", visibility="private")
    secret = bob.post("/api/v1/statuses", status="Après mon blocage")
    # Deliveries queued after the blocks have had their chance once a later one has arrived.
    probe = User(a, "probe")
    watcher = User(b, "watcher")
    watcher.post(f"/api/v1/accounts/{watcher.find(probe.acct)['id']}/follow")
    eventually(lambda: watcher.relationship(watcher.find(probe.acct)["id"])["following"], "probe")
    probe_post = probe.post("/api/v1/statuses", status="sonde")
    eventually(lambda: watcher.home_copy(probe_post["uri"]), "probe post on B")
    assert bob.home_copy(hidden["uri"]) is None
    assert alice.home_copy(secret["uri"]) is None


def test_delivery_survives_a_dead_receiver_and_a_killed_sender(
    instances: tuple[Instance, Instance],
) -> None:
    a, b = instances
    try:
        _durability(a, b)
    except BaseException:
        print("---- A's log ----\n" + a.log() + "\n---- B's log ----\n" + b.log())
        raise


def _durability(a: Instance, b: Instance) -> None:
    writer = User(a, "writer")
    reader = User(b, "reader")
    writer_on_b = reader.find(writer.acct)
    reader.post(f"/api/v1/accounts/{writer_on_b['id']}/follow")
    eventually(lambda: reader.relationship(writer_on_b["id"])["following"], "follow accepted")

    b.kill()  # the receiving server is down
    post = writer.post("/api/v1/statuses", status="Envoyé pendant la panne")
    time.sleep(1.0)  # the first delivery attempt fails against the dead server
    a.kill()  # and the sender dies too, with the retry still pending
    a.start()
    b.start()
    reader.http.close()
    reader.http = httpx.Client(
        base_url=b.base,
        headers={"Authorization": f"Bearer {reader.token}"},
        timeout=30,
        trust_env=False,
    )
    eventually(lambda: reader.home_copy(post["uri"]), "post delivered after the outage", 120)
