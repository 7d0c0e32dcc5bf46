"""The outbox's store: queued messages, claimed in batches and written back with their outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.domain.outbox import Claimed, OutboxStatus, RowOutcome
from core.storage import tables as t
from core.storage.repositories import Repository

o = t.outbox
CHUNK = 500


class OutboxRepository(Repository):
    # -- queueing ----------------------------------------------------------------------------
    async def known_keys(self, keys: Sequence[str]) -> set[str]:
        """The dedupe keys among ``keys`` that are queued already."""
        known: set[str] = set()
        for start in range(0, len(keys), CHUNK):
            chunk = list(keys[start : start + CHUNK])
            known.update(
                await self.conn.scalars(sa.select(o.c.dedupe_key).where(o.c.dedupe_key.in_(chunk)))
            )
        return known

    async def withdraw(self, round_id: int, kind: str) -> int:
        """Remove a round's messages of ``kind`` not yet handed to a channel (still pending);
        those sent stay. Returns how many were removed."""
        result = await self.conn.execute(
            sa.delete(t.outbox).where(
                t.outbox.c.round_id == round_id,
                t.outbox.c.kind == kind,
                t.outbox.c.status == "pending",
            )
        )
        return int(result.rowcount or 0)

    async def add(self, rows: list[dict[str, Any]]) -> None:
        """Insert rows; a row whose dedupe key is known already is skipped."""
        if not rows:
            return
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(o).on_conflict_do_nothing(index_elements=["dedupe_key"])
        await self.conn.execute(statement, rows)

    # -- sending -----------------------------------------------------------------------------
    async def claim(
        self, channels: Sequence[str], now: datetime, lease: float, limit: int
    ) -> list[Claimed]:
        """Claim due rows of ``channels`` (and rows whose lease ran out), oldest first."""
        due = sa.or_(
            sa.and_(o.c.status == OutboxStatus.PENDING.value, o.c.next_attempt_at <= now),
            sa.and_(
                o.c.status == OutboxStatus.SENDING.value,
                o.c.claimed_at < now - timedelta(seconds=lease),
            ),
        )
        query = (
            sa.select(o.c.id)
            .where(o.c.channel.in_(list(channels)), due)
            .order_by(o.c.next_attempt_at, o.c.id)
            .limit(limit)
        )
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(await self.conn.scalars(query))
        if not ids:
            return []
        await self.conn.execute(
            o.update()
            .where(o.c.id.in_(ids))
            .values(status=OutboxStatus.SENDING.value, claimed_at=now)
        )
        rows = await self.conn.execute(
            sa.select(
                o.c.id,
                o.c.pseudonym,
                o.c.channel,
                o.c.bot_id,
                o.c.kind,
                o.c.payload,
                o.c.attempts,
                o.c.project_id,
                t.contacts.c.address,
                t.residents.c.status.label("resident_status"),
            )
            .select_from(
                o.outerjoin(t.contacts, t.contacts.c.pseudonym == o.c.pseudonym).outerjoin(
                    t.residents,
                    sa.and_(
                        t.residents.c.pseudonym == o.c.pseudonym,
                        t.residents.c.project_id == o.c.project_id,
                    ),
                )
            )
            .where(o.c.id.in_(ids))
            .order_by(o.c.next_attempt_at, o.c.id)
        )
        return [Claimed(**dict(r._mapping)) for r in rows]

    async def project_settings(self, project_ids: set[int]) -> dict[int, dict[str, Any]]:
        """The settings of these projects (for their quiet hours)."""
        if not project_ids:
            return {}
        rows = await self.conn.execute(
            sa.select(t.projects.c.id, t.projects.c.settings).where(
                t.projects.c.id.in_(project_ids)
            )
        )
        return {int(pid): dict(settings or {}) for pid, settings in rows}

    async def record(self, outcomes: Sequence[RowOutcome]) -> None:
        """Write back what became of claimed rows (a row no longer ``sending`` is left alone)."""
        if not outcomes:
            return
        statement = (
            o.update()
            .where(o.c.id == sa.bindparam("row_id"), o.c.status == OutboxStatus.SENDING.value)
            .values(
                status=sa.bindparam("new_status"),
                attempts=o.c.attempts + sa.bindparam("tried"),
                next_attempt_at=sa.func.coalesce(
                    sa.bindparam("next_at", type_=t.UTCDateTime()), o.c.next_attempt_at
                ),
                last_error=sa.bindparam("error"),
                provider_message_id=sa.bindparam("provider_id"),
                sent_at=sa.bindparam("sent", type_=t.UTCDateTime()),
                claimed_at=None,
            )
        )
        params = [
            {
                "row_id": r.row_id,
                "new_status": r.status.value,
                "tried": r.tried,
                "next_at": r.next_attempt_at,
                "error": r.error,
                "provider_id": r.provider_id,
                "sent": r.sent_at,
            }
            for r in outcomes
        ]
        await self.conn.execute(statement, params)

    async def release(self, ids: Sequence[int] | None = None) -> int:
        """Put ``sending`` rows (these, or all: a restart) back to ``pending``; return how many."""
        query = o.update().where(o.c.status == OutboxStatus.SENDING.value)
        if ids is not None:
            query = query.where(o.c.id.in_(list(ids)))
        result = await self.conn.execute(
            query.values(status=OutboxStatus.PENDING.value, claimed_at=None)
        )
        return int(result.rowcount or 0)

    # -- receipts ----------------------------------------------------------------------------
    async def fail_sent(self, provider_message_id: str, error: str) -> int:
        """Fail the rows sent as ``provider_message_id``; return how many changed."""
        result = await self.conn.execute(
            o.update()
            .where(o.c.provider_message_id == provider_message_id)
            .values(status=OutboxStatus.FAILED.value, last_error=error)
        )
        return int(result.rowcount or 0)

    async def requeue_sent(
        self, provider_message_id: str, now: datetime, reason: str
    ) -> str | None:
        """Queue a message sent once (and only once) again; return its resident's pseudonym.

        None when no such row exists or it was sent more than once already.
        """
        row = (
            await self.conn.execute(
                sa.select(o.c.id, o.c.pseudonym).where(
                    o.c.provider_message_id == provider_message_id,
                    o.c.status == OutboxStatus.SENT.value,
                    o.c.attempts <= 1,
                )
            )
        ).first()
        if row is None:
            return None
        await self.conn.execute(
            o.update()
            .where(o.c.id == row.id)
            .values(
                status=OutboxStatus.PENDING.value,
                next_attempt_at=now,
                claimed_at=None,
                provider_message_id=None,
                last_error=reason[:500],
            )
        )
        return str(row.pseudonym)
