"""A per-process cache of what every dialogue step reads and facilitators seldom change.

Each resident message needs the project, its rounds, the number of items per round and
whether the bot written to is the default bot. Read from the database on every step these were
four of a step's eleven statements. They change only when a facilitator edits a project, opens
or closes a round, moderates an item, or a bot is added — so they are cached here.

Freshness:

* a change committed through a :class:`~core.storage.uow.UnitOfWork` in this process clears
  the cache at once: :meth:`Catalogue.watch` listens on the engines of its database (SQLAlchemy's
  ``after_execute`` event on those engines, not on the library's classes) for INSERT, UPDATE and
  DELETE on the catalogue tables, and the unit of work tells the catalogue after its commit
  (:meth:`Catalogue.note_commit`); a rollback forgets the mark;
* a change made by another process (a CLI command, a second server on PostgreSQL) is seen
  within ``TTL`` seconds.

The items of a rating or statements round are kept here too, ordered by how often they were
answered, so that choosing a resident's next item does not count every answer of the round on
every step (that grew with the number of participants: 5 ms a step at 5,000 residents). This
process's own answers move an item along at once (:meth:`Catalogue.answered`); other
processes' answers are counted in when the entry is reloaded, within ``TTL``.

Staleness cannot let an answer into a closed round: the answer handlers re-read the item and
its round inside the step's transaction (``core.services.handlers._answerable``), and whether a
round is open at a given moment is computed from its cached opening and closing times.
"""

from __future__ import annotations

import bisect
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.dml import UpdateBase

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import to_domain

T = TypeVar("T")

TTL = 2.0  # seconds a cached entry may lag a change made by another process
WATCHED = frozenset({"projects", "rounds", "items", "bots", "organisations"})
_CHANGED = "inspraak_catalogue_changed"  # key in Connection.info


def _mark_change(conn: Connection, clause: Any, *_args: Any) -> None:
    """``after_execute``: note on the connection that its transaction changed the catalogue."""
    if isinstance(clause, UpdateBase) and getattr(clause.table, "name", None) in WATCHED:
        conn.info[_CHANGED] = True


def forget_transaction(conn: Connection) -> None:
    """After a rollback: the transaction's changes are gone, nothing to clear."""
    conn.info.pop(_CHANGED, None)


@dataclass(frozen=True)
class CachedProject:
    project: model.Project
    rounds: tuple[model.Round, ...]
    totals: dict[int, int]  # active items per rating or statements round


_PROJECT = sa.select(t.projects).where(t.projects.c.code == sa.bindparam("code"))
_ROUNDS = (
    sa.select(t.rounds)
    .where(t.rounds.c.project_id == sa.bindparam("project_id"))
    .order_by(t.rounds.c.position, t.rounds.c.id)
)
_TOTALS = (
    sa.select(t.items.c.round_id, sa.func.count())
    .join(t.rounds, t.rounds.c.id == t.items.c.round_id)
    .where(t.rounds.c.project_id == sa.bindparam("project_id"), t.items.c.active.is_(True))
    .group_by(t.items.c.round_id)
)
_ITEMS = (
    sa.select(t.items.c.id, t.items.c.text)
    .where(t.items.c.round_id == sa.bindparam("round_id"), t.items.c.active.is_(True))
    .order_by(t.items.c.position, t.items.c.id)
)


def _answer_counts(table: sa.Table) -> sa.Select[Any]:
    return (
        sa.select(table.c.item_id, sa.func.count())
        .where(table.c.round_id == sa.bindparam("round_id"))
        .group_by(table.c.item_id)
    )


_COUNTS = {True: _answer_counts(t.votes), False: _answer_counts(t.ratings)}


class ItemQueue:
    """A round's active items in tiers by how often they were answered, fewest first.

    Each tier is kept in item order, so a queue counted up answer by answer equals one loaded
    afresh from the database: which items a seeded pick returns never depends on when the
    cache happened to expire (a simulation is the same on a busy machine and an idle one).
    """

    def __init__(self, items: Iterable[tuple[int, str]], counts: dict[int, int]) -> None:
        self.texts = dict(items)
        self.counts = {item: counts.get(item, 0) for item in self.texts}
        self.tiers: dict[int, list[int]] = {}
        for item, count in sorted(self.counts.items()):
            self.tiers.setdefault(count, []).append(item)

    def answered(self, item: int) -> None:
        """One more answer to ``item``: it moves to the next tier."""
        count = self.counts.get(item)
        if count is None:
            return
        self.tiers[count].remove(item)
        if not self.tiers[count]:
            del self.tiers[count]
        self.counts[item] = count + 1
        bisect.insort(self.tiers.setdefault(count + 1, []), item)

    def pick(self, skip: set[int], limit: int, dice: random.Random) -> list[tuple[int, str]]:
        """Up to ``limit`` items not in ``skip``: fewest answers first, ties at random."""
        found: list[tuple[int, str]] = []
        for count in sorted(self.tiers):
            tier = self.tiers[count]
            start = dice.randrange(len(tier))
            for k in range(len(tier)):
                item = tier[(start + k) % len(tier)]
                if item not in skip:
                    found.append((item, self.texts[item]))
                    if len(found) == limit:
                        return found
        return found


