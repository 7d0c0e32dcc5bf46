"""The composition root: wires storage, the bus, the conversation service and the channels.

Nothing here runs at import time; entrypoints (the CLI, tests, benchmarks) call ``bootstrap``.
What only some entrypoints need is built on first use or on request, so that a command-line
call does not load the analysis (scikit-learn) or the channels (aiogram): the conversation
service and the analyses are built when first asked for, the channels unless
``channels=False``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from config.settings import Settings
from core.services.broadcast import broadcast_handlers
from core.services.bus import DEFAULT_HANDLERS, MessageBus
from core.services.uow import Clock, UnitOfWork, utcnow
from core.storage.db import background_for, create_engine, reader_for

if TYPE_CHECKING:
    from core.analysis.service import RoundAnalyses
    from core.services.conversation import Conversations

DEMO_FILE = Path(__file__).resolve().parent.parent / "core" / "demo" / "demo.toml"


@dataclass
class Container:
    """Everything a running inspraak needs, built once per process."""

    settings: Settings
    engine: AsyncEngine
    bus: MessageBus
    clock: Clock
    secret_key: str
    channels: dict[str, Any] = field(default_factory=dict)
    # core.channels.ChannelSender per channel name: what the outbox sends broadcasts through
    senders: dict[str, Any] = field(default_factory=dict)
    reader: AsyncEngine | None = None  # long reads (pages, exports); None: ``engine``
    background: AsyncEngine | None = None  # the outbox's writes; None: ``engine``

    @cached_property
    def analyses(self) -> RoundAnalyses:
        """The cached opinion analyses, one per process."""
        from core.analysis.service import RoundAnalyses

        return RoundAnalyses()

    @cached_property
    def conversations(self) -> Conversations:
        """The conversation service every channel hands its residents' messages to."""
        from core.services.conversation import Conversations

        return Conversations(self.bus, self.secret_key, self.analyses, reading=self.reading)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.clock)

    def reading(self) -> UnitOfWork:
        """A read-only unit of work for long reads: it never waits for (or holds) a writer."""
        return UnitOfWork(self.reader or self.engine, self.clock, read_only=True)

    async def close(self) -> None:
        for channel in self.channels.values():
            close = getattr(channel, "close", None)
            if close is not None:
                await close()
        await self.engine.dispose()
        for other in (self.reader, self.background):
            if other is not None and other is not self.engine:
                await other.dispose()


def bootstrap(
    settings: Settings,
    *,
    engine: AsyncEngine | None = None,
    clock: Clock = utcnow,
    secret_key: str | None = None,
    channels: bool = True,
) -> Container:
    """Build the container from explicit arguments; ``channels=False`` builds no channel
    (the command line: it sends through the outbox, which ``inspraak serve`` drains)."""
    engine = engine or create_engine(settings.database_url)
    key = secret_key or settings.resolved_secret_key()

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(engine, clock)

    background = background_for(engine)

    def background_factory() -> UnitOfWork:
        return UnitOfWork(background, clock)

    bus = MessageBus(
        uow_factory,
        DEFAULT_HANDLERS,
        bulk=(broadcast_handlers(settings.base_url()), background_factory),
    )
    container = Container(
        settings, engine, bus, clock, key, reader=reader_for(engine), background=background
    )
    if channels:
        _add_channels(container)
    return container


def _add_channels(container: Container) -> None:
    """The web chat, WhatsApp when it has a token, and Telegram."""
    from bots.telegram.channel import TelegramChannel
    from bots.webchat.channel import WebChat

    settings, conversations = container.settings, container.conversations
    container.channels["web"] = WebChat(conversations)
    if settings.whatsapp_token is not None:
        from bots.whatsapp import build_channel

        whatsapp = build_channel(settings, conversations, container.clock)
        container.channels["whatsapp"] = whatsapp
        container.senders["whatsapp"] = whatsapp
    # Always present (it stays idle without a token or a stored bot), so that bots added with
    # ``inspraak bot add`` run even without INSPRAAK_TELEGRAM_TOKEN.
    telegram = TelegramChannel.from_settings(settings, conversations, container.secret_key)
    container.channels["telegram"] = telegram
    container.senders["telegram"] = telegram.sender


WebhookHandler = Callable[
    [str, Mapping[str, str], Mapping[str, str], bytes], Awaitable[tuple[int, str | bytes, str]]
]


def webhook_handlers(container: Container) -> dict[str, WebhookHandler]:
    """Every channel's ``handle_webhook``, by channel name, for ``app.state.webhooks``."""
    found: dict[str, WebhookHandler] = {}
    for name, channel in container.channels.items():
        if name == "telegram" and container.settings.telegram_mode != "webhook":
            continue  # polling: Telegram must not be able to post updates at us
        handler = getattr(channel, "handle_webhook", None)
        if handler is not None:
            found[name] = handler
    return found


async def load_demo_if_empty(container: Container) -> str | None:
    """Load the demo project into an empty database; return its code when loaded."""
    from core.services.project_file import import_project, parse_project_file

    async with container.uow() as uow:
        if await uow.projects.count():
            return None
        spec = parse_project_file(DEMO_FILE.read_text(encoding="utf-8"), DEMO_FILE.name)
        project, _ = await import_project(uow, spec)
        await uow.commit()
        return project.code
