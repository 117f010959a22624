"""ORM objects built from a Core row, as if loaded by a session that has since closed.

Loading a few ORM entities through a session query costs far more than the query (about
half a millisecond for the four objects of an API token, on every request). ``Columns``
lists a model's columns for a Core statement; ``Columns.detached`` turns that part of a row
into a *detached* instance with its identity and committed state: what a query in a closed
read session leaves behind, which is how such objects were used anyway (write paths merge
or refresh them in their own session).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached


class Columns:
    """The column attributes of ``model``, in a fixed order, for ``select(*columns)``."""

    def __init__(self, model: type[Any]):
        mapper = inspect(model)
        self.model = model
        self._manager = mapper.class_manager
        props = list(mapper.column_attrs)
        self.keys = [prop.key for prop in props]
        self.columns = [prop.columns[0] for prop in props]
        self._primary_index = [self.columns.index(c) for c in mapper.primary_key]
        self._index = {key: n for n, key in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.columns)

    def value(self, values: Any, key: str) -> Any:
        """The column ``key``'s value among ``values`` (no object built)."""
        return values[self._index[key]]

    def detached(self, values: Any) -> Any:
        """The instance whose column values are ``values`` (in ``columns`` order), or None
        when its primary key is null (an outer join that found nothing)."""
        if any(values[i] is None for i in self._primary_index):
            return None
        instance = self._manager.new_instance()
        instance.__dict__.update(zip(self.keys, values, strict=True))
        make_transient_to_detached(instance)
        return instance
