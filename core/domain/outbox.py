"""The outbox's records: a queued message's status, a claimed row and what became of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

# Residents on these channels have no address to push to (the web chat) ...
PUSHLESS_CHANNELS = frozenset({"web"})
# ... and an e-mail contact asked only to hear when a round opens: no reminders or results.
PROMPT_ONLY = PUSHLESS_CHANNELS | {"email"}


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next_attempt_at
    SENDING = "sending"  # claimed by a sender; the channel may or may not have it yet
    SENT = "sent"
    FAILED = "failed"  # permanent error or retries used up; last_error says why
    BLOCKED = "blocked"  # the resident blocked the bot; never retried
    CANCELLED = "cancelled"  # the resident stopped, was erased, or has no address any more


@dataclass
class Claimed:
    """A row a sender claimed, with what it needs to send it."""

    id: int
    pseudonym: str
    channel: str
    bot_id: int | None
    kind: str
    payload: dict[str, Any]
    attempts: int
    project_id: int | None
    address: str | None
    resident_status: str | None


@dataclass
class RowOutcome:
    """What became of one claimed row, to be written back."""

    row_id: int
    status: OutboxStatus
    pseudonym: str
    tried: int = 0  # send attempts made for this outcome
    next_attempt_at: datetime | None = None
    error: str | None = None
    provider_id: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class Recipient:
    """A resident a broadcast goes to, on the channel they can be reached on."""

    resident_id: int
    pseudonym: str
    language: str
    channel: str
    bot_id: int | None
    has_progress: bool = False  # they have a round_progress row for the round
