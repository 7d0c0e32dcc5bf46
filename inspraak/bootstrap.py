"""The composition root: wires storage, the bus, the conversation service and the channels.

Nothing here runs at import time; entrypoints (the CLI, tests, benchmarks) call ``bootstrap``.
What only some entrypoints need is built on first use or on request, so that a command-line
call does not load the analysis (scikit-learn) or the channels (aiogram): the conversation
service and the analyses are built when first asked for, the channels unless
``channels=False``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from config.settings import Settings
from core.channels import Channel, WebhookHandler
from core.domain import commands as c
from core.domain import events as e
from core.mail import Mailer, SmtpConfig, SmtpMailer
from core.outbox.ports import ChannelSender
from core.services.broadcast import broadcast_handlers
from core.services.bus import DEFAULT_HANDLERS, MessageBus
from core.services.staff_mail import Postman
from core.storage.database import Database
from core.storage.db import Engine, create_engine
from core.storage.uow import Clock, UnitOfWork, utcnow

if TYPE_CHECKING:
    from core.services.analyses import RoundAnalyses
    from core.services.conversation import Conversations
    from core.services.preview import Previews
    from core.services.similar_ideas import SimilarIdeas

DEMO_FILE = Path(__file__).resolve().parent.parent / "core" / "demo" / "demo.toml"


@dataclass
class Container:
    """Everything a running inspraak needs, built once per process.

    It owns what would otherwise be global: the database's engines, write lock and catalogue
    cache (``database``), the bus and its subscribers, the channels and their registries.
    """

    settings: Settings
    database: Database
    bus: MessageBus
    clock: Clock
    secret_key: str
    channels: dict[str, Channel] = field(default_factory=dict)
    # per channel name, what the outbox sends broadcasts through
    senders: dict[str, ChannelSender] = field(default_factory=dict)
    # sends mail to facilitators and admins (invitations, reset links, digests); None: no SMTP
    postman: Postman | None = None

    @property
    def engine(self) -> Engine:
        return self.database.engine

    @property
    def reader(self) -> Engine:
        """The engine for long reads (pages, exports)."""
        return self.database.reader

    @property
    def background(self) -> Engine:
        """The engine for the outbox's bulk writes."""
        return self.database.background

    @cached_property
    def analyses(self) -> RoundAnalyses:
        """The cached opinion analyses, one per process."""
        from core.services.analyses import RoundAnalyses

        return RoundAnalyses()

    @cached_property
    def similar_ideas(self) -> SimilarIdeas:
        """The similar-idea indexes per round, one set per process."""
        from core.services.similar_ideas import SimilarIdeas

        return SimilarIdeas(encoder=self.settings.similarity_encoder)

    @cached_property
    def conversations(self) -> Conversations:
        """The conversation service every channel hands its residents' messages to."""
        from core.services.conversation import Conversations

        return Conversations(
            self.bus,
            self.secret_key,
            self.analyses,
            reading=self.reading,
            glancing=self.glancing,
            public_url=self.settings.public_url,
            similar=self.similar_ideas,
            notify_ways=self.notify_ways,
        )

    def notify_ways(self, code: str) -> tuple[tuple[str, str], ...]:
        """What a web-chat resident of project ``code`` may choose to hear of new rounds by:
        Telegram or WhatsApp when the project can be joined there (a link on our site that
        makes the carry-over link; a path on the web chat's own site without a public URL),
        e-mail when mail is configured."""
        base = self.settings.public_url.rstrip("/")
        ways: list[tuple[str, str]] = []
        for name in ("telegram", "whatsapp"):
            channel = self.channels.get(name)
            if channel is not None and channel.join_link(code):
                ways.append((name, f"{base}/chat/{code}/continue/{name}"))
        if "email" in self.channels:
            ways.append(("email", ""))
        return tuple(ways)

    @cached_property
    def previews(self) -> Previews:
        """Facilitators' preview chats, each on a throwaway copy of its project."""
        from core.services.preview import Previews

        return Previews(
            self.settings.data_dir / "previews",
            self.reading,
            self.secret_key,
            self.clock,
            public_url=self.settings.public_url,
        )

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.database, self.clock)

    def reading(self) -> UnitOfWork:
        """A read-only unit of work for long reads: it never waits for (or holds) a writer."""
        return UnitOfWork(self.database, self.clock, read_only=True)

    def glancing(self) -> UnitOfWork:
        """A read-only unit of work for a few short reads (before a chat step)."""
        return UnitOfWork(self.database, self.clock, read_only=True, quick=True)

    def bulk(self) -> UnitOfWork:
        """A unit of work for bulk writes (the outbox, broadcasts) beside the residents'."""
        return UnitOfWork(self.database, self.clock, bulk=True)

    async def close(self) -> None:
        if self.postman is not None:
            await self.postman.drain()
        for channel in self.channels.values():
            await channel.close()
        await self.database.dispose()


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock = utcnow,
    secret_key: str | None = None,
    channels: bool = True,
) -> Container:
    """Build the container from explicit arguments; ``channels=False`` builds no channel
    (the command line: it sends through the outbox, which ``inspraak serve`` drains)."""
    database = Database(engine or create_engine(settings.database_url))
    key = secret_key or settings.resolved_secret_key()

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(database, clock)

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
    container = Container(settings, database, bus, clock, key)
    _add_staff_mail(container)
    if channels:
        _add_channels(container)
    return container


