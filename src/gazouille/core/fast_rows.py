"""Hot read statements run straight on SQLite's connection, compiled once.

SQLAlchemy's execution path (execution context, parameter processing, cursor wrapping,
``Row`` building, the greenlet hop of its asyncio layer) costs about a tenth of a
millisecond per statement whatever the statement does; the statements of a home page take
less than that to run in SQLite itself. ``plan_for`` compiles a Core statement once into
its SQL text, the order and converters of its parameters and the converters of its result
columns (the very ones SQLAlchemy would apply), and ``run`` executes it on the raw
``sqlite3`` connection of the caller's transaction. Rows are named tuples: attribute,
index and unpacking access, as with SQLAlchemy's rows.

Only plain statements qualify: one whose compilation needs per-execution work (expanding
or literal-execute parameters, escaped names) gets no plan and goes the usual way.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class Plan:
    sql: str
    names: tuple[str, ...]  # bind parameter names in placeholder order
    defaults: dict[str, Any]  # values of the binds the statement carries itself
    computed: dict[str, Callable[[], Any]]  # binds whose value is computed at each run
    binders: dict[str, Converter]  # bind name → converter, where one applies
    convert: Callable[[list[Any]], list[Any]]  # fetched tuples → converted named rows


_NO_PLAN = object()
_LIMIT = 512
_plans: dict[int, tuple[Any, Any]] = {}


def plan_for(statement: Any, dialect: Dialect) -> Plan | None:
    """The statement's plan, compiled on first use (None when it does not qualify). The
    cache holds the statement itself, so its ``id`` cannot be reused while it is cached."""
    entry = _plans.get(id(statement))
    if entry is not None and entry[0] is statement:
        return None if entry[1] is _NO_PLAN else entry[1]
    plan = _compile(statement, dialect)
    if len(_plans) >= _LIMIT:
        _plans.clear()
    _plans[id(statement)] = (statement, _NO_PLAN if plan is None else plan)
    return plan


def _compile(statement: Any, dialect: Dialect) -> Plan | None:
    compiled = statement.compile(dialect=dialect)
    if (
        compiled.positiontup is None
        or compiled.literal_execute_params
        or compiled.post_compile_params
        or getattr(compiled, "escaped_bind_names", None)
        or not compiled._result_columns
    ):
        return None
    processors = compiled._bind_processors
    names = tuple(compiled.positiontup)
    binders = {name: processors[name] for name in set(names) if processors.get(name)}
    defaults = {
        name: bind.value
        for name, bind in ((name, compiled.binds[name]) for name in set(names))
        if not bind.required and bind.callable is None
    }
    computed = {
        name: compiled.binds[name].callable
        for name in set(names)
        if compiled.binds[name].callable is not None
    }
    keys = [column.keyname for column in compiled._result_columns]
    converters = {
        index: column.type._cached_result_processor(dialect, None)
        for index, column in enumerate(compiled._result_columns)
    }
    row = namedtuple("Row", keys, rename=True)  # type: ignore[misc]
    convert = _converter(row, {i: c for i, c in converters.items() if c is not None})
    return Plan(compiled.string, names, defaults, computed, binders, convert)


def _converter(
    row: type[tuple[Any, ...]], converters: dict[int, Converter]
) -> Callable[[list[Any]], list[Any]]:
    """A function that turns fetched tuples into ``row`` tuples, each column through its
    converter if it has one."""
    new = tuple.__new__
    pairs = tuple(converters.items())
    if not pairs:
        return lambda fetched: [new(row, values) for values in fetched]

    def convert(fetched: list[Any]) -> list[Any]:
        rows = []
        for values in fetched:
            items = list(values)
            for index, converter in pairs:
                items[index] = converter(items[index])
            rows.append(new(row, items))
        return rows

    return convert


def run(raw: sqlite3.Connection, plan: Plan, params: dict[str, Any] | None) -> list[Any]:
    """The statement's rows, converted as SQLAlchemy would."""
    given = params or {}
    defaults, binders = plan.defaults, plan.binders
    values = {name: compute() for name, compute in plan.computed.items()} if plan.computed else {}
    arguments = []
    for name in plan.names:
        if name in given:
            value = given[name]
        elif name in values:
            value = values[name]
        else:
            value = defaults[name]
        binder = binders.get(name)
        arguments.append(binder(value) if binder is not None else value)
    return plan.convert(raw.execute(plan.sql, arguments).fetchall())
