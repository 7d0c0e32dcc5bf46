"""The composition root: wires storage, the bus, the conversation service and the channels.

Nothing here runs at import time; entrypoints (the CLI, tests, benchmarks) call ``bootstrap``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from config.settings import Settings
from core.analysis.service import RoundAnalyses
from core.channels import Channel, WebhookHandler
from core.outbox.ports import ChannelSender
from core.services.broadcast import broadcast_handlers
from core.services.bus import DEFAULT_HANDLERS, MessageBus
from core.services.conversation import Conversations
from core.services.project_file import import_project, parse_project_file
from core.services.uow import Clock, UnitOfWork, utcnow
from core.storage.db import background_for, create_engine, reader_for

DEMO_FILE = Path(__file__).resolve().parent.parent / "core" / "demo" / "demo.toml"


@dataclass
class Container:
    """Everything a running inspraak needs, built once per process."""

    settings: Settings
    engine: AsyncEngine
    bus: MessageBus
    conversations: Conversations
    clock: Clock
    secret_key: str
    channels: dict[str, Channel] = field(default_factory=dict)
    analyses: RoundAnalyses = field(default_factory=RoundAnalyses)  # cached opinion analyses
    # per channel name, what the outbox sends broadcasts through
    senders: dict[str, ChannelSender] = field(default_factory=dict)
    reader: AsyncEngine | None = None  # long reads (pages, exports); None: ``engine``
    background: AsyncEngine | None = None  # the outbox's writes; None: ``engine``

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.clock)

    def reading(self) -> UnitOfWork:
        """A read-only unit of work for long reads: it never waits for (or holds) a writer."""
        return UnitOfWork(self.reader or self.engine, self.clock, read_only=True)

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()
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
) -> Container:
    """Build the container from explicit arguments."""
    engine = engine or create_engine(settings.database_url)
    key = secret_key or settings.resolved_secret_key()

    reader = reader_for(engine)

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(engine, clock)

    def read_factory() -> UnitOfWork:
        return UnitOfWork(reader, clock, read_only=True)

    background = background_for(engine)

    def background_factory() -> UnitOfWork:
        return UnitOfWork(background, clock)

    from bots.telegram.registry import HANDLERS as BOT_HANDLERS
    from bots.whatsapp.templates import template_for

    bus = MessageBus(
        uow_factory,
        {**DEFAULT_HANDLERS, **BOT_HANDLERS},
        bulk=(
            broadcast_handlers(settings.base_url(), {"whatsapp": template_for}),
            background_factory,
        ),
    )
    analyses = RoundAnalyses()
    conversations = Conversations(bus, key, analyses, reading=read_factory)
    container = Container(
        settings,
        engine,
        bus,
        conversations,
        clock,
        key,
        analyses=analyses,
        reader=reader,
        background=background,
    )
    from bots.webchat.channel import WebChat

    container.channels["web"] = WebChat(conversations)
    if settings.whatsapp_token is not None:
        from bots.whatsapp import build_channel

        container.channels["whatsapp"] = build_channel(settings, conversations, clock)
    from bots.telegram.channel import TelegramChannel

    # Always present (it stays idle without a token or a stored bot), so that bots added with
    # ``inspraak bot add`` run even without INSPRAAK_TELEGRAM_TOKEN.
    container.channels["telegram"] = TelegramChannel.from_settings(settings, conversations, key)
    for name, channel in container.channels.items():
        if channel.sender is not None:
            container.senders[name] = channel.sender
    return container


def webhook_handlers(container: Container) -> dict[str, WebhookHandler]:
    """Every channel's ``handle_webhook``, by channel name, for ``app.state.webhooks``."""
    found: dict[str, WebhookHandler] = {}
    for name, channel in container.channels.items():
        handler = channel.webhook  # None: no webhook (Telegram when polling, the web chat)
        if handler is not None:
            found[name] = handler
    return found


async def load_demo_if_empty(container: Container) -> str | None:
    """Load the demo project into an empty database; return its code when loaded."""
    async with container.uow() as uow:
        if await uow.projects.count():
            return None
        spec = parse_project_file(DEMO_FILE.read_text(encoding="utf-8"), DEMO_FILE.name)
        project, _ = await import_project(uow, spec)
        await uow.commit()
        return project.code
