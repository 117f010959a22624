"""The SQLite writer runs in the event loop's thread: while another process holds the write
lock, it waits with the loop still serving, then writes."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from gazouille.core import db as db_module


async def test_writer_waits_for_another_process_lock_without_blocking_the_loop(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's single-writer lock")
    async with db.read() as session:  # the file is in WAL mode from the first connection on
        await session.execute(text("SELECT 1"))
    other = sqlite3.connect(make_url(db.url).database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as another process would
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def release_later() -> None:
        await asyncio.sleep(0.3)
        other.execute("COMMIT")

    ticker = asyncio.create_task(tick())
    releaser = asyncio.create_task(release_later())
    started = time.monotonic()
    async with db.write() as session:
        await session.execute(text("CREATE TABLE IF NOT EXISTS writer_probe (x INTEGER)"))
        await session.execute(text("INSERT INTO writer_probe VALUES (1)"))
    waited = time.monotonic() - started
    ticker.cancel()
    await releaser
    assert waited >= 0.25  # it did wait for the lock...
    assert ticks >= 10  # ...and the loop went on meanwhile
    async with db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM writer_probe"))).scalar() == 1
    # A lock held for longer than the writer is willing to wait is an error, not a hang.
    monkeypatch.setattr(db_module, "WRITE_LOCK_WAIT", 0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Exception, match="locked"):
            async with db.write() as session:
                await session.execute(text("INSERT INTO writer_probe VALUES (2)"))
    finally:
        other.execute("ROLLBACK")
        other.close()
