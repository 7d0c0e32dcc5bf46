"""The moderation queue and log of a project, and which project a contribution belongs to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain.review import ReviewState, review_state
from core.domain.screening import is_held
from core.storage import tables as t
from core.views.reading import GONE, ReadUnit

_EPOCH = datetime.min.replace(tzinfo=UTC)
KINDS = (("idea", t.ideas), ("feedback", t.feedback))

Flagger = Callable[[str], list[str]]


@dataclass
class QueueEntry:
    kind: str
    id: int
    round_key: str
    round_id: int
    text: str
    status: str
    created_at: datetime | None
    score: int | None = None
    themes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    review: str = ReviewState.WAITING.value  # where it really stands (never "approved" here)

    @property
    def held(self) -> bool:
        """Flagged and not approved: nobody outside the moderation view sees it yet."""
        return is_held(self.flags, self.status)


@dataclass
class ModerationQueue:
    entries: list[QueueEntry]
    total: int
    log: list[dict[str, Any]] = field(default_factory=list)


def unreviewed(table: sa.Table, kind: str) -> Any:
    return sa.and_(table.c.status.not_in(GONE), table.c.text != "", ~reviewed(table, kind))


async def moderation_queue(
    uow: ReadUnit, project_id: int, limit: int = 50, flag: Flagger | None = None
) -> ModerationQueue:
    """Ideas and feedback nobody has reviewed yet, flagged ones first, then oldest first.

    Each entry carries the flags stored on arrival (or after a correction); ``flag(text)``
    adds what the text shows now, for rows stored before flags were kept.
    """
    conn = uow.conn
    entries: list[QueueEntry] = []
    total = 0
    for kind, table in KINDS:
        where = sa.and_(t.rounds.c.project_id == project_id, unreviewed(table, kind))
        base = sa.select(table).join(t.rounds, t.rounds.c.id == table.c.round_id).where(where)
        total += int(
            await conn.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
        )
        if limit:
            entries += await _entries(conn, kind, table, where, limit)
    if entries:
        themes = await _themes(conn, [e.id for e in entries if e.kind == "idea"])
        mode = await moderation_mode(conn, project_id)
        for entry in entries:
            entry.themes = themes.get(entry.id, []) if entry.kind == "idea" else []
            computed = flag(entry.text) if flag else []
            entry.flags = [*entry.flags, *(f for f in computed if f not in entry.flags)]
            entry.review = review_state(entry.status, entry.flags, mode, False).value
        entries.sort(key=lambda e: (not e.flags, e.created_at or _EPOCH))
    return ModerationQueue(entries[: limit or None], total)


async def moderation_mode(conn: AsyncConnection, project_id: int) -> str:
    """The project's moderation: "pre" (beforehand) or "post" (afterwards, the default)."""
    settings = await conn.scalar(
        sa.select(t.projects.c.settings).where(t.projects.c.id == project_id)
    )
    return str((settings or {}).get("moderation") or "post")


def reviewed(table: sa.Table, kind: str) -> sa.ColumnElement[bool]:
    """Whether a facilitator approved, rejected or merged the row (its moderation log)."""
    return sa.exists(
        sa.select(t.moderation_log.c.id).where(
            t.moderation_log.c.target_kind == kind,
            t.moderation_log.c.target_id == table.c.id,
            t.moderation_log.c.action.in_(("approve", "reject", "merge")),
        )
    )


async def _entries(
    conn: AsyncConnection, kind: str, table: sa.Table, where: Any, limit: int
) -> list[QueueEntry]:
    rows = await conn.execute(
        sa.select(
            table.c.id,
            table.c.text,
            table.c.status,
            table.c.created_at,
            table.c.round_id,
            t.rounds.c.key,
            (table.c.score if kind == "feedback" else sa.null()).label("score"),
            table.c.flags,
        )
        .join(t.rounds, t.rounds.c.id == table.c.round_id)
        .where(where)
        .order_by(sa.case((sa.func.json_array_length(table.c.flags) > 0, 0), else_=1), table.c.id)
        .limit(limit)
    )
    return [
        QueueEntry(
            kind,
            r.id,
            r.key,
            r.round_id,
            r.text,
            r.status,
            r.created_at,
            r.score,
            flags=list(r.flags or []),
        )
        for r in rows
    ]


async def _themes(conn: AsyncConnection, idea_ids: list[int]) -> dict[int, list[str]]:
    themes: dict[int, list[str]] = {}
    for idea_id, theme in await conn.execute(
        sa.select(t.idea_themes.c.idea_id, t.themes.c.name)
        .join(t.themes, t.themes.c.id == t.idea_themes.c.theme_id)
        .where(t.idea_themes.c.idea_id.in_(idea_ids))
        .order_by(t.themes.c.name)
    ):
        themes.setdefault(int(idea_id), []).append(theme)
    return themes


async def moderation_log(uow: ReadUnit, project_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The newest moderation decisions of a project, with who took them."""
    rows = await uow.conn.execute(
        sa.select(t.moderation_log, t.users.c.email)
        .outerjoin(t.users, t.users.c.id == t.moderation_log.c.user_id)
        .where(t.moderation_log.c.project_id == project_id)
        .order_by(t.moderation_log.c.id.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


async def contribution_project(uow: ReadUnit, kind: str, item_id: int) -> int | None:
    """The project an idea or a feedback answer belongs to."""
    table = dict(KINDS)[kind]
    found = await uow.conn.scalar(
        sa.select(t.rounds.c.project_id)
        .join(table, table.c.round_id == t.rounds.c.id)
        .where(table.c.id == item_id)
    )
    return int(found) if found is not None else None
