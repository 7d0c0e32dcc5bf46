"""The web area's overview: projects per organisation and one project's live numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model
from core.domain.review import review_state
from core.storage import tables as t
from core.storage.repositories import to_domain
from core.views.moderation import moderation_mode, moderation_queue, reviewed
from core.views.population import Representation, representation
from core.views.reading import ReadUnit, not_held, project_rounds

_EPOCH = datetime.min.replace(tzinfo=UTC)


async def projects_for(uow: ReadUnit, organisation_id: int | None) -> list[dict[str, Any]]:
    """Projects with their organisation; all of them when ``organisation_id`` is None."""
    query = (
        sa.select(
            t.projects.c.id,
            t.projects.c.code,
            t.projects.c.title,
            t.projects.c.status,
            t.projects.c.organisation_id,
            t.projects.c.settings,
            t.organisations.c.name.label("organisation"),
        )
        .join(t.organisations, t.organisations.c.id == t.projects.c.organisation_id)
        .order_by(t.projects.c.id.desc())
    )
    if organisation_id is not None:
        query = query.where(t.projects.c.organisation_id == organisation_id)
    found = []
    for row in await uow.conn.execute(query):
        entry = dict(row._mapping)
        entry["archived"] = bool((entry.pop("settings") or {}).get("archived"))
        found.append(entry)
    return found


async def organisations(uow: ReadUnit) -> list[dict[str, Any]]:
    """Every organisation, by slug, and whether it has a logo."""
    logos = t.organisation_logos
    has_logo = logos.c.organisation_id.is_not(None).label("has_logo")
    rows = await uow.conn.execute(
        sa.select(t.organisations, has_logo)
        .outerjoin(logos, logos.c.organisation_id == t.organisations.c.id)
        .order_by(t.organisations.c.slug)
    )
    return [dict(r._mapping) for r in rows]


@dataclass
class DashboardRound:
    id: int
    key: str
    kind: str
    state: str
    open: bool
    opens_at: datetime | None
    closes_at: datetime | None
    published: bool
    started: int = 0
    finished: int = 0
    answers: int = 0
    live: bool = False  # results shown to residents and the public while the round runs
    items_from: str | None = None  # the ideas round its items come from (the shortlist)
    actions: tuple[str, ...] = ()  # what a facilitator can do to it now (open, close, ...)


@dataclass
class Dashboard:
    residents: int
    residents_by_channel: dict[str, int]
    rounds: list[DashboardRound]
    newest: list[dict[str, Any]]
    pending: int
    outbox: dict[str, int] | None  # None when this installation has no outbox table
    representation: Representation | None = None  # participation beside population figures


async def dashboard(uow: ReadUnit, project_id: int, now: datetime) -> Dashboard:
    """The live numbers of one project: a handful of grouped queries, whatever its size."""
    conn = uow.conn
    by_channel = {
        str(channel): int(n)
        for channel, n in await conn.execute(
            sa.select(t.residents.c.channel, sa.func.count())
            .where(t.residents.c.project_id == project_id)
            .group_by(t.residents.c.channel)
            .order_by(t.residents.c.channel)
        )
    }
    rounds = await project_rounds(conn, project_id)
    ids = [r.id for r in rounds]
    queue = await moderation_queue(uow, project_id, limit=0)
    row = (await conn.execute(sa.select(t.projects).where(t.projects.c.id == project_id))).first()
    project = to_domain(model.Project, row) if row is not None else None
    return Dashboard(
        sum(by_channel.values()),
        by_channel,
        await _dashboard_rounds(conn, rounds, now),
        await _newest_contributions(conn, ids, 10, await moderation_mode(conn, project_id)),
        queue.total,
        await outbox_progress(uow, project_id),
        await representation(uow, project) if project is not None else None,
    )


async def _dashboard_rounds(
    conn: AsyncConnection, rounds: list[model.Round], now: datetime
) -> list[DashboardRound]:
    ids = [r.id for r in rounds]
    progress = {
        int(rid): (int(s), int(f))
        for rid, s, f in await conn.execute(
            sa.select(
                t.round_progress.c.round_id,
                sa.func.count(t.round_progress.c.started_at),
                sa.func.count(t.round_progress.c.finished_at),
            )
            .where(t.round_progress.c.round_id.in_(ids))
            .group_by(t.round_progress.c.round_id)
        )
    }
    answers: dict[int, int] = {}
    for table in (t.ideas, t.ratings, t.votes, t.feedback):
        for rid, n in await conn.execute(
            sa.select(table.c.round_id, sa.func.count())
            .where(table.c.round_id.in_(ids))
            .group_by(table.c.round_id)
        ):
            answers[int(rid)] = answers.get(int(rid), 0) + int(n)
    return [
        DashboardRound(
            rnd.id or 0,
            rnd.key,
            rnd.kind.value,
            rnd.phase(now).value,  # the real state, also before the scheduler marked it
            rnd.is_open(now),
            rnd.opens_at,
            rnd.closes_at,
            rnd.results_published_at is not None,
            *progress.get(rnd.id or 0, (0, 0)),
            answers.get(rnd.id or 0, 0),
            live=rnd.live_results,
            items_from=rnd.items_from,
            actions=tuple(a.value for a in rnd.actions(now)),
        )
        for rnd in rounds
    ]


async def _newest_contributions(
    conn: AsyncConnection, round_ids: list[int | None], limit: int, moderation: str
) -> list[dict[str, Any]]:
    """The newest ideas and comments, each with where it really stands (``review``)."""
    found: list[dict[str, Any]] = []
    for kind, table in (("idea", t.ideas), ("feedback", t.feedback)):
        query = (
            sa.select(
                table.c.id,
                table.c.text,
                table.c.status,
                table.c.flags,
                table.c.created_at,
                t.rounds.c.key,
                reviewed(table, kind).label("reviewed"),
            )
            .join(t.rounds, t.rounds.c.id == table.c.round_id)
            .where(table.c.round_id.in_(round_ids), table.c.text != "", not_held(table))
            .order_by(table.c.id.desc())
            .limit(limit)
        )
        for r in await conn.execute(query):
            state = review_state(r.status, r.flags or [], moderation, bool(r.reviewed))
            found.append({"kind": kind, **r._mapping, "review": state.value})
    found.sort(key=lambda c: c["created_at"] or _EPOCH, reverse=True)
    return found[:limit]


async def outbox_progress(uow: ReadUnit, project_id: int) -> dict[str, int] | None:
    """Messages in the outbox per status, when this installation has an outbox table."""
    conn = uow.conn

    def load(sync: Any) -> sa.Table | None:
        if not sa.inspect(sync).has_table("outbox"):
            return None
        return sa.Table("outbox", sa.MetaData(), autoload_with=sync)

    table = await conn.run_sync(load)
    if table is None or "status" not in table.c:
        return None
    query = sa.select(table.c.status, sa.func.count()).group_by(table.c.status)
    if "project_id" in table.c:
        query = query.where(table.c.project_id == project_id)
    try:
        async with conn.begin_nested():
            rows = (await conn.execute(query)).all()
    except sa.exc.DBAPIError:  # a schema we do not know: leave the block out
        return None
    return {str(status): int(n) for status, n in rows}
