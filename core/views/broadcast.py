"""Broadcast progress, a read model: how a round's queued messages are doing.

For ``inspraak round status`` and the facilitators' JSON route. It reads the ``outbox`` table
through a (read-only) unit of work, like the other views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain.outbox import OutboxStatus
from core.storage import tables as t
from core.storage.uow import UnitOfWork
from core.views.reading import aggregate_time

o = t.outbox


@dataclass
class BroadcastProgress:
    """How a round's messages are doing: for ``inspraak round status`` and the JSON route."""

    project: str
    round: str
    round_id: int
    total: int
    pending: int
    sending: int
    sent: int
    failed: int
    blocked: int
    cancelled: int
    held: int  # pending but not due yet (quiet hours, retry back-off)
    rate: float  # messages sent per second over the last minute
    eta_seconds: float | None
    next_attempt_at: datetime | None
    by_kind: dict[str, dict[str, int]]
    generated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "round": self.round,
            "round_id": self.round_id,
            "total": self.total,
            "pending": self.pending,
            "sending": self.sending,
            "sent": self.sent,
            "failed": self.failed,
            "blocked": self.blocked,
            "cancelled": self.cancelled,
            "held": self.held,
            "rate": round(self.rate, 2),
            "eta_seconds": None if self.eta_seconds is None else round(self.eta_seconds, 1),
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "by_kind": self.by_kind,
            "generated_at": self.generated_at.isoformat(),
        }


async def broadcast_progress(
    uow: UnitOfWork, code: str, round_key: str, now: datetime, window: float = 60.0
) -> BroadcastProgress | None:
    """Count a round's outbox rows by status and estimate the rate and time to go."""
    conn = uow.conn
    row = (
        await conn.execute(
            sa.select(t.rounds.c.id, t.projects.c.code)
            .select_from(t.rounds.join(t.projects, t.projects.c.id == t.rounds.c.project_id))
            .where(t.projects.c.code == code, t.rounds.c.key == round_key)
        )
    ).first()
    if row is None:
        return None
    round_id = int(row.id)
    totals, by_kind = await _counts(conn, round_id)
    pending = sa.and_(o.c.round_id == round_id, o.c.status == OutboxStatus.PENDING.value)
    held = int(
        await conn.scalar(sa.select(sa.func.count()).where(pending, o.c.next_attempt_at > now))
        or 0
    )
    next_at = aggregate_time(
        await conn.scalar(sa.select(sa.func.min(o.c.next_attempt_at)).where(pending))
    )
    rate = await _rate(conn, round_id, now, window)
    remaining = totals["pending"] + totals["sending"]
    eta = None
    if remaining == 0:
        eta = 0.0
    elif rate > 0:
        eta = remaining / rate
        if next_at is not None and next_at > now and held == totals["pending"]:
            eta += (next_at - now).total_seconds()
    return BroadcastProgress(
        project=str(row.code),
        round=round_key,
        round_id=round_id,
        total=sum(totals.values()),
        pending=totals["pending"],
        sending=totals["sending"],
        sent=totals["sent"],
        failed=totals["failed"],
        blocked=totals["blocked"],
        cancelled=totals["cancelled"],
        held=held,
        rate=rate,
        eta_seconds=eta,
        next_attempt_at=next_at,
        by_kind=by_kind,
        generated_at=now,
    )


async def _counts(
    conn: AsyncConnection, round_id: int
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """A round's rows per status, and per kind and status."""
    by_kind: dict[str, dict[str, int]] = {}
    totals = {s.value: 0 for s in OutboxStatus}
    for kind, status, n in await conn.execute(
        sa.select(o.c.kind, o.c.status, sa.func.count())
        .where(o.c.round_id == round_id)
        .group_by(o.c.kind, o.c.status)
    ):
        by_kind.setdefault(str(kind), {})[str(status)] = int(n)
        totals[str(status)] = totals.get(str(status), 0) + int(n)
    return totals, by_kind


async def _rate(conn: AsyncConnection, round_id: int, now: datetime, window: float) -> float:
    """Messages sent per second over the last ``window`` seconds."""
    recent, first = (
        await conn.execute(
            sa.select(sa.func.count(), sa.func.min(o.c.sent_at)).where(
                o.c.round_id == round_id,
                o.c.status == OutboxStatus.SENT.value,
                o.c.sent_at >= now - timedelta(seconds=window),
            )
        )
    ).one()
    first_at = aggregate_time(first)
    if not recent or first_at is None:
        return 0.0
    return int(recent) / max((now - first_at).total_seconds(), 1.0)
