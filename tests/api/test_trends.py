"""Trends: the periodic job computes tags, statuses and links into a snapshot; the API reads
it with offset paging. Only public statuses of discoverable accounts count."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from gazouille.core import clock
from gazouille.domains.trends.tasks import refresh_trends
from gazouille.models import PreviewCard, Status, TrendSnapshot
from gazouille.worker.runtime import JobContext
from tests.api.test_contract import check
from tests.conftest import Api


async def refresh(app: Any) -> None:
    state = app.state.gazouille
    await refresh_trends(JobContext(state.db, state.pubsub), {})


async def test_trending_tags(api: Api, app: Any, db: Any, alice: str, bob: str, carol: str) -> None:
    dave = await api.register("dave")
    for token in (alice, bob, carol):
        await api.post_status(token, "#fondue ce soir")
    await api.post_status(alice, "#raclette seule")  # one account: not a trend
    await api.post_status(bob, "#secret", visibility="private")
    await api.post_status(carol, "#secret", visibility="unlisted")
    await api.post_status(dave, "#tartiflette")
    await api.post_status(alice, "#tartiflette")
    await refresh(app)
    r = await api.get("/api/v1/trends/tags")
    assert r.status_code == 200
    names = [t["name"] for t in r.json()]
    assert names == ["fondue", "tartiflette"]  # three accounts score above two
    for tag in r.json():
        check("Tag", tag)
    assert r.json()[0]["history"][0]["accounts"] == "3"
    assert [t["name"] for t in (await api.get("/api/v1/trends")).json()] == names
    page = await api.get("/api/v1/trends/tags", params={"limit": 1})
    assert [t["name"] for t in page.json()] == ["fondue"]
    nxt = re.search(r'<([^>]+)>; rel="next"', page.headers["link"])
    assert nxt is not None and "offset=1" in nxt.group(1)
    second = await api.get(nxt.group(1).replace("http://localhost:3000", ""))
    assert [t["name"] for t in second.json()] == ["tartiflette"]
    assert 'rel="prev"' in second.headers["link"]
    # A tag used steadily the days before is expected, not rising.
    async with db.write() as session:
        await session.execute(update(Status).values(created_at=clock.now() - timedelta(days=2)))
    await refresh(app)
    assert (await api.get("/api/v1/trends/tags")).json() == []


async def test_non_discoverable_accounts_do_not_trend(
    api: Api, app: Any, alice: str, bob: str
) -> None:
    for token in (alice, bob):
        r = await api.request(
            "PATCH", "/api/v1/accounts/update_credentials", token, json={"discoverable": False}
        )
        assert r.status_code == 200
        post = await api.post_status(token, "#cache https://example.org/a")
        await api.post(f"/api/v1/statuses/{post['id']}/favourite", token)
    await refresh(app)
    for path in ("tags", "statuses", "links"):
        assert (await api.get(f"/api/v1/trends/{path}")).json() == [], path


async def test_trending_statuses(
    api: Api, app: Any, db: Any, alice: str, bob: str, carol: str
) -> None:
    popular = await api.post_status(alice, "très populaire")
    liked = await api.post_status(bob, "un peu aimé")
    quiet = await api.post_status(carol, "personne")
    reply = await api.post_status(bob, "une réponse", in_reply_to_id=popular["id"])
    private = await api.post_status(alice, "privé", visibility="private")
    for token in (bob, carol):
        await api.post(f"/api/v1/statuses/{popular['id']}/favourite", token)
        await api.post(f"/api/v1/statuses/{reply['id']}/favourite", token)
        await api.post(f"/api/v1/statuses/{private['id']}/favourite", alice)
    await api.post(f"/api/v1/statuses/{popular['id']}/reblog", carol)
    await api.post(f"/api/v1/statuses/{liked['id']}/favourite", alice)
    await refresh(app)
    r = await api.get("/api/v1/trends/statuses", alice)
    assert [s["id"] for s in r.json()] == [popular["id"], liked["id"]]
    for status in r.json():
        check("Status", status)
    assert quiet["id"] not in [s["id"] for s in r.json()]
    # Old posts decay: an equally liked but older status ranks lower.
    async with db.write() as session:
        await session.execute(
            update(Status)
            .where(Status.id == int(popular["id"]))
            .values(created_at=clock.now() - timedelta(hours=30))
        )
    await refresh(app)
    assert [s["id"] for s in (await api.get("/api/v1/trends/statuses")).json()] == [
        liked["id"],
        popular["id"],
    ]
    # A deleted status leaves the trends at once.
    await api.request("DELETE", f"/api/v1/statuses/{liked['id']}", bob)
    assert [s["id"] for s in (await api.get("/api/v1/trends/statuses")).json()] == [popular["id"]]


async def test_trending_links(
    api: Api, app: Any, db: Any, alice: str, bob: str, carol: str
) -> None:
    await api.post_status(alice, "lisez https://example.org/article#intro !")
    await api.post_status(bob, "oui https://example.org/article")
    await api.post_status(carol, "seul https://example.org/autre")
    await api.post_status(carol, "privé https://example.org/article", visibility="private")
    await refresh(app)
    r = await api.get("/api/v1/trends/links")
    assert r.status_code == 200
    links = r.json()
    assert [link["url"] for link in links] == ["https://example.org/article"]
    check("TrendsLink", links[0])
    assert links[0]["history"][0]["accounts"] == "2"
    assert links[0]["history"][0]["uses"] == "2"
    assert links[0]["title"] == "https://example.org/article"
    async with db.write() as session:
        session.add(
            PreviewCard(
                url="https://example.org/article",
                state="done",
                title="Un article",
                description="Sur les fondues",
                provider_name="Example",
            )
        )
    link = (await api.get("/api/v1/trends/links")).json()[0]
    check("TrendsLink", link)
    assert (link["title"], link["provider_name"]) == ("Un article", "Example")


async def test_refresh_replaces_the_snapshot(
    api: Api, app: Any, db: Any, alice: str, bob: str
) -> None:
    for token in (alice, bob):
        await api.post_status(token, "#unique")
    await refresh(app)
    await refresh(app)  # idempotent
    async with db.read() as session:
        count = (
            await session.execute(
                select(func.count()).select_from(TrendSnapshot).where(TrendSnapshot.kind == "tag")
            )
        ).scalar()
    assert count == 1
    bad = await api.get("/api/v1/trends/tags", params={"limit": "x"})
    assert bad.status_code == 422
    clamped = await api.get("/api/v1/trends/tags", params={"limit": "500", "offset": "-3"})
    assert clamped.status_code == 200 and len(clamped.json()) == 1
