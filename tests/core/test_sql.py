"""``in_ids``: a list of ids bound as one parameter, on this run's backend."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gazouille.core.db import core_rows
from gazouille.core.sql import in_ids
from gazouille.models import Account
from tests.conftest import Api


async def test_in_ids_matches_like_in(api: Api, db: Any, alice: str, bob: str) -> None:
    ids = [int((await api.me(alice))["id"]), int((await api.me(bob))["id"])]
    statement = select(Account.id).where(in_ids(Account.id, "ids")).order_by(Account.id)
    async with db.read() as session:
        assert [r.id for r in await core_rows(session, statement, {"ids": ids})] == sorted(ids)
        assert [r.id for r in await core_rows(session, statement, {"ids": ids[:1]})] == ids[:1]
        assert list(await core_rows(session, statement, {"ids": []})) == []
        # Unknown ids and the largest 64-bit id are fine; a repeated id gives one row.
        many = [ids[0], ids[0], 2**63 - 1, 1]
        assert [r.id for r in await core_rows(session, statement, {"ids": many})] == ids[:1]
        # The statement's text does not depend on the list's length.
        counted: list[str] = []
        db.query_counter = counted
        for size in (1, 2, 0):
            await core_rows(session, statement, {"ids": ids[:size]})
        db.query_counter = None
        assert len(set(counted)) == 1
