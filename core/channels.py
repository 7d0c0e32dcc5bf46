"""What the core needs of a channel to push messages: the ``ChannelSender`` contract.

Replies to a resident's own message go back through the channel directly. Everything the core
starts by itself (round prompts, reminders, results) goes through the outbox
(core/outbox.py), which calls a ``ChannelSender`` per channel and acts on its ``SendOutcome``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from core.messages import Reply


class SendStatus(StrEnum):
    SENT = "sent"  # delivered to the platform; provider_id set when it gives one
    RETRY = "retry"  # transient (5xx, network): try again later with backoff
    RATE_LIMITED = "rate_limited"  # the platform asked us to slow down for retry_after seconds
    BLOCKED = "blocked"  # the person blocked us or cannot receive: mark them, never retry
    FAILED = "failed"  # permanent error for this message (4xx): keep the reason, no retry
    WINDOW_CLOSED = "window_closed"  # WhatsApp: outside the 24 h window, send a template instead


@dataclass(frozen=True)
class Template:
    """An approved message template (WhatsApp) with its parameters."""

    name: str
    language: str
    parameters: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()  # quick-reply payloads


@dataclass(frozen=True)
class OutboundMessage:
    """A message the core sends on its own initiative."""

    replies: tuple[Reply, ...]
    kind: str = "message"  # prompt | reminder | results | message
    template: Template | None = None  # what to send when a free-form message is not allowed
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SendOutcome:
    status: SendStatus
    retry_after: float | None = None
    provider_id: str | None = None
    error: str | None = None


class ChannelSender(Protocol):
    """Implemented by each channel adapter (bots/telegram, bots/whatsapp)."""

    channel: str

    async def send(
        self, address: str, message: OutboundMessage, *, bot_id: int | None = None
    ) -> SendOutcome: ...
