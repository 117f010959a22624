"""Database engines and the unit of work.

SQLite (default) gets two engines on the same file: a reader pool whose transactions begin
deferred, and a single writer connection whose transactions ``BEGIN IMMEDIATE``, so writers
queue in asyncio instead of failing with SQLITE_BUSY on a lock upgrade. WAL lets readers go
on while the writer works. Both run their statements in the event loop's thread (see
``_InlineConnection``); the writer waits for another process's lock asynchronously
(``_begin_immediate``). PostgreSQL uses one pool for both.

``Database.write()`` is the only place that commits; callbacks registered with
``after_commit`` run once the commit succeeded and are dropped on rollback (the outbox).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from typing import Any

import aiosqlite
import orjson
from sqlalchemy import DateTime, TypeDecorator, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util.concurrency import await_

from gazouille.core import fast_rows
from gazouille.core.clock import as_utc

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        # SQLite returns the stored text: parsed here in one C call rather than through
        # SQLAlchemy's regular expression and then ``as_utc`` (a page reads hundreds).
        def parse(value: Any) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                return datetime.fromisoformat(value).replace(tzinfo=UTC)
            return as_utc(value)

        return parse


def _json_loads(value: Any) -> Any:
    """orjson's parser for JSON columns, raising ``TypeError`` as ``json.loads`` does on a
    value that is not text (SQLAlchemy's SQLite JSON type then keeps a bare number)."""
    if not isinstance(value, str | bytes):
        raise TypeError(f"JSON text expected, not {type(value).__name__}")
    return orjson.loads(value)


class _InlineConnection(aiosqlite.Connection):
    """aiosqlite's connection, but each statement runs in the calling (event loop) thread.

    A read on an index takes microseconds in SQLite; handing it to aiosqlite's thread and
    back costs several times that, a few times per statement (cursor, execute, fetch). Both
    pools therefore run their statements inline. For the writer this matters even more:
    each hop back needed the GIL from a busy event loop, so a post's twenty statements held
    the write lock for tens of milliseconds under load and posts queued behind each other.
    The only statement that could wait, ``BEGIN IMMEDIATE`` for another process's lock,
    is retried with ``asyncio.sleep`` instead (``_begin_immediate``). The thread still
    opens and closes the connection."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def _inline_creator(url: str) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    path = make_url(url).database or ""

    async def create() -> aiosqlite.Connection:
        connection = _InlineConnection(partial(sqlite3.connect, path, check_same_thread=False), 64)
        connection._thread.daemon = True
        return await connection

    return create


def _sqlite_engine(
    url: str, *, immediate: bool, pool_size: int, inline: bool = False
) -> AsyncEngine:
    extra: dict[str, Any] = {"async_creator": _inline_creator(url)} if inline else {}
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=60,
        pool_pre_ping=False,
        json_deserializer=_json_loads,
        **extra,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us emit BEGIN ourselves (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Switching to WAL takes a lock: only when the file is not in WAL mode yet (a new
        # connection must open while another process writes).
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        # An inline writer must never wait for a lock in the event loop's thread: its
        # ``BEGIN IMMEDIATE`` fails at once and is retried asynchronously (_begin_immediate).
        cursor.execute(f"PRAGMA busy_timeout={0 if inline and immediate else 30000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        if immediate and inline:
            _begin_immediate(conn.connection.driver_connection._connection)
        elif inline:
            # Straight on the connection: through SQLAlchemy's execution path, this BEGIN
            # cost a tenth of a millisecond, as much as a page's feed query.
            conn.connection.driver_connection._connection.execute("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


WRITE_LOCK_WAIT = 30.0  # seconds a writer waits for another process's write lock
WRITE_LOCK_POLL = 0.004  # the longest pause between two tries


def _begin_immediate(raw: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE`` on an inline writer: while another process holds the write lock
    (a separate ``gazouille worker``, a CLI command), wait for it with ``asyncio.sleep``
    between tries, so that the event loop goes on serving. Once begun, a WAL transaction
    never waits again: readers do not block it and its commit's checkpoint is passive.
    Called from SQLAlchemy's ``begin`` event, inside its greenlet, hence ``await_``."""
    delay = 0.0005
    deadline = time.monotonic() + WRITE_LOCK_WAIT
    while True:
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        await_(asyncio.sleep(delay))
        # A short cap: the lock is usually held for milliseconds (a post, a fan-out), and
        # with 50 ms a post waited up to that long after the lock was free (posting p99).
        # A failed try costs microseconds.
        delay = min(delay * 2, WRITE_LOCK_POLL)


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, inline_reads: bool = True):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.write_engine = _sqlite_engine(url, immediate=True, pool_size=1, inline=True)
            self.read_engine = _sqlite_engine(
                url, immediate=False, pool_size=pool_size, inline=inline_reads
            )
        else:
            self.write_engine = create_async_engine(
                url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                json_deserializer=_json_loads,
            )
            self.read_engine = self.write_engine
        self._write_sessions = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self._query_counter: list[str] | None = None

    @property
    def query_counter(self) -> list[str] | None:
        """Set to a list to record every statement run (tests); None stops recording. The
        listener exists only while recording: ``core_rows`` takes its fast path only when
        no listener watches statements."""
        return self._query_counter

    @query_counter.setter
    def query_counter(self, value: list[str] | None) -> None:
        for engine in {self.write_engine, self.read_engine}:
            listening = event.contains(
                engine.sync_engine, "before_cursor_execute", self._count_query
            )
            if value is not None and not listening:
                event.listen(engine.sync_engine, "before_cursor_execute", self._count_query)
            elif value is None and listening:
                event.remove(engine.sync_engine, "before_cursor_execute", self._count_query)
        self._query_counter = value

    def _count_query(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self._query_counter is not None:
            self._query_counter.append(statement)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits on success, then runs the after-commit callbacks."""
        async with self._write_sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            callbacks: list[AfterCommit] = session.info.pop("after_commit", [])
        for callback in callbacks:
            try:
                await callback()
            except Exception:  # the commit stands; a failed notification is not fatal
                log.exception("after-commit callback failed")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work (never commits). Closing ends its transaction without
        expiring the loaded objects, so they stay usable after the block."""
        async with self._read_sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()


async def core_rows(
    session: AsyncSession, statement: Any, params: dict[str, Any] | None = None
) -> Sequence[Any]:
    """The rows (``Row`` objects) of a Core statement (plain columns, no ORM entities),
    run on the session's connection and transaction but outside the ORM's execution path,
    which costs about a third more per statement for nothing when no ORM objects are built.
    Hot read paths only. On SQLite the statement runs on the raw connection (``fast_rows``)
    unless it does not qualify or a listener watches statements (tests that count them)."""
    raw = _raw_sqlite(session)
    if raw is None:
        connection = await session.connection()
        raw = _remember_raw_sqlite(session, connection.sync_connection)
        if raw is None:
            return (await connection.execute(statement, params)).all()
    plan = fast_rows.plan_for(statement, raw[0].dialect)
    if plan is None:
        connection = await session.connection()
        return (await connection.execute(statement, params)).all()
    return fast_rows.run(raw[1], plan, params)


_RAW = "gazouille.raw_sqlite"


def _raw_sqlite(session: AsyncSession) -> tuple[Any, sqlite3.Connection] | None:
    """The session's connection and its raw ``sqlite3`` connection, remembered for the
    current transaction (asking the session for its connection costs a greenlet switch)."""
    remembered = session.info.get(_RAW)
    if remembered is None:
        return None
    transaction, sync, raw = remembered
    current = session.sync_session.get_transaction()
    if (
        current is None
        or transaction is not current
        or not current.is_active
        or sync.dispatch.before_cursor_execute
    ):
        return None
    return sync, raw


def _remember_raw_sqlite(session: AsyncSession, sync: Any) -> tuple[Any, sqlite3.Connection] | None:
    """See ``_raw_sqlite``: None when the fast path does not apply (PostgreSQL, a connection
    run in aiosqlite's thread, a listener watching statements)."""
    if sync is None or sync.dispatch.before_cursor_execute:
        return None
    driver = sync.connection.driver_connection
    if not isinstance(driver, _InlineConnection) or driver._connection is None:
        return None
    session.info[_RAW] = (session.sync_session.get_transaction(), sync, driver._connection)
    return sync, driver._connection


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run ``callback`` only if and after the session's transaction commits."""
    session.info.setdefault("after_commit", []).append(callback)


async def insert_ignore(
    session: AsyncSession, model: Any, values: dict[str, Any], conflict: list[str]
) -> bool:
    """INSERT … ON CONFLICT (``conflict`` columns) DO NOTHING on both backends; True when a
    row was inserted. Only that unique key is ignored: any other clash still raises."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = (
            pg_insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict)
        )
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict)
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def insert_from_select_ignore(
    session: AsyncSession, model: Any, columns: list[str], rows: Any
) -> int:
    """INSERT INTO model (columns) SELECT … ON CONFLICT DO NOTHING; the number inserted."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    stmt = insert_from_select_ignore_statement(dialect, model, columns, rows)
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


def insert_from_select_ignore_statement(
    dialect: str, model: Any, columns: list[str], rows: Any
) -> Any:
    """The statement of ``insert_from_select_ignore``, for callers that build it once."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model).from_select(columns, rows).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model).from_select(columns, rows).on_conflict_do_nothing()
