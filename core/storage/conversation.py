"""What the conversation reads about a resident: progress per round and everything stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from core.storage import tables as t
from core.storage.repositories import Repository


@dataclass
class Tally:
    """A resident's progress per round id.

    ``answered`` counts ideas given, statements voted and items rated on every criterion;
    ``items`` holds the statements voted on and the items rated on any criterion (what the
    resident is not asked again).
    """

    answered: dict[int, int] = field(default_factory=dict)
    finished: set[int] = field(default_factory=set)
    feedback: set[int] = field(default_factory=set)
    items: dict[int, set[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Contributions:
    """What residents wrote and how often they scored or voted (the "my data" command)."""

    ideas: tuple[str, ...] = ()
    feedback: tuple[tuple[int | None, str], ...] = ()  # (score, comment)
    ratings: int = 0
    votes: int = 0


def _tally_query() -> sa.CompoundSelect:
    """A resident's answers per round, built once (building it took longer than running it)."""
    rid: sa.BindParameter[int] = sa.bindparam("resident_id")
    no_item = sa.cast(sa.null(), sa.Integer)
    return sa.union_all(
        sa.select(
            t.ideas.c.round_id,
            sa.literal_column("'ideas'").label("what"),
            sa.func.count(),
            no_item.label("item_id"),
        )
        .where(t.ideas.c.resident_id == rid)
        .group_by(t.ideas.c.round_id),
        # one row per statement voted on
        sa.select(
            t.votes.c.round_id, sa.literal_column("'voted'"), sa.literal(1), t.votes.c.item_id
        ).where(t.votes.c.resident_id == rid),
        sa.select(t.feedback.c.round_id, sa.literal_column("'feedback'"), sa.func.count(), no_item)
        .where(t.feedback.c.resident_id == rid)
        .group_by(t.feedback.c.round_id),
        sa.select(
            t.round_progress.c.round_id, sa.literal_column("'finished'"), sa.func.count(), no_item
        )
        .where(t.round_progress.c.resident_id == rid, t.round_progress.c.finished_at.is_not(None))
        .group_by(t.round_progress.c.round_id),
        # one row per rated item, with the number of criteria it was scored on
        sa.select(
            t.ratings.c.round_id,
            sa.literal_column("'rated'"),
            sa.func.count(),
            t.ratings.c.item_id,
        )
        .where(t.ratings.c.resident_id == rid)
        .group_by(t.ratings.c.round_id, t.ratings.c.item_id),
    )


_TALLY = _tally_query()


class ConversationRepository(Repository):
    async def tally(self, resident_id: int, criteria: Mapping[int, int]) -> Tally:
        """A resident's progress per round, in one query.

        Args:
            resident_id: the resident (one project's participation).
            criteria: the number of criteria per rating round; an item counts as rated once
                it was scored on all of them.
        """
        tally = Tally()
        rows = await self.conn.execute(_TALLY, {"resident_id": resident_id})
        for round_id, what, count, item_id in rows:
            key = int(round_id)
            if what == "ideas":
                tally.answered[key] = int(count)
            elif what == "feedback":
                tally.feedback.add(key)
            elif what == "finished":
                tally.finished.add(key)
            else:  # a statement voted on, an item rated
                tally.items.setdefault(key, set()).add(int(item_id))
                if what == "voted" or count >= criteria.get(key, 1):
                    tally.answered[key] = tally.answered.get(key, 0) + 1
        return tally

    async def contributions(self, resident_ids: Sequence[int]) -> Contributions:
        """The ideas and comments of these residents, and how many scores and votes they gave."""
        if not resident_ids:
            return Contributions()
        ideas = await self.conn.scalars(
            sa.select(t.ideas.c.text).where(t.ideas.c.resident_id.in_(resident_ids))
        )
        feedback = await self.conn.execute(
            sa.select(t.feedback.c.score, t.feedback.c.text).where(
                t.feedback.c.resident_id.in_(resident_ids)
            )
        )
        return Contributions(
            ideas=tuple(ideas),
            feedback=tuple((score, text) for score, text in feedback),
            ratings=await self._count(t.ratings, resident_ids),
            votes=await self._count(t.votes, resident_ids),
        )

    async def _count(self, table: sa.Table, resident_ids: Sequence[int]) -> int:
        query = sa.select(sa.func.count()).where(table.c.resident_id.in_(resident_ids))
        return int((await self.conn.scalar(query)) or 0)

    async def has_contact(self, pseudonym: str) -> bool:
        """Whether a chat address is kept for this pseudonym."""
        query = sa.select(t.contacts.c.pseudonym).where(t.contacts.c.pseudonym == pseudonym)
        return await self.conn.scalar(query) is not None
