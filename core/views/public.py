"""The landing page: the projects anyone can join now, and those with a public summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import to_domain
from core.views.reading import ReadUnit


async def open_projects(uow: ReadUnit, now: datetime) -> list[dict[str, Any]]:
    """Active, listed projects that have a round open now (the landing page)."""
    conn = uow.conn
    rows = await conn.execute(
        sa.select(t.projects).where(t.projects.c.status == model.ProjectStatus.ACTIVE.value)
    )
    projects = [dict(r._mapping) for r in rows]
    if not projects:
        return []
    rounds = await conn.execute(
        sa.select(t.rounds).where(t.rounds.c.project_id.in_([p["id"] for p in projects]))
    )
    open_ids = set()
    for row in rounds:
        if to_domain(model.Round, row).is_open(now):
            open_ids.add(row.project_id)
    return [
        p for p in projects if p["id"] in open_ids and (p["settings"] or {}).get("listed", True)
    ]


async def next_opening(
    uow: ReadUnit, now: datetime, allows_bot: Callable[[int | None], bool] = lambda _: True
) -> tuple[str, str, datetime] | None:
    """The (code, title, opening time) of the first round scheduled to open later in an
    active, listed project (whose bot ``allows_bot``); None when none is scheduled."""
    p, r = t.projects, t.rounds
    rows = await uow.conn.execute(
        sa.select(p.c.code, p.c.title, p.c.settings, p.c.bot_id, r.c.opens_at)
        .join(r, r.c.project_id == p.c.id)
        .where(
            p.c.status == model.ProjectStatus.ACTIVE.value,
            r.c.state == model.RoundState.SCHEDULED.value,
            r.c.opens_at > now,
        )
        .order_by(r.c.opens_at)
    )
    for code, title, settings, bot_id, opens_at in rows:
        if (settings or {}).get("listed", True) and allows_bot(bot_id):
            return str(code), str(title), opens_at
    return None


async def projects_with_summary(uow: ReadUnit) -> list[dict[str, Any]]:
    """Listed projects, not drafts, with a round whose results are shown (``/p/CODE``)."""
    conn = uow.conn
    rows = await conn.execute(
        sa.select(t.projects.c.id, t.projects.c.code, t.projects.c.title, t.projects.c.settings)
        .where(t.projects.c.status != model.ProjectStatus.DRAFT.value)
        .order_by(t.projects.c.title)
    )
    projects = [dict(r._mapping) for r in rows if (r.settings or {}).get("listed", True)]
    if not projects:
        return []
    rounds = await conn.execute(
        sa.select(t.rounds).where(t.rounds.c.project_id.in_([p["id"] for p in projects]))
    )
    shown = {row.project_id for row in rounds if to_domain(model.Round, row).results_shown}
    return [{"code": p["code"], "title": p["title"]} for p in projects if p["id"] in shown]


async def has_public_summary(uow: ReadUnit, code: str) -> bool:
    """Whether ``/p/CODE`` shows something: the project is no draft and a round's results are
    shown (published, or shown live)."""
    conn = uow.conn
    project = (
        await conn.execute(
            sa.select(t.projects.c.id).where(
                t.projects.c.code == code,
                t.projects.c.status != model.ProjectStatus.DRAFT.value,
            )
        )
    ).first()
    if project is None:
        return False
    rounds = await conn.execute(sa.select(t.rounds).where(t.rounds.c.project_id == project.id))
    return any(to_domain(model.Round, row).results_shown for row in rounds)


async def database_answers(uow: ReadUnit) -> None:
    """Ask the database the smallest question there is (the readiness check); raises if not."""
    await uow.conn.execute(sa.text("SELECT 1"))