_BOT_DEFAULT = sa.select(t.bots.c.is_default).where(t.bots.c.id == sa.bindparam("bot_id"))


class Catalogue:
    """``await catalogue.project(conn, code)``: the project with its rounds, cached."""

    def __init__(self, ttl: float = TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[tuple[str, object], tuple[int, float, Any]] = {}
        self.generation = 0  # moved on by every committed change: older entries are stale
        self.loads = 0  # database reads done (tests and metrics)
        self._dice = random.Random()  # noqa: S311 - spreading answers over items, not secrets

    def seed(self, value: int) -> None:
        """Break ties between equally answered items the same way every time (simulations)."""
        self._dice.seed(value)

    def watch(self, engine: AsyncEngine) -> None:
        """Notice changes to the catalogue tables made through ``engine``."""
        if not event.contains(engine.sync_engine, "after_execute", _mark_change):
            event.listen(engine.sync_engine, "after_execute", _mark_change)

    def changed(self) -> None:
        """Forget every cached entry (after a commit that touched the catalogue)."""
        self.generation += 1

    def note_commit(self, conn: Connection) -> None:
        """After ``conn`` committed: clear the cache when the transaction changed the catalogue."""
        if conn.info.pop(_CHANGED, False):
            self.changed()

    def _get(self, key: tuple[str, object]) -> Any:
        """The fresh cached value of ``key``, or None."""
        entry = self._entries.get(key)
        if entry is None or entry[0] != self.generation or entry[1] < self.clock():
            return None
        return entry[2]

    async def _cached(self, key: tuple[str, object], load: Callable[[], Awaitable[T]]) -> T:
        """The cached value of ``key``, else ``load()``'s (kept unless it is None, so that a
        project created a moment later is found at once)."""
        value = self._get(key)
        if value is not None:
            return value  # type: ignore[no-any-return]
        generation = self.generation  # a change committed while loading makes this entry stale
        self.loads += 1
        value = await load()
        if value is not None:
            if len(self._entries) > 1_000:  # many projects or bots: start over, not grow
                self._entries.clear()
            self._entries[key] = (generation, self.clock() + self.ttl, value)
        return value

    async def project(self, conn: AsyncConnection, code: str) -> CachedProject | None:
        """The project with this code, its rounds in order and their item counts."""

        async def load() -> CachedProject | None:
            row = (await conn.execute(_PROJECT, {"code": code})).first()
            if row is None:
                return None
            project = to_domain(model.Project, row)
            rows = await conn.execute(_ROUNDS, {"project_id": project.id})
            rounds = tuple(to_domain(model.Round, r) for r in rows)
            counted = await conn.execute(_TOTALS, {"project_id": project.id})
            return CachedProject(project, rounds, {int(r[0]): int(r[1]) for r in counted})

        return await self._cached(("project", code), load)

    async def candidates(
        self,
        conn: AsyncConnection,
        rnd: model.Round,
        exclude: Iterable[int] = (),
        limit: int = 2,
    ) -> list[tuple[int, str]]:
        """Items of ``rnd`` not in ``exclude`` (what the resident answered or skipped), fewest
        answers first, ties at random; no query while the round's queue is cached."""
        assert rnd.id is not None
        round_id = rnd.id
        statements = rnd.kind == model.RoundKind.STATEMENTS

        async def load() -> ItemQueue:
            found = await conn.execute(_ITEMS, {"round_id": round_id})
            items = [(int(r.id), r.text) for r in found]
            rows = await conn.execute(_COUNTS[statements], {"round_id": round_id})
            return ItemQueue(items, {int(r[0]): int(r[1]) for r in rows})

        queue = await self._cached(("items", round_id), load)
        return queue.pick(set(exclude), limit, self._dice)

    def answered(self, round_id: int, item_id: int) -> None:
        """Count an answer this process stored (after its commit) in the round's queue."""
        queue = self._get(("items", round_id))
        if queue is not None:
            queue.answered(item_id)

    async def bot_is_default(self, conn: AsyncConnection, bot_id: int) -> bool:
        async def load() -> bool:
            return bool(await conn.scalar(_BOT_DEFAULT, {"bot_id": bot_id}))

        return await self._cached(("bot", bot_id), load)


class BoundCatalogue:
    """The catalogue as a unit of work offers it: read through that unit's transaction."""

    def __init__(self, catalogue: Catalogue, conn: AsyncConnection) -> None:
        self.catalogue = catalogue
        self.conn = conn

    async def project(self, code: str) -> CachedProject | None:
        return await self.catalogue.project(self.conn, code)

    async def candidates(
        self,
        rnd: model.Round,
        exclude: Iterable[int] = (),
        limit: int = 2,
    ) -> list[tuple[int, str]]:
        return await self.catalogue.candidates(self.conn, rnd, exclude, limit)

    async def bot_is_default(self, bot_id: int) -> bool:
        return await self.catalogue.bot_is_default(self.conn, bot_id)

    def answered(self, round_id: int, item_id: int) -> None:
        self.catalogue.answered(round_id, item_id)
