"""Presenting one status to many viewers at once (domains/statuses/audience.py, used by
the streaming API) gives each viewer exactly what presenting it to that viewer alone
gives: flags, muted threads, filters that hide or mark it, the author's own view."""

from __future__ import annotations

from typing import Any

import pytest

from gazouille.api.serializers import status_json
from gazouille.domains.statuses.audience import present_to_viewers
from gazouille.domains.statuses.presenters import present_statuses
from gazouille.models import Status
from tests.conftest import Api


@pytest.mark.parametrize("context", ["home", "public"])
async def test_each_viewer_sees_what_it_would_see_alone(
    api: Api, db: Any, alice: str, bob: str, carol: str, context: str
) -> None:
    dave, erin = await api.register("dave"), await api.register("erin")
    root = await api.post_status(alice, "the finale was great")
    reply = await api.post_status(bob, "@alice indeed", in_reply_to_id=root["id"])
    await api.post(f"/api/v1/statuses/{root['id']}/favourite", bob)
    await api.post(f"/api/v1/statuses/{root['id']}/bookmark", carol)
    assert (await api.post(f"/api/v1/statuses/{reply['id']}/mute", alice)).status_code == 200
    assert (await api.post(f"/api/v1/statuses/{root['id']}/mute", bob)).status_code == 200
    r = await api.post(
        "/api/v2/filters",
        erin,
        json={
            "title": "no spoilers",
            "context": ["home"],
            "filter_action": "hide",
            "keywords_attributes": [{"keyword": "finale"}],
        },
    )
    assert r.status_code == 200, r.text
    r = await api.post(
        "/api/v2/filters",
        dave,
        json={
            "title": "mark",
            "context": ["home", "public"],
            "filter_action": "warn",
            "keywords_attributes": [{"keyword": "great"}],
        },
    )
    assert r.status_code == 200, r.text
    reblog = (await api.post(f"/api/v1/statuses/{root['id']}/reblog", carol)).json()
    viewers = [int((await api.me(t))["id"]) for t in (alice, bob, carol, dave, erin)]

    for status_id in (root["id"], reply["id"], reblog["id"]):
        async with db.read() as session:
            status = await session.get(Status, int(status_id))
            assert status is not None
            together = await present_to_viewers(session, status, viewers, context)
            for viewer in viewers:
                alone = await present_statuses(session, viewer, [status], context=context)
                expected = status_json(alone[0]) if alone else None
                got = together[viewer]
                assert (status_json(got) if got is not None else None) == expected, (
                    status_id,
                    viewer,
                )
