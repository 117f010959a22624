"""``core_rows``' fast path (``core.fast_rows``) gives what SQLAlchemy gives, and the token's
objects built from a Core row (``core.detached``) behave as loaded ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, String, bindparam, literal, select, union_all

from gazouille.core import clock, fast_rows
from gazouille.core.db import UTCDateTime, core_rows
from gazouille.core.sql import in_ids
from gazouille.domains.oauth.service import authenticate_token
from gazouille.models import Account, Status
from tests.conftest import Api


async def _both(db: Any, statement: Any, params: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    async with db.read() as session:
        fast = list(await core_rows(session, statement, params))
        slow = list((await session.execute(statement, params)).all())
    return fast, slow


async def test_rows_are_sqlalchemys(api: Api, db: Any, alice: str, bob: str) -> None:
    await api.post("/api/v1/statuses", alice, json={"status": "un", "sensitive": True})
    await api.post("/api/v1/statuses", bob, json={"status": "deux", "visibility": "private"})
    ids = [int((await api.me(t))["id"]) for t in (alice, bob)]
    viewer = bindparam("viewer", type_=BigInteger())
    statements = [
        # Every column type of the two busiest tables: booleans, JSON, datetimes, text.
        select(Account.__table__).where(in_ids(Account.id, "ids")).order_by(Account.id),
        select(Status.__table__).where(in_ids(Status.account_id, "ids")).order_by(Status.id),
        # Labels, literals carried by the statement, a value computed at each run.
        union_all(
            select(literal("a", String()).label("kind"), Account.id.label("id")).where(
                Account.id == viewer
            ),
            select(literal("s", String()), Status.id).where(
                Status.account_id == viewer,
                Status.created_at <= bindparam("at", type_=UTCDateTime(), callable_=clock.now),
            ),
        ),
    ]
    for statement in statements:
        fast, slow = await _both(db, statement, {"ids": ids, "viewer": ids[0]})
        assert fast and [tuple(r) for r in fast] == [tuple(r) for r in slow]
        assert [r._fields for r in fast] == [r._fields for r in slow]
        if db.is_sqlite:
            assert fast_rows.plan_for(statement, db.read_engine.dialect) is not None
    account = (await _both(db, statements[0], {"ids": ids}))[0][0]
    assert account.locked is False and account.created_at.tzinfo is not None
    assert isinstance(account.fields, list)


async def test_statements_that_need_per_run_text_go_the_usual_way(
    api: Api, db: Any, alice: str
) -> None:
    me = int((await api.me(alice))["id"])
    expanding = select(Account.id).where(Account.id.in_([me, 1]))
    assert fast_rows.plan_for(expanding, db.read_engine.dialect) is None
    fast, slow = await _both(db, expanding, {})
    assert [tuple(r) for r in fast] == [tuple(r) for r in slow] == [(me,)]


async def test_token_objects_are_detached_and_mergeable(api: Api, db: Any, alice: str) -> None:
    async with db.read() as session:
        info = await authenticate_token(session, alice)
    assert info is not None and info.account is not None and info.user is not None
    async with db.read() as session:
        loaded = await session.get(Account, info.account.id)
        assert loaded is not None
        for column in Account.__table__.columns:
            assert getattr(info.account, column.key) == getattr(loaded, column.key)
    async with db.write() as session:
        account = await session.merge(info.account)
        account.display_name = "Alice fusionnée"
    assert (await api.me(alice))["display_name"] == "Alice fusionnée"
    async with db.read() as session:
        assert await authenticate_token(session, "not a token") is None