def _add_staff_mail(container: Container) -> None:
    """With SMTP set up: send staff mails after their commit, and tell those who asked for it
    that a round of their project opened or closed (whichever process opened or closed it)."""
    mailer = build_mailer(container.settings)
    if mailer is None:
        return
    postman = container.postman = Postman(mailer)
    bus, base_url = container.bus, container.settings.base_url()
    bus.subscribe(e.StaffMailReady, postman.deliver)

    async def opened(event: e.RoundOpened) -> None:
        await bus.handle(c.TellStaffOfRound(event.round_id, True, base_url))

    async def closed(event: e.RoundClosed) -> None:
        await bus.handle(c.TellStaffOfRound(event.round_id, False, base_url))

    bus.subscribe(e.RoundOpened, opened)
    bus.subscribe(e.RoundClosed, closed)


def _add_channels(container: Container) -> None:
    """The web chat, WhatsApp when it has a token, and Telegram."""
    from bots.telegram.channel import TelegramChannel
    from bots.webchat.channel import WebChat

    settings, conversations = container.settings, container.conversations
    container.channels["web"] = WebChat(conversations)
    if settings.whatsapp_token is not None:
        from bots.whatsapp.build import build_channel

        container.channels["whatsapp"] = build_channel(settings, conversations, container.clock)
    # Always present (it stays idle without a token or a stored bot), so that bots added with
    # ``inspraak bot add`` run even without INSPRAAK_TELEGRAM_TOKEN.
    container.channels["telegram"] = TelegramChannel.from_settings(
        settings, conversations, container.secret_key
    )
    mailer = build_mailer(settings)
    if mailer is not None:
        from bots.email.channel import EmailChannel

        container.channels["email"] = EmailChannel(
            mailer, settings.base_url(), container.secret_key, rate=settings.email_rate
        )
    for name, channel in container.channels.items():
        if channel.sender is not None:
            container.senders[name] = channel.sender


def smtp_config(settings: Settings) -> SmtpConfig:
    """The SMTP settings as the mail seam takes them (mail is off without a host)."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=password,
        sender=settings.smtp_from,
        security=settings.smtp_security,
        timeout=settings.smtp_timeout,
        ca_file=settings.smtp_ca_file,
    )


def build_mailer(settings: Settings) -> Mailer | None:
    """The SMTP mailer, or None when mail is off (no ``INSPRAAK_SMTP_HOST``)."""
    config = smtp_config(settings)
    return SmtpMailer(config) if config.enabled else None


def webhook_handlers(container: Container) -> dict[str, WebhookHandler]:
    """Every channel's webhook handler, by channel name, for ``app.state.webhooks``."""
    found: dict[str, WebhookHandler] = {}
    for name, channel in container.channels.items():
        handler = channel.webhook  # None: no webhook (Telegram when polling, the web chat)
        if handler is not None:
            found[name] = handler
    return found


# The demo organisation's privacy settings, so its statement page reads as a real one would.
DEMO_PRIVACY = c.UpdatePrivacySettings(
    "gemeente-voorbeeld",
    contact="privacy@voorbeeld.nl",
    text=(
        "Gemeente Voorbeeld verwerkt deze gegevens op grond van je toestemming (AVG artikel 6,"
        " lid 1, onder a). Je kunt je toestemming altijd intrekken door VERGEET te sturen.\n"
        "Dit is een demonstratieproject: er werkt geen echte gemeente mee."
    ),
)


# Made-up inhabitants of the demo's made-up wijken, so its representativeness shows at once.
DEMO_POPULATION = c.SetPopulation(
    "DEMO",
    {
        "wijk": {"Oosterwijk-Noord": 6_200, "Oosterwijk-Zuid": 4_800},
        "age_band": {"<18": 2_100, "18-29": 1_700, "30-44": 2_300, "45-64": 2_900, "65+": 2_000},
    },
)


async def load_demo_if_empty(container: Container) -> str | None:
    """Load the demo project into an empty database; return its code when loaded."""
    from core.services.project_file import import_project, parse_project_file

    async with container.uow() as uow:
        if await uow.projects.count(exclusive=True):
            return None
        spec = parse_project_file(DEMO_FILE.read_text(encoding="utf-8"), DEMO_FILE.name)
        project, _ = await import_project(uow, spec)
        await uow.commit()
    await container.bus.handle(DEMO_PRIVACY)
    await container.bus.handle(DEMO_POPULATION)
    return project.code
