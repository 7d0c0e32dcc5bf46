"""A unit of work without a database, for service tests that are about the service's logic.

It has what ``core.storage.uow.UnitOfWork`` has — ``projects``, ``residents``,
``contributions``, ``dialogue``, ``accounts``, ``moderation``, ``bots``, ``clock``, ``emit``,
``collect_events``, ``commit`` — over in-memory tables. Like a transaction, it works on its own
copy of the tables: ``commit()`` makes its changes visible to the next unit, leaving without a
commit discards them. It has no ``conn``: code that needs SQL is not for this fake.
"""

from __future__ import annotations

from types import TracebackType

from core.domain.events import Event
from core.storage.uow import Clock, utcnow
from tests.fakes.admin_repositories import (
    FakeAccountRepository,
    FakeAuditRepository,
    FakeBotRepository,
    FakeModerationRepository,
)
from tests.fakes.erasure import FakeErasureRepository
from tests.fakes.repositories import (
    FakeContributionRepository,
    FakeDialogueRepository,
    FakeProjectRepository,
    FakeResidentRepository,
)
from tests.fakes.tables import Tables


class FakeDatabase:
    """The committed tables, shared by the units of work it makes."""

    def __init__(self, clock: Clock = utcnow) -> None:
        self.tables = Tables()
        self.clock = clock
        self.commits = 0

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, self.clock)

    def reading(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, self.clock, read_only=True)


class FakeUnitOfWork:
    def __init__(self, database: FakeDatabase, clock: Clock = utcnow, *, read_only: bool = False):
        self.database = database
        self.clock = clock
        self.read_only = read_only
        self.events: list[Event] = []
        self.committed = False

    async def __aenter__(self) -> FakeUnitOfWork:
        self._begin()
        self.events = []
        return self

    def _begin(self) -> None:
        """Work on a copy of the committed tables, as a transaction sees its own writes."""
        self.tables = tables = self.database.tables.copy()
        self.projects = FakeProjectRepository(tables)
        self.residents = FakeResidentRepository(tables)
        self.contributions = FakeContributionRepository(tables)
        self.dialogue = FakeDialogueRepository(tables)
        self.accounts = FakeAccountRepository(tables)
        self.audit = FakeAuditRepository(tables)
        self.moderation = FakeModerationRepository(tables)
        self.bots = FakeBotRepository(tables)
        self.erasure = FakeErasureRepository(tables)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.tables = Tables()  # uncommitted changes go with the copy

    async def commit(self) -> None:
        self.database.tables = self.tables.copy()
        self.database.commits += 1
        self.committed = True

    async def rollback(self) -> None:
        self._begin()

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def collect_events(self) -> list[Event]:
        events, self.events = self.events, []
        return events
