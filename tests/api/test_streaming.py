"""Streaming (WebSocket and Server-Sent Events): who receives which event, rendered for
whom, with Mastodon's frames and errors."""

from __future__ import annotations

from typing import Any

import pytest

from gazouille.api import streaming
from gazouille.domains.streaming import events, routing
from gazouille.domains.streaming.streams import Subscription
from tests.api.streaming_client import (
    frame,
    no_frame,
    refusal,
    server_sent_events,
    subscriptions,
    websocket,
    websockets,
)
from tests.api.test_contract import check
from tests.conftest import Api


async def test_user_stream_follows_the_home_timeline_rules(
    api: Api, app: Any, alice: str, bob: str, carol: str
) -> None:
    a = await api.me(alice)
    await api.follow(bob, a["id"])
    async with (
        websockets(app) as sockets,
        sockets.connect({"stream": "user"}, token=bob) as bob_ws,
        sockets.connect({"stream": "user"}, token=alice) as alice_ws,
    ):
        # bob follows neither carol nor, therefore, alice's reply to her.
        carols = await api.post_status(carol, "not for bob")
        reply = await api.post_status(alice, "@carol hi", in_reply_to_id=carols["id"])
        status = await api.post_status(alice, "hello #Streams", visibility="private")
        got = await frame(bob_ws)
        assert got["stream"] == ["user"] and got["event"] == "update"
        assert got["payload"]["id"] == status["id"]
        assert got["payload"]["visibility"] == "private"
        assert got["payload"]["favourited"] is False  # rendered with bob's viewer flags
        check("Status", got["payload"])
        # The author sees her own posts on her user stream, with her application.
        assert (await frame(alice_ws))["payload"]["id"] == reply["id"]
        mine = (await frame(alice_ws))["payload"]
        assert mine["id"] == status["id"] and mine["application"]["name"] == "tests"


async def test_private_and_direct_statuses_reach_only_their_audience(
    api: Api, app: Any, alice: str, bob: str, carol: str
) -> None:
    a = await api.me(alice)
    await api.follow(bob, a["id"])
    await api.follow(carol, a["id"])
    async with (
        websockets(app) as sockets,
        sockets.connect({"stream": "user"}, token=bob) as bob_ws,
        sockets.connect({"stream": "public"}, token=carol) as carol_public,
    ):
        private = await api.post_status(alice, "followers only", visibility="private")
        direct = await api.post_status(alice, "@bob secret", visibility="direct")
        unlisted = await api.post_status(alice, "quiet", visibility="unlisted")
        public = await api.post_status(alice, "for everyone")
        seen = [(await frame(bob_ws))["payload"]["id"] for _ in range(4)]
        assert seen == [private["id"], direct["id"], unlisted["id"], public["id"]]
        # The public stream gets the public post first: nothing before it leaked.
        got = await frame(carol_public)
        assert got["stream"] == ["public"] and got["payload"]["id"] == public["id"]
        await no_frame(carol_public)


async def test_public_local_and_hashtag_streams(api: Api, app: Any, alice: str, bob: str) -> None:
    async with (
        websockets(app) as sockets,
        sockets.connect({"stream": "public:local"}, token=bob) as local_ws,
        sockets.connect({"stream": "hashtag", "tag": "Été"}, token=bob) as tag_ws,
        sockets.connect({"stream": "public:remote"}, token=bob) as remote_ws,
    ):
        first = await api.post_status(alice, "first")
        reply = await api.post_status(bob, "#ete reply", in_reply_to_id=first["id"])
        await api.post(f"/api/v1/statuses/{first['id']}/reblog", bob)
        tagged = await api.post_status(alice, "Bel #été")
        assert (await frame(local_ws))["payload"]["id"] == first["id"]
        # Replies to others and reblogs stay off the public streams, not off hashtags.
        got = await frame(local_ws)
        assert got["stream"] == ["public:local"] and got["payload"]["id"] == tagged["id"]
        got = await frame(tag_ws)
        assert got["stream"] == ["hashtag", "Été"] and got["payload"]["id"] == reply["id"]
        assert (await frame(tag_ws))["payload"]["id"] == tagged["id"]
        await no_frame(remote_ws)  # every status here is local


