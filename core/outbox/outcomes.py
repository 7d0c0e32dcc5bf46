"""Outcomes: what becomes of a claimed row, from the row, the time and the channel's answer.

A row that must not go now is held (``hold``): cancelled when it has no address or its resident
is no longer active, put back until morning in quiet hours. A channel's answer (``answered``)
makes it sent, blocked or failed, or due again after a backoff (``Retry``); free text refused
outside a messaging window is sent again as its stand-in alone (``stand_in``). The worker
applies these and writes the outcomes back; nothing here waits, sends or touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.domain.model import ResidentStatus
from core.domain.outbox import Claimed, OutboxStatus, RowOutcome
from core.domain.quiet_hours import QuietHours
from core.outbox.ports import OutboundMessage, SendOutcome, SendStatus


@dataclass(frozen=True)
class Retry:
    """Exponential backoff for transient failures, up to ``max_attempts`` in all."""

    max_attempts: int = 8
    backoff_base: float = 2.0  # after n attempts a row waits backoff_base ** n seconds ...
    backoff_max: float = 3600.0  # ... and never longer than this

    def outcome(self, row: Claimed, error: str, now: datetime) -> RowOutcome:
        """Due again after the backoff, or failed for good once the attempts are used up."""
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            return RowOutcome(row.id, OutboxStatus.FAILED, row.pseudonym, 1, error=error)
        delay = min(self.backoff_max, self.backoff_base**attempts)
        return RowOutcome(
            row.id,
            OutboxStatus.PENDING,
            row.pseudonym,
            1,
            next_attempt_at=now + timedelta(seconds=delay),
            error=error,
        )


def hold(row: Claimed, quiet: QuietHours | None, now: datetime) -> RowOutcome | None:
    """The outcome for a row that must not go now (no address, not active, quiet hours).

    Cancelled rows are done with; a row held for quiet hours is ``PENDING`` until they end.
    """
    if row.address is None:
        return RowOutcome(row.id, OutboxStatus.CANCELLED, row.pseudonym, error="no address")
    if row.project_id is not None and row.resident_status != ResidentStatus.ACTIVE.value:
        reason = f"resident {row.resident_status or 'erased'}"
        return RowOutcome(row.id, OutboxStatus.CANCELLED, row.pseudonym, error=reason)
    release = quiet.release(now) if quiet else None
    if release is not None:
        return RowOutcome(row.id, OutboxStatus.PENDING, row.pseudonym, next_attempt_at=release)
    return None


def answered(
    row: Claimed, outcome: SendOutcome, tried: int, now: datetime, retry: Retry
) -> RowOutcome:
    """What a channel's answer (other than a rate limit) makes of the row."""
    status = outcome.status
    if status == SendStatus.SENT:
        return RowOutcome(
            row.id,
            OutboxStatus.SENT,
            row.pseudonym,
            tried,
            provider_id=outcome.provider_id,
            sent_at=now,
        )
    if status == SendStatus.BLOCKED:
        return RowOutcome(row.id, OutboxStatus.BLOCKED, row.pseudonym, tried, error=outcome.error)
    if status in (SendStatus.FAILED, SendStatus.WINDOW_CLOSED):
        error = outcome.error or status.value
        return RowOutcome(row.id, OutboxStatus.FAILED, row.pseudonym, tried, error=error)
    return retry.outcome(row, outcome.error or "retry", now)


def stand_in(outcome: SendOutcome, message: OutboundMessage) -> OutboundMessage | None:
    """Free text was refused: the message's stand-in alone, when it has one not tried yet."""
    if outcome.status == SendStatus.WINDOW_CLOSED and message.template and message.replies:
        return replace(message, replies=())
    return None
