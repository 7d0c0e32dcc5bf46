"""Opinion analysis of stored rounds: read the votes, analyse off the event loop, cache.

Used by the CLI (``inspraak analyse``), the web (summary page) and the chat ("how do others
think?"). Ids in results are *labels* (see :mod:`core.analysis.rounds`).

Never blocking: ``RoundAnalyses.result`` reads the votes (:mod:`core.views.votes`), then runs
:func:`core.analysis.polis.analyse` in a worker thread (``asyncio.to_thread``); numpy releases
the GIL for the heavy parts, so the event loop keeps serving chats and
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

from core.analysis.rounds import RoundAnalysis, analyse_round
from core.services.locks import KeyedLocks
from core.views.reading import ReadUnit
from core.views.votes import CacheKey, load_round_votes, round_key


class RoundAnalyses:
    """In-process cache of round analyses; computations run in a worker thread."""

    def __init__(self, max_rounds: int = 32) -> None:
        self.max_rounds = max_rounds
        self._cache: OrderedDict[int, tuple[CacheKey, RoundAnalysis]] = OrderedDict()
        self._locks = KeyedLocks()  # one per round being computed, gone when done
        self.computed = 0  # how many analyses actually ran (tests and metrics)

    async def result(self, uow: ReadUnit, round_id: int) -> RoundAnalysis:
        """Return the analysis of a round as it stands, computing it only when votes changed."""
        key = await round_key(uow, round_id)
        cached = self._cached(round_id, key)
        if cached is not None:
            return cached
        async with self._locks.hold(round_id):
            cached = self._cached(round_id, key)
            if cached is not None:
                return cached
            votes = await load_round_votes(uow, round_id)
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
