from __future__ import annotations

from tests.conftest import Api


async def test_instance_and_register(api: Api, alice: str) -> None:
    r = await api.get("/api/v2/instance")
    assert r.status_code == 200
    me = await api.me(alice)
    assert me["username"] == "alice"
