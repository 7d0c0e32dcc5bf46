"""The composition root: wires storage, the bus, the conversation service and the channels.

Nothing here runs at import time; entrypoints (the CLI, tests, benchmarks) call ``bootstrap``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from config.settings import Settings
from core.channels import Channel, WebhookHandler
from core.outbox.ports import ChannelSender
from core.services.analyses import RoundAnalyses
from core.services.broadcast import broadcast_handlers
from core.services.bus import DEFAULT_HANDLERS, MessageBus
from core.services.conversation import Conversations
from core.services.project_file import import_project, parse_project_file
from core.storage.database import Database
from core.storage.db import create_engine
from core.storage.uow import Clock, UnitOfWork, utcnow

DEMO_FILE = Path(__file__).resolve().parent.parent / "core" / "demo" / "demo.toml"


@dataclass
class Container:
    """Everything a running inspraak needs, built once per process."""

    settings: Settings
    database: Database
    bus: MessageBus
    conversations: Conversations
    clock: Clock
    secret_key: str
    channels: dict[str, Channel] = field(default_factory=dict)
    analyses: RoundAnalyses = field(default_factory=RoundAnalyses)  # cached opinion analyses
    # per channel name, what the outbox sends broadcasts through
    senders: dict[str, ChannelSender] = field(default_factory=dict)

    @property
    def engine(self) -> AsyncEngine:
        return self.database.engine

    @property
    def reader(self) -> AsyncEngine:
        """The engine for long reads (pages, exports)."""
        return self.database.reader

    @property
    def background(self) -> AsyncEngine:
        """The engine for the outbox's bulk writes."""
        return self.database.background

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.database, self.clock)

    def reading(self) -> UnitOfWork:
        """A read-only unit of work for long reads: it never waits for (or holds) a writer."""
        return UnitOfWork(self.database, self.clock, read_only=True)

    def bulk(self) -> UnitOfWork:
        """A unit of work for bulk writes (the outbox, broadcasts) beside the residents'."""
        return UnitOfWork(self.database, self.clock, bulk=True)

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()
        await self.database.dispose()


def bootstrap(
    settings: Settings,
    *,
    engine: AsyncEngine | None = None,
    clock: Clock = utcnow,
    secret_key: str | None = None,
) -> Container:
    """Build the container from explicit arguments."""
    database = Database(engine or create_engine(settings.database_url))
    key = secret_key or settings.resolved_secret_key()

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(database, clock)

    def read_factory() -> UnitOfWork:
        return UnitOfWork(database, clock, read_only=True)

    def background_factory() -> UnitOfWork:
        return UnitOfWork(database, clock, bulk=True)

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
    container = Container(settings, database, bus, conversations, clock, key, analyses=analyses)
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
