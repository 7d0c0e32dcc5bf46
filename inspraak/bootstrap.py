"""The composition root: wires storage, the bus, the conversation service and the channels.

Nothing here runs at import time; entrypoints (the CLI, tests, benchmarks) call ``bootstrap``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from config.settings import Settings
from core.services.bus import MessageBus
from core.services.conversation import Conversations
from core.services.project_file import import_project, parse_project_file
from core.services.uow import Clock, UnitOfWork, utcnow
from core.storage.db import create_engine

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
    channels: dict[str, Any] = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.clock)

    async def close(self) -> None:
        await self.engine.dispose()


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

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(engine, clock)

    bus = MessageBus(uow_factory)
    conversations = Conversations(bus, key)
    container = Container(settings, engine, bus, conversations, clock, key)
    from bots.webchat.channel import WebChat

    container.channels["web"] = WebChat(conversations)
    from bots.telegram.channel import TelegramChannel

    # Always present (it stays idle without a token or a stored bot), so that bots added with
    # ``inspraak bot add`` run even without INSPRAAK_TELEGRAM_TOKEN.
    container.channels["telegram"] = TelegramChannel.from_settings(settings, conversations, key)
    return container


async def load_demo_if_empty(container: Container) -> str | None:
    """Load the demo project into an empty database; return its code when loaded."""
    async with container.uow() as uow:
        if await uow.projects.count():
            return None
        spec = parse_project_file(DEMO_FILE.read_text(encoding="utf-8"), DEMO_FILE.name)
        project, _ = await import_project(uow, spec)
        await uow.commit()
        return project.code
