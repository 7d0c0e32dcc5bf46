"""Representativeness: participation per wijk and age band beside the population figures, and
the results reweighted by one of them when the facilitator switched that on.

The computation is :mod:`core.analysis.representation`; this module only counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.analysis import representation as rep
from core.domain import model
from core.domain.population import AGE, DIMENSIONS, WIJK, Figures
from core.storage import tables as t
from core.storage.repositories import to_domain
from core.views.reading import ReadUnit, project_rounds

MAX_ITEMS = 10  # reweighted results shown per round: the items with the highest means
MIN_ANSWERS = 10  # items with fewer answers are left out (as breakdowns leave out small groups)


@dataclass
class GroupsView:
    dimension: str
    groups: list[rep.GroupRate]
    score: float | None
    lowest: rep.GroupRate | None
    without_figure: int  # participants whose group is unknown or has no figure


@dataclass
class ReweightedItem:
    text: str
    raw: float
    reweighted: float | None


@dataclass
class ReweightedRound:
    key: str
    kind: str  # "rating": mean scores; "statements": share agreeing (0..1)
    items: list[ReweightedItem]


@dataclass
class Representation:
    figures: Figures
    dimensions: list[GroupsView]  # only the dimensions with population figures
    reweight: str | None  # the dimension results are reweighted by, when switched on
    reweighted: list[ReweightedRound] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.dimensions


async def figures(uow: ReadUnit, project_id: int) -> Figures:
    """The population figures of a project, as entered or imported."""
    found = Figures()
    rows = await uow.conn.execute(
        sa.select(t.population.c.dimension, t.population.c.group_name, t.population.c.people)
        .where(t.population.c.project_id == project_id)
        .order_by(t.population.c.dimension, t.population.c.group_name)
    )
    for dimension, group, people in rows:
        if dimension in DIMENSIONS:
            found.of(dimension)[str(group)] = int(people)
    return found


async def representation(
    uow: ReadUnit, project: model.Project, *, published_only: bool = False
) -> Representation:
    """Rates, score and (when switched on) reweighted results of a project.

    With ``published_only`` the reweighted results cover published rounds only (public pages).
    """
    assert project.id is not None
    found = await figures(uow, project.id)
    views = []
    for dimension in DIMENSIONS:
        population = _ordered(found, dimension, project)
        if not population:
            continue
        counts = await _participants(uow.conn, project.id, dimension)
        groups = rep.rates(population, counts)
        known = sum(g.participants for g in groups)
        views.append(
            GroupsView(
                dimension,
                groups,
                rep.score(groups),
                rep.lowest(groups),
                sum(counts.values()) - known,
            )
        )
    reweight = project.settings.get("reweight")
    result = Representation(found, views, reweight if reweight in DIMENSIONS else None)
    if result.reweight and found.of(result.reweight):
        rounds = await project_rounds(uow.conn, project.id, published=published_only)
        for rnd in rounds:
            if rnd.kind in (model.RoundKind.RATING, model.RoundKind.STATEMENTS):
                result.reweighted.append(
                    await _reweighted(uow.conn, rnd, found.of(result.reweight), result.reweight)
                )
    return result


async def public_representation(uow: ReadUnit, code: str) -> Representation | None:
    """What the public summary shows: published rounds only; ``None`` without figures."""
    row = (await uow.conn.execute(sa.select(t.projects).where(t.projects.c.code == code))).first()
    if row is None:
        return None
    found = await representation(uow, to_domain(model.Project, row), published_only=True)
    return None if found.empty else found


def _ordered(found: Figures, dimension: str, project: model.Project) -> dict[str, int]:
    """Figures in the order the project names its groups (wijken as set, age bands young first)."""
    order = list(project.settings.get("wijken") or {}) if dimension == WIJK else model.AGE_BANDS
    given = found.of(dimension)
    return {g: given[g] for g in order if g in given}


async def _participants(conn: AsyncConnection, project_id: int, dimension: str) -> dict[str, int]:
    """Residents of the project per group (everyone who joined; a blank group as "")."""
    column = t.residents.c[WIJK if dimension == WIJK else AGE]
    rows = await conn.execute(
        sa.select(column, sa.func.count())
        .where(t.residents.c.project_id == project_id)
        .group_by(column)
    )
    return {str(g or ""): int(n) for g, n in rows}


async def _reweighted(
    conn: AsyncConnection, rnd: model.Round, population: dict[str, int], dimension: str
) -> ReweightedRound:
    """Per item the raw mean and the mean with each group's answers weighted."""
    table = t.ratings if rnd.kind == model.RoundKind.RATING else t.votes
    value: Any = (
        table.c.score if table is t.ratings else sa.case((table.c.value == 1, 1.0), else_=0.0)
    )
    where = [table.c.round_id == rnd.id]
    if table is t.ratings:
        where.append(table.c.criterion == 0)
    group = t.residents.c[dimension]
    joined = table.join(t.residents, t.residents.c.id == table.c.resident_id)
    # who answered at all (read from the index alone); their answers are weighted per group
    answered = (
        sa.select(table.c.resident_id).where(table.c.round_id == rnd.id).distinct().subquery()
    )
    takers = {
        str(g or ""): int(n)
        for g, n in await conn.execute(
            sa.select(group, sa.func.count())
            .select_from(answered.join(t.residents, t.residents.c.id == answered.c.resident_id))
            .group_by(group)
        )
    }
    weights = rep.weights(population, takers)
    top = (
        await conn.execute(
            sa.select(table.c.item_id, sa.func.avg(value))
            .where(*where)
            .group_by(table.c.item_id)
            .having(sa.func.count() >= MIN_ANSWERS)
            .order_by(sa.func.avg(value).desc(), table.c.item_id)
            .limit(MAX_ITEMS)
        )
    ).all()
    cells: dict[int, dict[str, tuple[float, int]]] = {int(i): {} for i, _ in top}
    texts = dict(
        (
            await conn.execute(
                sa.select(t.items.c.id, t.items.c.text).where(t.items.c.id.in_(list(cells)))
            )
        ).all()
    )
    for item_id, g, total, n in await conn.execute(
        sa.select(table.c.item_id, group, sa.func.sum(value), sa.func.count())
        .select_from(joined)
        .where(*where, table.c.item_id.in_(list(cells)))
        .group_by(table.c.item_id, group)
    ):
        cells[int(item_id)][str(g or "")] = (float(total or 0), int(n))
    items = [
        ReweightedItem(str(texts[i]), float(raw), rep.reweighted_mean(cells[int(i)], weights))
        for i, raw in top
    ]
    return ReweightedRound(rnd.key, rnd.kind.value, items)
