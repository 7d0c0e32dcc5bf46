"""What the outbox needs of a channel that can push messages, stated as core's questions.

- *Can this resident get free text now?* The channel answers when it sends: ``SENT``, or
  ``WINDOW_CLOSED`` when free text is not allowed now (a messaging window has closed).
- *What stands in when not?* A ``Template``: a pre-approved message with parameters and
  quick replies. The channel that cannot send free text makes one (``StandInMaker``) when a
  broadcast is queued; the outbox stores it with the message and sends it alone when told
  ``WINDOW_CLOSED``.
- *What does a receipt mean?* A channel turns its provider's delivery reports into a
  ``Receipt`` and hands them to ``core.outbox.receipts.apply_receipt``.

Replies to a resident's own message go back through the channel directly; everything the core
starts by itself (round prompts, reminders, results) goes through the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    WINDOW_CLOSED = "window_closed"  # no free text to this resident now: send the stand-in


class Receipt(StrEnum):
    """What a provider's report on a message already sent means to the outbox."""

    ACCEPTED = "accepted"  # the platform has it
    DELIVERED = "delivered"  # it reached the resident's device
    READ = "read"  # the resident opened it
    FAILED = "failed"  # it will never arrive: the row fails for good
    WINDOW_CLOSED = "window_closed"  # it was refused as free text: send the stand-in instead


@dataclass(frozen=True)
class Template:
    """A stand-in for free text: a pre-approved message, its parameters and quick replies."""

    name: str
    language: str
    parameters: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()  # quick-reply payloads


@dataclass(frozen=True)
class OutboundMessage:
    """A message the core sends on its own initiative."""

    replies: tuple[Reply, ...]
    kind: str = "message"  # prompt | reminder | results | message
    template: Template | None = None  # what stands in when free text is not allowed
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SendOutcome:
    status: SendStatus
    retry_after: float | None = None
    provider_id: str | None = None
    error: str | None = None


class ChannelSender(Protocol):
    """Implemented by each channel that can push (bots/telegram, bots/whatsapp)."""

    channel: str

    async def send(
        self, address: str, message: OutboundMessage, *, bot_id: int | None = None
    ) -> SendOutcome: ...


class StandInMaker(Protocol):
    """A channel's answer to "what stands in for this pushed message?" (None: nothing).

    Args:
        settings: the project's settings.
        kind: ``prompt``, ``reminder`` or ``results``.
        values: facts the stand-in may quote (``project_title``, ``project_code``,
            ``round_question``, ``closes_on``).
        project_code: the project's code.
        default_language: the resident's language.
        button: the option data that leads back into the dialogue, if any.
    """

    def __call__(
        self,
        settings: Mapping[str, Any],
        kind: str,
        values: Mapping[str, str],
        *,
        project_code: str,
        default_language: str = "nl",
        button: str | None = None,
    ) -> Template | None: ...
