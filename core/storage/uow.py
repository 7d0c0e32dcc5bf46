"""Unit of work: one database transaction, its repositories and the events it raised."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain.events import Event
from core.storage.accounts import AccountRepository
from core.storage.audit import AuditRepository
from core.storage.bots import BotRepository
from core.storage.broadcasts import BroadcastRepository
from core.storage.carry_overs import CarryOverRepository
from core.storage.catalogue import BoundCatalogue, forget_transaction
from core.storage.contacts import ContactRepository
from core.storage.contributions import ContributionRepository
from core.storage.conversation import ConversationRepository
from core.storage.database import Database
from core.storage.db import begin
from core.storage.dialogue import DialogueRepository
from core.storage.erasure import ErasureRepository
from core.storage.imports import ImportRepository
from core.storage.moderation import ModerationRepository
from core.storage.organise import OrganiseRepository
from core.storage.outbox import OutboxRepository
from core.storage.population import PopulationRepository
from core.storage.projects import ProjectRepository
from core.storage.residents import ResidentRepository
from core.storage.supports import SupportRepository
from core.storage.templates import TemplateRepository

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UnitOfWork:
    """``async with uow: ...; await uow.commit()`` — anything not committed is rolled back.

    ``read_only=True`` reads on the database's reader engine: on SQLite it does not queue for
    the write lock, so a long read never holds up a resident; with ``quick=True`` as well it
    reads on the quick engine instead (a few short reads, inline). ``bulk=True`` writes on the
    background engine (the outbox's and broadcasts' bulk writes), in the same write queue.
    """

    projects: ProjectRepository
    residents: ResidentRepository
    contributions: ContributionRepository
    dialogue: DialogueRepository
    accounts: AccountRepository
    audit: AuditRepository
    population: PopulationRepository
    moderation: ModerationRepository
    organise: OrganiseRepository
    bots: BotRepository
    catalogue: BoundCatalogue
    imports: ImportRepository
    outbox: OutboxRepository
    contacts: ContactRepository
    carry: CarryOverRepository
    broadcasts: BroadcastRepository
    conversation: ConversationRepository
    erasure: ErasureRepository
    supports: SupportRepository
    templates: TemplateRepository
    conn: AsyncConnection

    def __init__(
        self,
        database: Database,
        clock: Clock = utcnow,
        *,
        read_only: bool = False,
        bulk: bool = False,
        quick: bool = False,
    ) -> None:
        self.database = database
        if read_only:
            self.engine = database.quick if quick else database.reader
        else:
            self.engine = database.background if bulk else database.engine
        self.clock = clock
        self.read_only = read_only
        self.events: list[Event] = []

    async def __aenter__(self) -> UnitOfWork:
        self._lock = None if self.read_only else self.database.write_lock()
        if self._lock is not None:
            await self._lock.acquire()
        try:
            self.conn = await begin(self.engine)
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self.projects = ProjectRepository(self.conn)
        self.residents = ResidentRepository(self.conn)
        self.contributions = ContributionRepository(self.conn)
        self.dialogue = DialogueRepository(self.conn)
        self.accounts = AccountRepository(self.conn)
        self.audit = AuditRepository(self.conn)
        self.moderation = ModerationRepository(self.conn)
        self.organise = OrganiseRepository(self.conn)
        self.bots = BotRepository(self.conn)
        self.catalogue = BoundCatalogue(self.database.catalogue, self.conn)
        self.imports = ImportRepository(self.conn)
        self.outbox = OutboxRepository(self.conn)
        self.contacts = ContactRepository(self.conn)
        self.carry = CarryOverRepository(self.conn)
        self.broadcasts = BroadcastRepository(self.conn)
        self.conversation = ConversationRepository(self.conn)
        self.erasure = ErasureRepository(self.conn)
        self.supports = SupportRepository(self.conn)
        self.population = PopulationRepository(self.conn)
        self.templates = TemplateRepository(self.conn)
        self.events = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.conn.in_transaction():
                await self.conn.rollback()
            forget_transaction(self.conn.sync_connection)  # type: ignore[arg-type]
        finally:
            try:
                await self.conn.close()
            finally:
                if self._lock is not None:
                    self._lock.release()

    async def commit(self) -> None:
        await self.conn.commit()
        self.database.catalogue.note_commit(self.conn.sync_connection)  # type: ignore[arg-type]

    async def rollback(self) -> None:
        await self.conn.rollback()

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def collect_events(self) -> list[Event]:
        events, self.events = self.events, []
        return events


UnitOfWorkFactory = Callable[[], UnitOfWork]
