"""Queueing: one row per message and resident, written in the transaction that decided it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.domain.outbox import OutboxStatus
from core.domain.quiet_hours import QuietHours
from core.outbox.codec import dump_message
from core.outbox.ports import OutboundMessage
from core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Envelope:
    """One message to queue for one resident (``dedupe_key`` makes queueing idempotent)."""

    pseudonym: str
    channel: str
    dedupe_key: str
    message: OutboundMessage
    project_id: int | None = None
    round_id: int | None = None
    bot_id: int | None = None


async def enqueue(
    uow: UnitOfWork,
    envelopes: Sequence[Envelope],
    now: datetime,
    quiet: QuietHours | None = None,
) -> int:
    """Queue messages, skipping any whose dedupe key is known; return how many were new.

    Messages queued during quiet hours are due the next morning.
    """
    if not envelopes:
        return 0
    known = await uow.outbox.known_keys([e.dedupe_key for e in envelopes])
    due = (quiet.release(now) if quiet else None) or now
    rows: list[dict[str, Any]] = []
    for e in envelopes:
        if e.dedupe_key in known:
            continue
        known.add(e.dedupe_key)
        rows.append(
            {
                "pseudonym": e.pseudonym,
                "project_id": e.project_id,
                "round_id": e.round_id,
                "channel": e.channel,
                "bot_id": e.bot_id,
                "kind": e.message.kind,
                "payload": dump_message(e.message),
                "dedupe_key": e.dedupe_key,
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": due,
                "created_at": now,
            }
        )
    await uow.outbox.add(rows)
    return len(rows)
