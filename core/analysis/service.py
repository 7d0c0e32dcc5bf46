"""Opinion analysis of stored rounds: read the votes with SQL, analyse off the event loop, cache.

Used by the CLI (``inspraak analyse``), the web (summary page) and the chat ("how do others
think?"). Ids in results are *labels*: a statement's or resident's external id where the round
was imported (Pol.is comment and voter ids), otherwise our own id as a string.

Never blocking: ``RoundAnalyses.result`` reads the votes (async SQL), then runs
:func:`core.analysis.polis.analyse` in a worker thread (``asyncio.to_thread``); numpy and
scikit-learn release the GIL for the heavy parts, so the event loop keeps serving chats and
pages while a large round is analysed.

Cache: one ``RoundAnalyses`` per process (the container owns it). Results are kept per round,
keyed by ``(round_id, number of votes, sum of vote values, number of active statements)``: a new
vote, a changed vote or a statement moderated in or out gives a new key, so a cached result is
never stale in a way that matters, and nothing has to invalidate it. The key costs one aggregate
query. Only the newest key per round is kept, and at most ``max_rounds`` rounds (least recently
used first out). Concurrent requests for the same round wait for one computation.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.analysis.polis import AnalysisResult, Vote, analyse
from core.analysis.polis_io import natural_key
from core.storage import tables as t

CacheKey = tuple[int, int, int, int]


@dataclass(frozen=True)
class RoundVotes:
    """The latest vote of every resident on every statement of one round, as labels."""

    round_id: int
    statement_ids: tuple[str, ...]  # active statements, in position order
    moderated_out: tuple[str, ...]  # inactive statements (moderated out, or imported as -1)
    votes: tuple[Vote, ...]
    texts: dict[str, str] = field(default_factory=dict)
    item_labels: dict[int, str] = field(default_factory=dict)
    resident_labels: dict[int, str] = field(default_factory=dict)

    @property
    def participants(self) -> int:
        return len({voter for voter, _, _ in self.votes})

    def votes_of(self, voter: str) -> list[tuple[str, int]]:
        return [(statement, value) for who, statement, value in self.votes if who == voter]


@dataclass(frozen=True)
class RoundAnalysis:
    """Votes and what the analysis found in them."""

    votes: RoundVotes
    result: AnalysisResult


async def round_key(conn: AsyncConnection, round_id: int) -> CacheKey:
    """The cache key of a round as it stands: vote count, vote sum, active statements."""
    n, total = (
        await conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(t.votes.c.value), 0)).where(
                t.votes.c.round_id == round_id
            )
        )
    ).one()
    active = await conn.scalar(
        sa.select(sa.func.count()).where(
            t.items.c.round_id == round_id, t.items.c.active.is_(True)
        )
    )
    return (round_id, int(n), int(total), int(active or 0))


def _labels(rows: Sequence[tuple[int, str | None]]) -> dict[int, str]:
    """External id where there is one, else our id; our id is prefixed when it would collide."""
    external = {ext for _, ext in rows if ext}
    labels = {}
    for own, ext in rows:
        label = ext or str(own)
        if not ext and label in external:
            label = f"inspraak-{own}"
        labels[own] = label
    return labels


async def load_round_votes(conn: AsyncConnection, round_id: int) -> RoundVotes:
    """Read a round's statements and votes with two queries."""
    item_rows = (
        await conn.execute(
            sa.select(t.items.c.id, t.items.c.external_id, t.items.c.text, t.items.c.active)
            .where(t.items.c.round_id == round_id)
            .order_by(t.items.c.position, t.items.c.id)
        )
    ).all()
    item_labels = _labels([(int(r.id), r.external_id) for r in item_rows])
    vote_rows = (
        await conn.execute(
            sa.select(
                t.votes.c.resident_id,
                t.residents.c.external_id,
                t.votes.c.item_id,
                t.votes.c.value,
            )
            .join(t.residents, t.residents.c.id == t.votes.c.resident_id)
            .where(t.votes.c.round_id == round_id)
        )
    ).all()
    resident_labels = _labels(sorted({(int(r.resident_id), r.external_id) for r in vote_rows}))
    votes = [
        (resident_labels[int(r.resident_id)], item_labels[int(r.item_id)], int(r.value))
        for r in vote_rows
        if int(r.item_id) in item_labels
    ]
    # The order Pol.is exports use (statement, then voter): the same votes always give the same
    # matrix, so an imported round gives exactly the result of analysing the folder itself.
    votes.sort(key=lambda v: (natural_key(v[1]), natural_key(v[0])))
    return RoundVotes(
        round_id=round_id,
        statement_ids=tuple(item_labels[int(r.id)] for r in item_rows if r.active),
        moderated_out=tuple(item_labels[int(r.id)] for r in item_rows if not r.active),
        votes=tuple(votes),
        texts={item_labels[int(r.id)]: r.text for r in item_rows},
        item_labels=item_labels,
        resident_labels=resident_labels,
    )


def analyse_round(votes: RoundVotes) -> RoundAnalysis:
    """Run the analysis on loaded votes (CPU-bound: call it in a thread)."""
    return RoundAnalysis(votes, analyse(votes.votes, votes.statement_ids, votes.moderated_out))


class RoundAnalyses:
    """In-process cache of round analyses; computations run in a worker thread."""

    def __init__(self, max_rounds: int = 32) -> None:
        self.max_rounds = max_rounds
        self._cache: OrderedDict[int, tuple[CacheKey, RoundAnalysis]] = OrderedDict()
        self._locks: dict[int, asyncio.Lock] = {}
        self.computed = 0  # how many analyses actually ran (tests and metrics)

    async def result(self, conn: AsyncConnection, round_id: int) -> RoundAnalysis:
        """Return the analysis of a round as it stands, computing it only when votes changed."""
        key = await round_key(conn, round_id)
        cached = self._cached(round_id, key)
        if cached is not None:
            return cached
        lock = self._locks.setdefault(round_id, asyncio.Lock())
        async with lock:
            cached = self._cached(round_id, key)
            if cached is not None:
                return cached
            votes = await load_round_votes(conn, round_id)
            found = await asyncio.to_thread(analyse_round, votes)
            self.computed += 1
            self._cache[round_id] = (key, found)
            self._cache.move_to_end(round_id)
            while len(self._cache) > self.max_rounds:
                self._cache.popitem(last=False)
            return found

    def _cached(self, round_id: int, key: CacheKey) -> RoundAnalysis | None:
        entry = self._cache.get(round_id)
        if entry is None or entry[0] != key:
            return None
        self._cache.move_to_end(round_id)
        return entry[1]
