"""What every repository shares: rows to domain objects and back, the dialect's upserts.

The repositories themselves live one per aggregate beside this module (``projects``,
``residents``, ``contributions``, ``dialogue``, ``accounts`` ...) and hang off the unit of
work (``uow.projects``); they are the only place the write side talks SQL.
"""

from __future__ import annotations

import functools
from dataclasses import fields
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model

T = TypeVar("T")

_ENUMS: dict[str, Any] = {
    "kind": model.RoundKind,
    "state": model.RoundState,
    "value": model.VoteValue,
}


def to_domain(cls: type[T], row: Any) -> T:
    """Build a domain dataclass from a row, converting enum columns."""
    mapping = row._mapping
    names = _field_names(cls)  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for name in names:
        if name not in mapping:
            continue
        value = mapping[name]
        if name == "status" and value is not None:
            value = _status_enum(cls)(value)
        elif name in _ENUMS and value is not None:
            value = _ENUMS[name](value)
        values[name] = value
    return cls(**values)


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]


def _status_enum(cls: type) -> Any:
    if cls is model.Resident:
        return model.ResidentStatus
    if cls is model.Project:
        return model.ProjectStatus
    return model.ContributionStatus


def row_values(obj: Any, table: sa.Table) -> dict[str, Any]:
    values = {}
    for f in fields(obj):
        if f.name == "id" or f.name not in table.c:
            continue
        value = getattr(obj, f.name)
        if hasattr(value, "value") and not isinstance(value, datetime):
            value = value.value
        values[f.name] = value
    return values


def insert_for(conn: AsyncConnection) -> Any:
    """The dialect's INSERT construct, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


class Repository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def _insert_many(self, table: sa.Table, objs: list[Any], chunk: int = 1000) -> list[int]:
        """Insert many rows in few statements; return their ids in the given order."""
        ids: list[int] = []
        statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        for start in range(0, len(objs), chunk):
            part = objs[start : start + chunk]
            result = await self.conn.execute(statement, [row_values(o, table) for o in part])
            for obj, new_id in zip(part, result.scalars(), strict=True):
                obj.id = int(new_id)
                ids.append(obj.id)
        return ids

    async def _insert(self, table: sa.Table, obj: Any) -> int:
        result = await self.conn.execute(
            table.insert().values(**row_values(obj, table)).returning(table.c.id)
        )
        new_id = int(result.scalar_one())
        obj.id = new_id
        return new_id


@functools.cache
def upsert_statement(
    dialect: str,
    table: sa.Table,
    keys: tuple[str, ...],
    update: tuple[str, ...],
    keep_first: bool,
) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, for values given at execution."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    excluded = insert.excluded
    changes: dict[str, Any]
    if keep_first:
        changes = {name: sa.func.coalesce(table.c[name], excluded[name]) for name in update}
    else:
        changes = {name: excluded[name] for name in update}
    return insert.on_conflict_do_update(index_elements=keys, set_=changes)
