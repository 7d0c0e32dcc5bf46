"""What the rest of the system needs of a channel, as one protocol.

Every channel (Telegram, WhatsApp, the web chat) turns its events into ``Incoming`` and renders
``Reply`` (core/messages.py). Besides that, the composition root and the web ask each channel
the same few questions; a channel without an answer says None, so nobody probes a channel for
what it can do. What the outbox needs of a channel that pushes is in core/outbox/ports.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from core.outbox.ports import ChannelSender

WebhookResult = tuple[int, str | bytes, str]  # status code, body, content type
WebhookHandler = Callable[
    [str, Mapping[str, str], Mapping[str, str], bytes], Awaitable[WebhookResult]
]


class Channel(Protocol):
    """One channel as the composition root and the web see it."""

    @property
    def sender(self) -> ChannelSender | None:
        """What the outbox pushes through; None when the channel cannot push (web chat)."""
        ...

    @property
    def webhook(self) -> WebhookHandler | None:
        """What ``/webhook/<name>`` hands a request to; None without webhooks."""
        ...

    def join_link(self, code: str, payload: str | None = None) -> str | None:
        """A link that opens a chat about project ``code``; None when there is none.

        ``payload``: what the link starts the chat with instead of the code (a carry-over
        token, see core/services/carry_over.py), through the project's own bot."""
        ...

    async def close(self) -> None:
        """Release connections (called once, at shutdown)."""
        ...