async def test_delete_reblog_and_unreblog_events(
    api: Api, app: Any, alice: str, bob: str, carol: str
) -> None:
    a, b = await api.me(alice), await api.me(bob)
    await api.follow(carol, b["id"])
    await api.follow(bob, a["id"])
    status = await api.post_status(alice, "soon gone")
    async with (
        websockets(app) as sockets,
        sockets.connect({"stream": "user"}, token=carol) as carol_ws,
        sockets.connect({"stream": "public"}, token=carol) as public_ws,
        sockets.connect({"stream": "user"}, token=bob) as bob_ws,
    ):
        reblog = (await api.post(f"/api/v1/statuses/{status['id']}/reblog", bob)).json()
        got = await frame(carol_ws)
        assert got["event"] == "update" and got["payload"]["id"] == reblog["id"]
        assert got["payload"]["reblog"]["id"] == status["id"]
        await api.post(f"/api/v1/statuses/{status['id']}/unreblog", bob)
        assert await frame(carol_ws) == {
            "stream": ["user"],
            "event": "delete",
            "payload": reblog["id"],
        }
        await api.request("DELETE", f"/api/v1/statuses/{status['id']}", alice)
        assert await frame(public_ws) == {
            "stream": ["public"],
            "event": "delete",
            "payload": status["id"],
        }
        # bob follows alice: his home had the status, his client is told it is gone.
        assert (await frame(bob_ws))["event"] == "update"  # his own reblog
        assert (await frame(bob_ws))["payload"] == reblog["id"]
        assert await frame(bob_ws) == {
            "stream": ["user"],
            "event": "delete",
            "payload": status["id"],
        }
        await no_frame(carol_ws)  # carol does not follow alice


async def test_notifications_on_user_and_notification_streams(
    api: Api, app: Any, alice: str, bob: str, run_jobs: Any
) -> None:
    status = await api.post_status(alice, "like me")
    async with (
        websocket(app, {"stream": "user:notification"}, token=alice) as notes_ws,
        server_sent_events(app, "/api/v1/streaming/user", alice) as user_sse,
    ):
        await api.post(f"/api/v1/statuses/{status['id']}/favourite", bob)
        await run_jobs()
        got = await frame(notes_ws)
        assert got["stream"] == ["user:notification"] and got["event"] == "notification"
        assert got["payload"]["type"] == "favourite"
        assert got["payload"]["status"]["id"] == status["id"]
        check("Notification", got["payload"])
        name, data = await user_sse.event()
        assert name == "notification" and data["id"] == got["payload"]["id"]
        listed = (await api.get("/api/v1/notifications", alice)).json()
        assert listed[0]["id"] == data["id"]


async def test_in_band_subscriptions_and_error_frames(
    api: Api, app: Any, alice: str, bob: str
) -> None:
    listed = (await api.post("/api/v1/lists", alice, json={"title": "mine"})).json()
    async with websocket(app, token=bob) as ws:
        await ws.send_json({"type": "subscribe", "stream": "nope"})
        assert await frame(ws) == {"error": "Unknown stream type", "status": 400}
        await ws.send_json({"type": "subscribe", "stream": "hashtag"})
        assert await frame(ws) == {"error": "Missing tag name parameter", "status": 400}
        await ws.send_json({"type": "subscribe", "stream": "list", "list": listed["id"]})
        assert await frame(ws) == {"error": "Not authorized to stream this list", "status": 401}
        await ws.send_text("not json")  # ignored, as Mastodon does
        await ws.send_json({"type": "subscribe", "stream": "hashtag", "tag": "cats"})
        await ws.send_json({"type": "subscribe", "stream": ["public:local"]})
        await subscriptions(app, 2)
        cat = await api.post_status(alice, "#cats")
        assert (await frame(ws))["stream"] == ["hashtag", "cats"]
        assert (await frame(ws))["payload"]["id"] == cat["id"]
        await ws.send_json({"type": "unsubscribe", "stream": "hashtag", "tag": "cats"})
        await subscriptions(app, 1)
        other = await api.post_status(alice, "#cats again")
        got = await frame(ws)
        assert got["stream"] == ["public:local"] and got["payload"]["id"] == other["id"]
        await no_frame(ws)


