"""Similar ideas per round, kept in memory: what the chat offers and what the organise page
suggests.

One ``SimilarIdeas`` per process (the container owns it). Per round it keeps a
:class:`core.analysis.similarity.SimilarityIndex` over the round's pool
(:mod:`core.views.idea_pool`): every offerable idea in its resident's own words, merged ones
included, so a new idea that matches a merged original is offered the idea it was merged into.

Fresh without invalidation: every call first reads the pool's key (one aggregate query). When it
changed by new ideas alone (the key of the older ideas is unchanged), only the new ideas are read
and added (a few ms at 10,000 ideas); after any other change the pool is read again, ideas new
to the index are added, and only when an indexed idea's words changed (a correction) is the
index rebuilt. Clustering the
index (seconds for thousands of ideas) is kept per strictness as the index's own groups of
indexed ideas: a change that adds nothing to the index (a merge, a rejection, an undo, a new
wording) only maps those groups onto the new pool again (milliseconds). A few new ideas in the
index (a new idea, an approval) join the group of the idea most like them, or stand alone; once
more than a tenth of the index (at least 50) joined that way, after a rebuild and for another
strictness, the round is clustered again. Ideas that left
the pool (rejected, erased) stay in the index and are filtered out of answers. Encoding and
clustering run in a worker thread, so the event loop keeps serving while a large round is indexed.

The sentence encoder is loaded once per process on first use (about half a second); without its
package, or with ``encoder=False``, scores are lexical only.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.analysis.similarity import (
    DEFAULT_STRICTNESS,
    Encoder,
    SimilarityIndex,
    threshold_for,
)
from core.analysis.similarity_encoder import Remembered
from core.analysis.similarity_groups import attach, ordered_groups
from core.services.locks import KeyedLocks
from core.views.idea_pool import PoolIdea, PoolKey, load_pool, only_added, pool_key
from core.views.reading import ReadUnit

OFFERED = 3  # similar ideas the chat offers at most
ANSWERS_KEPT = 256  # looked-up texts kept per round while its ideas stay the same
PREPARE_WAIT = 2.0  # seconds a chat step waits for a round's index before going on without it
# new ideas added to cached groups one by one (each to its nearest idea's group) before the
# round is clustered again: this many, or a tenth of the index when that is more
ATTACH_AT_MOST = 50
# Work on a round's index this small (a look-up, a few new ideas: milliseconds) runs on the
# event loop's thread; larger work runs on a worker thread. A worker thread only shares the
# interpreter lock with the loop, and a short task there made every resident's step wait for
# that lock in turn (tens of ms at a broadcast's peak, bench/telegram_inbound.py).
INLINE_IDEAS, INLINE_NEW = 2_000, 8

T = TypeVar("T")


@dataclass(frozen=True)
class SimilarIdea:
    id: int
    text: str
    score: float


@dataclass(frozen=True)
class Cluster:
    ideas: list[int]  # offerable idea ids (survivors), the most central first
    label: str  # a short name: the wording of the cluster's first idea
    # how well each idea fits the group (its mean score with the others; below ``threshold``
    # it was pulled in by a few neighbours): by idea, where known
    fit: dict[int, float] = field(default_factory=dict)
    threshold: float = 0.0

    def loose(self, idea_id: int) -> bool:
        """Whether the idea fits the group less than the group needs on average."""
        return len(self.ideas) > 2 and self.fit.get(idea_id, 1.0) < self.threshold


@dataclass
class _Round:
    key: PoolKey
    index: SimilarityIndex
    texts: dict[int, str]  # indexed idea → the words it was indexed with
    pool: dict[int, PoolIdea]  # what is offerable now, by compared idea
    clusters: dict[float, list[Cluster]] = field(default_factory=dict)
    # the index's own groups per strictness (indexed ids): valid while nothing is added to the
    # index, so a merge, rejection or approval of an indexed idea only maps them again
    groups: dict[float, list[list[int]]] = field(default_factory=dict)
    attached: int = 0  # ideas added to those groups one by one since they were clustered
    fits: dict[float, dict[int, float]] = field(default_factory=dict)  # per strictness, by idea
    # looked-up texts → the index's answer, while the pool is this one (see warm())
    answers: OrderedDict[tuple[str, int], list[tuple[int, float]]] = field(
        default_factory=OrderedDict
    )

    def offered_texts(self) -> dict[int, str]:
        return {idea.offered_id: idea.offered_text for idea in self.pool.values()}


class SimilarIdeas:
    """In-process similar-idea indexes, one per round (least recently used out)."""

    def __init__(
        self,
        encoder: bool = True,
        max_rounds: int = 16,
        load: Callable[[], Encoder | None] | None = None,
    ) -> None:
        self.use_encoder = encoder
        self.max_rounds = max_rounds
        self._load = load
        self._encoder: Encoder | None = None
        self._encoder_loaded = False
        self._rounds: OrderedDict[int, _Round] = OrderedDict()
        self._locks = KeyedLocks()  # one per round being read or built, gone when done
        self.builds = 0  # full index builds (tests and metrics)
        self.reads = 0  # reads of a whole round's pool (tests and metrics)
        self._tasks: dict[tuple[int, float], asyncio.Future[list[Cluster]]] = {}
        self._building: dict[int, asyncio.Future[None]] = {}  # prepare()s still running

    async def similar(
        self, uow: ReadUnit, round_id: int, text: str, k: int = OFFERED, *, settle: bool = True
    ) -> list[SimilarIdea]:
        """Up to ``k`` offerable ideas most like ``text``, best first, one per offered idea
        (none while :meth:`prepare` is still building the round's first index).

        ``settle=False``: when only new ideas came since the index was last brought up to date,
        answer from it as it is; the next call that settles adds them. A chat step does this
        inside its transaction, after :meth:`prepare` looked the text up just before: it then
        finds that answer kept instead of encoding the ideas other residents sent meanwhile
        while it holds SQLite's write lock, which every other resident's step waits for."""
        building = self._building.get(round_id)
        if building is not None and not building.done():
            return []
        entry = await self._fresh(uow, round_id, settle=settle)
        return await self._look_up(round_id, entry, text, k)

    async def _look_up(self, round_id: int, entry: _Round, text: str, k: int) -> list[SimilarIdea]:
        """:meth:`similar` in ``entry``, which is fresh enough; the answer is kept in it."""
        if not entry.pool or not text.strip():
            return []
        # ideas no longer offerable stay indexed: ask for enough to still find k after them
        wanted = k + 8 + len(entry.index) - len(entry.pool)
        found = entry.answers.get((text, wanted))
        if found is None:
            # the index grows in place (add_many, on a thread): never read it meanwhile
            async with self._locks.hold(round_id):
                found = await _run(
                    len(entry.index) <= INLINE_IDEAS, entry.index.similar, text, wanted
                )
            entry.answers[(text, wanted)] = found
            while len(entry.answers) > ANSWERS_KEPT:
                entry.answers.popitem(last=False)
        offered: dict[int, SimilarIdea] = {}
        for idea_id, score in found:
            idea = entry.pool.get(int(idea_id))
            if idea is None or idea.offered_id in offered:
                continue
            offered[idea.offered_id] = SimilarIdea(
                idea.offered_id, idea.offered_text, round(score, 4)
            )
            if len(offered) == k:
                break
        return list(offered.values())

    def indexed(self, round_id: int) -> int:
        """How many ideas the round's index holds now (tests and metrics)."""
        entry = self._rounds.get(round_id)
        return 0 if entry is None else len(entry.index)

    async def prepare(
        self,
        reading: Callable[[], AbstractAsyncContextManager[ReadUnit]],
        round_id: int,
        wait: float = PREPARE_WAIT,
        *,
        quick: Callable[[], AbstractAsyncContextManager[ReadUnit]] | None = None,
        text: str | None = None,
        k: int = OFFERED,
    ) -> bool:
        """Bring the round's index up to date (the chat does it before a step's transaction);
        whether it is ready. The first look at a large round encodes all its ideas (about 15 s
        at 10,000, bench/similarity.py): after ``wait`` seconds that goes on in the background,
        in a unit of ``reading()`` of its own, and :meth:`similar` offers nothing for the round
        meanwhile, so no resident waits for it. ``quick``: the units for bringing an index
        already in memory up to date (mostly a few new ideas), when they differ. ``text``:
        look it up as well (``k`` ideas), so that :meth:`similar` finds the answer kept."""
        task = self._building.get(round_id)
        if task is None:
            units = quick if quick is not None and round_id in self._rounds else reading

            async def build() -> None:
                async with units() as uow:
                    await self._fresh(uow, round_id)

            task = asyncio.ensure_future(build())
            self._building[round_id] = task
            task.add_done_callback(lambda _: self._building.pop(round_id, None))
        try:
            await asyncio.wait_for(asyncio.shield(task), wait)
        except TimeoutError:
            return False
        entry = self._rounds.get(round_id)
        if text is not None and entry is not None:
            await self._look_up(round_id, entry, text, k)
        return True

    async def clusters(
        self, uow: ReadUnit, round_id: int, strictness: float = DEFAULT_STRICTNESS
    ) -> list[Cluster]:
        """Suggested groups of the round's offerable ideas, each idea in exactly one."""
        entry = await self._fresh(uow, round_id)
        strictness = round(min(1.0, max(0.0, strictness)), 2)
        cached = entry.clusters.get(strictness)
        if cached is not None:
            return cached
        groups = entry.groups.get(strictness)
        if groups is None:
            async with self._locks.hold(round_id):  # see similar()
                made, fits = await asyncio.to_thread(ordered_groups, entry.index, strictness)
            entry.groups[strictness], entry.fits[strictness] = made, fits
            groups = made
        fit = entry.fits.get(strictness, {})
        found: list[Cluster] = []
        placed: set[int] = set()
        texts = entry.offered_texts()
        for group in groups:
            ids: list[int] = []
            for idea_id in group:
                idea = entry.pool.get(int(idea_id))
                if idea is not None and idea.offered_id not in placed:
                    placed.add(idea.offered_id)
                    ids.append(idea.offered_id)
            if ids:
                fits = {i: fit[i] for i in reversed(group) if i in fit}  # the first one wins
                shown = {entry.pool[i].offered_id: f for i, f in fits.items() if i in entry.pool}
                found.append(Cluster(ids, texts[ids[0]], shown, threshold_for(strictness)))
        entry.clusters[strictness] = found
        return found

    async def clusters_within(
        self,
        reading: Callable[[], AbstractAsyncContextManager[ReadUnit]],
        round_id: int,
        strictness: float,
        wait: float,
    ) -> list[Cluster] | None:
        """:meth:`clusters`, when ready within ``wait`` seconds; else ``None`` while they go on
        being computed in the background (in a unit of ``reading()`` of their own), so a page
        can say so instead of waiting seconds for a large round's first clustering."""
        key = (round_id, round(strictness, 2))
        task = self._tasks.get(key)
        if task is None:

            async def compute() -> list[Cluster]:
                async with reading() as uow:
                    return await self.clusters(uow, round_id, strictness)

            task = asyncio.ensure_future(compute())
            self._tasks[key] = task
            task.add_done_callback(lambda _: self._tasks.pop(key, None))
        try:
            return await asyncio.wait_for(asyncio.shield(task), wait)
        except TimeoutError:
            return None

    async def _fresh(self, uow: ReadUnit, round_id: int, settle: bool = True) -> _Round:
        key = await pool_key(uow, round_id)
        entry = self._rounds.get(round_id)
        if entry is not None and entry.key == key:
            self._rounds.move_to_end(round_id)
            return entry
        if (
            entry is not None
            and not settle
            and await self._only_added(uow, round_id, entry.key, key)
        ):
            return entry  # still all offerable (see similar())
        async with self._locks.hold(round_id):
            entry = self._rounds.get(round_id)
            if entry is not None and entry.key == key:
                return entry
            if entry is not None and await self._only_added(uow, round_id, entry.key, key):
                added = await load_pool(uow, round_id, after=entry.key[-1], up_to=key[-1])
                entry = await self._update(entry, key, added, kept=entry.pool)
            else:
                self.reads += 1
                entry = await self._update(entry, key, await load_pool(uow, round_id))
            self._rounds[round_id] = entry
            self._rounds.move_to_end(round_id)
            while len(self._rounds) > self.max_rounds:
                self._rounds.popitem(last=False)
            return entry

    @staticmethod
    async def _only_added(uow: ReadUnit, round_id: int, before: PoolKey, now: PoolKey) -> bool:
        """Whether only new ideas came since ``before``: then they alone are read and added,
        instead of the whole round (two aggregate queries against reading 10,000 rows)."""
        if not only_added(before, now):
            return False
        return await pool_key(uow, round_id, up_to=before[-1]) == before

    async def _update(
        self,
        entry: _Round | None,
        key: PoolKey,
        pool: list[PoolIdea],
        kept: dict[int, PoolIdea] | None = None,
    ) -> _Round:
        """The round's entry for ``pool`` (with ``kept``: the new part of a pool that holds
        ``kept`` as well); a corrected text rebuilds the index, new ideas are added to it."""
        changed = entry is None or any(
            entry.texts.get(idea.id, idea.text) != idea.text for idea in pool
        )
        if changed or entry is None:
            index = SimilarityIndex(await self._encoder_once())
            entry = _Round(key, index, {}, {})
            self.builds += 1
        new = [(idea.id, idea.text) for idea in pool if idea.id not in entry.texts]
        inline = not changed and len(new) <= INLINE_NEW and len(entry.index) <= INLINE_IDEAS
        if new:
            await _run(inline, entry.index.add_many, new)
            entry.texts.update(new)
        groups = {} if changed else entry.groups  # the index's groups still hold
        attached = entry.attached + len(new)
        if new and groups and attached <= max(ATTACH_AT_MOST, len(entry.texts) // 10):
            groups = await _run(inline, attach, entry.index, groups, new)
        elif new:
            groups, attached = {}, 0  # many new ideas since the last clustering: cluster again
        pool_now = {**(kept or {}), **{idea.id: idea for idea in pool}}
        fits = entry.fits if groups else {}  # the ideas added one by one have none
        return _Round(key, entry.index, entry.texts, pool_now, {}, groups, attached, fits)

    async def preload(self) -> None:
        """Load the encoder and run it once now, and look a text up in a small index (a
        server does this at start, in the background): the first encoding costs more than a
        second of setting up, and the first look-up reads the synonym list (tens of ms), which
        would otherwise fall on the first resident who types an idea."""
        encoder = await self._encoder_once()
        await asyncio.to_thread(_warm_index, encoder)

    async def _encoder_once(self) -> Encoder | None:
        if not self._encoder_loaded:
            self._encoder_loaded = True
            if self.use_encoder:
                load = self._load or _bundled
                loaded = await asyncio.to_thread(_loaded_and_run_once, load)
                self._encoder = Remembered(loaded) if loaded is not None else None
        return self._encoder


async def _run(inline: bool, work: Callable[..., T], *args: Any) -> T:
    """``work(*args)``: here when ``inline``, else on a worker thread."""
    return work(*args) if inline else await asyncio.to_thread(work, *args)


def _warm_index(encoder: Encoder | None) -> None:
    """Build a small index and look a text up in it once: what a first look-up sets up."""
    index = SimilarityIndex(encoder)
    index.add_many([(0, "Meer bomen in het park"), (1, "More trees in the park")])
    index.similar("Bankjes bij de speeltuin")


def _loaded_and_run_once(load: Callable[[], Encoder | None]) -> Encoder | None:
    """The encoder, having encoded one text: its first call sets its runtime up."""
    encoder = load()
    if encoder is not None:
        encoder(["warm"])
    return encoder


def _bundled() -> Encoder | None:
    from core.analysis.similarity_encoder import shared_encoder

    return shared_encoder()
