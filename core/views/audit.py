"""The audit log as admins read it: newest first, a page at a time, filtered by project and
action; and the whole of it (so filtered) for the CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from core.storage import tables as t
from core.views.reading import ReadUnit

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000

COLUMNS = ("id", "created_at", "actor", "user_id", "action", "project", "target", "detail")


@dataclass(frozen=True)
class AuditPage:
    entries: list[dict[str, Any]]
    page: int
    pages: int
    total: int


def _query(project: str | None, action: str | None) -> sa.Select[Any]:
    log = t.audit_log
    query = sa.select(
        log.c.id,
        log.c.created_at,
        log.c.actor,
        log.c.user_id,
        log.c.action,
        t.projects.c.code.label("project"),
        log.c.target,
        log.c.detail,
    ).select_from(log.outerjoin(t.projects, t.projects.c.id == log.c.project_id))
    if project:
        query = query.where(t.projects.c.code == project)
    if action:
        query = query.where(log.c.action == action)
    return query


async def audit_page(
    uow: ReadUnit, page: int = 1, project: str | None = None, action: str | None = None
) -> AuditPage:
    """One page of the audit log, newest first (``page`` is clamped to the pages there are)."""
    query = _query(project, action)
    total = int(
        await uow.conn.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = await uow.conn.execute(
        query.order_by(t.audit_log.c.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    )
    return AuditPage([dict(r._mapping) for r in rows], page, pages, total)


async def audit_rows(
    uow: ReadUnit, project: str | None = None, action: str | None = None
) -> list[dict[str, Any]]:
    """Every entry (at most ``EXPORT_LIMIT``), oldest first, for the CSV export."""
    rows = await uow.conn.execute(
        _query(project, action).order_by(t.audit_log.c.id).limit(EXPORT_LIMIT)
    )
    return [dict(r._mapping) for r in rows]