async def test_websocket_authentication(api: Api, app: Any, alice: str) -> None:
    # In process there is no denial-response extension: the upgrade is refused with a close
    # (tests/live checks the HTTP 401 a real server answers).
    assert await refusal(app, {"stream": "public"}, None) == (1008, "Missing access token")
    assert await refusal(app, {"stream": "public"}, "wrong") == (1008, "Invalid access token")
    app_token = await api.app_token()
    assert await refusal(app, {"stream": "public"}, app_token) == (1008, "Invalid access token")
    # Ice Cubes sends the token as the subprotocol and expects it echoed back.
    async with websocket(app, {"stream": "public"}, subprotocols=[alice]) as ws:
        assert ws.subprotocol == alice
        status = await api.post_status(alice, "via subprotocol")
        assert (await frame(ws))["payload"]["id"] == status["id"]
    async with websocket(app, {"stream": "public", "access_token": alice}) as ws:
        status = await api.post_status(alice, "via query")
        assert (await frame(ws))["payload"]["id"] == status["id"]


async def test_server_sent_events_and_their_errors(
    api: Api, app: Any, alice: str, bob: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await api.get("/api/v1/streaming/health")).text == "OK"
    cases = [
        ("/api/v1/streaming/nope", alice, {}, 400, "Unknown channel requested"),
        ("/api/v1/streaming", alice, {}, 400, "Unknown channel requested"),
        ("/api/v1/streaming/public", None, {}, 401, "Missing access token"),
        ("/api/v1/streaming/public", "wrong", {}, 401, "Invalid access token"),
        ("/api/v1/streaming/hashtag", alice, {}, 400, "Missing tag name parameter"),
        ("/api/v1/streaming/list", alice, {}, 400, "Missing list name parameter"),
        (
            "/api/v1/streaming/list",
            alice,
            {"list": "12"},
            401,
            "Not authorized to stream this list",
        ),
    ]
    for path, token, query, status, message in cases:
        async with server_sent_events(app, path, token, **query) as sse:
            assert (sse.status, sse.json()) == (status, {"error": message}), path
    monkeypatch.setattr(streaming, "HEARTBEAT_SECONDS", 0.05)
    async with server_sent_events(app, "/api/v1/streaming/hashtag/local", bob, tag="news") as sse:
        assert sse.headers["content-type"].startswith("text/event-stream")
        assert await sse.line() == ":thump"
        posted = await api.post_status(alice, "#News today")
        name, data = await sse.event()
        assert name == "update" and data["id"] == posted["id"]
        check("Status", data)


async def test_list_stream(api: Api, app: Any, alice: str, bob: str, carol: str) -> None:
    b = await api.me(bob)
    await api.follow(alice, b["id"])
    listed = (await api.post("/api/v1/lists", alice, json={"title": "friends"})).json()
    r = await api.post(
        f"/api/v1/lists/{listed['id']}/accounts", alice, json={"account_ids": [b["id"]]}
    )
    assert r.status_code == 200, r.text
    async with websocket(app, {"stream": "list", "list": listed["id"]}, token=alice) as ws:
        await api.post_status(carol, "not in the list")
        status = await api.post_status(bob, "in the list")
        got = await frame(ws)
        assert got["stream"] == ["list", listed["id"]] and got["payload"]["id"] == status["id"]


async def test_direct_stream_gets_conversations(
    api: Api, app: Any, alice: str, bob: str, run_jobs: Any
) -> None:
    async with websocket(app, {"stream": "direct"}, token=bob) as ws:
        status = await api.post_status(alice, "@bob just us", visibility="direct")
        await run_jobs()
        got = await frame(ws)
        assert got["stream"] == ["direct"] and got["event"] == "conversation"
        assert got["payload"]["last_status"]["id"] == status["id"]
        assert got["payload"]["unread"] is True
        check("Conversation", got["payload"])
        await api.request("DELETE", f"/api/v1/statuses/{status['id']}", alice)
        assert await frame(ws) == {"stream": ["direct"], "event": "delete", "payload": status["id"]}


