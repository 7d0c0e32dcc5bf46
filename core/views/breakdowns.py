"""Scores per neighbourhood or age band, never for groups too small to stay anonymous."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from core.storage import tables as t
from core.views.reading import ANSWERS, ReadUnit
from core.views.results import RoundResult

MIN_GROUP = 10  # never show a breakdown for fewer residents than this
DIMENSIONS = ("wijk", "age_band")


@dataclass
class Breakdown:
    dimension: str
    groups: list[tuple[str, int]]  # (group, residents), only groups of at least MIN_GROUP
    hidden: int  # groups left out because they were too small
    cells: dict[tuple[str, int], float]  # (group, item id or 0) -> mean score or agree share


async def breakdown(
    uow: ReadUnit, rnd: RoundResult, dimension: str, item_ids: list[int]
) -> Breakdown:
    """Scores per neighbourhood or age band; groups and cells under MIN_GROUP stay hidden."""
    if dimension not in DIMENSIONS or rnd.kind == "ideas":
        raise ValueError(dimension)
    table = ANSWERS[rnd.kind]
    group = t.residents.c[dimension]
    joined = table.join(t.residents, t.residents.c.id == table.c.resident_id)
    counted = sa.func.count(sa.distinct(table.c.resident_id))
    rows = (
        await uow.conn.execute(
            sa.select(group, counted)
            .select_from(joined)
            .where(table.c.round_id == rnd.id, group.is_not(None))
            .group_by(group)
            .order_by(group)
        )
    ).all()
    groups = [(str(g), int(n)) for g, n in rows if n >= MIN_GROUP]
    names = [g for g, _ in groups]
    cells: dict[tuple[str, int], float] = {}
    if names:
        value, key, where = _cell(rnd.kind, table, item_ids)
        for g, item, v, n in await uow.conn.execute(
            sa.select(group, key, value, counted)
            .select_from(joined)
            .where(table.c.round_id == rnd.id, group.in_(names), *where)
            .group_by(group, key)
        ):
            if n >= MIN_GROUP and v is not None:
                cells[(str(g), int(item))] = round(float(v), 2)
    return Breakdown(dimension, groups, len(rows) - len(groups), cells)


def _cell(kind: str, table: sa.Table, item_ids: list[int]) -> tuple[Any, Any, list[Any]]:
    """What one cell shows for a round kind: (value, the column it is per, the filter)."""
    if kind == "rating":
        where = [table.c.criterion == 0, table.c.item_id.in_(item_ids)]
        return sa.func.avg(table.c.score), table.c.item_id, where
    if kind == "statements":
        agree = sa.func.avg(sa.case((table.c.value == 1, 1.0), else_=0.0))
        return agree, table.c.item_id, [table.c.item_id.in_(item_ids)]
    return sa.func.avg(table.c.score), sa.literal(0), [table.c.score.is_not(None)]