async def test_filters_changed_and_status_update(
    api: Api, app: Any, db: Any, alice: str, bob: str
) -> None:
    a, b = await api.me(alice), await api.me(bob)
    await api.follow(bob, a["id"])
    status = await api.post_status(alice, "first version")
    async with websocket(app, {"stream": "user"}, token=bob) as ws:
        async with db.write() as session:
            events.filters_changed(session, int(b["id"]))
        assert await frame(ws) == {"stream": ["user"], "event": "filters_changed"}
        r = await api.request(
            "PUT", f"/api/v1/statuses/{status['id']}", alice, json={"status": "second version"}
        )
        assert r.status_code == 200, r.text
        got = await frame(ws)
        assert got["event"] == "status.update" and "second version" in got["payload"]["content"]


async def test_rolled_back_work_publishes_nothing(api: Api, app: Any, db: Any, alice: str) -> None:
    a = await api.me(alice)
    async with websocket(app, {"stream": "user"}, token=alice) as ws:
        with pytest.raises(RuntimeError):
            async with db.write() as session:
                events.filters_changed(session, int(a["id"]))
                raise RuntimeError("rolled back")
        status = await api.post_status(alice, "after the rollback")
        assert (await frame(ws))["payload"]["id"] == status["id"]


async def _scoped_token(api: Api, username: str, scope: str) -> str:
    client_id, secret = await api.client_app()
    r = await api.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": secret,
            "username": username,
            "password": "correct horse",
            "scope": scope,
        },
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


async def test_scopes_decide_streams_and_notifications(
    api: Api, app: Any, alice: str, bob: str, run_jobs: Any
) -> None:
    statuses_only = await _scoped_token(api, "alice", "read:statuses")
    async with server_sent_events(app, "/api/v1/streaming/user/notification", statuses_only) as sse:
        assert sse.status == 401
        assert sse.json() == {"error": "Access token does not have the required scopes"}
    write_only = await _scoped_token(api, "alice", "write")
    async with server_sent_events(app, "/api/v1/streaming/user", write_only) as sse:
        assert sse.status == 401
    async with server_sent_events(app, "/api/v1/streaming/public", write_only) as sse:
        assert sse.status == 200  # public streams only need a valid user token
    # Without read:notifications the user stream carries statuses but no notifications.
    async with websocket(app, {"stream": "user"}, token=statuses_only) as ws:
        status = await api.post_status(alice, "mine")
        assert (await frame(ws))["payload"]["id"] == status["id"]
        await api.post(f"/api/v1/statuses/{status['id']}/favourite", bob)
        await run_jobs()
        later = await api.post_status(alice, "after the favourite")
        assert (await frame(ws))["payload"]["id"] == later["id"]


async def test_routing_cost_does_not_grow_with_unconcerned_listeners(
    api: Api, db: Any, alice: str, bob: str, carol: str
) -> None:
    """Listeners who follow nobody concerned cost no query; recipients cost their own
    rendering. The event's facts are loaded once."""
    status = await api.post_status(alice, "who gets this?")
    ids = [int((await api.me(t))["id"]) for t in (alice, bob, carol)]

    async def cost(listeners: list[routing.Listener]) -> tuple[int, int]:
        db.query_counter = []
        try:
            async with db.read() as session:
                deliveries = await routing.route(
                    session, events.Event("update", status_id=int(status["id"])), listeners
                )
            return len(deliveries), len(db.query_counter)
        finally:
            db.query_counter = None

    user = Subscription("user", label=("user",))
    author_only = [routing.Listener((0, 0), ids[0], user)]
    crowd = author_only + [routing.Listener((n, 0), ids[1 + n % 2], user) for n in range(1, 9)]
    assert (await cost(crowd))[0] == 1
    assert await cost(crowd) == await cost(author_only)
