"""Nothing in a serving process grows with the number of residents, chats or keys ever seen.

One test per structure that is keyed by something residents or rounds bring in: each is fed
far more keys than its bound and must stay within it. (``bench/memory.py`` shows the same on
a whole ``inspraak serve`` process.)
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.analysis import rounds as analysis_rounds
from core.analysis import similarity_text
from core.analysis.similarity_encoder import Remembered
from core.outbox import OutboxSender
from core.outbox.pacing import CHATS_KEPT
from core.services import analyses
from core.services.analyses import RoundAnalyses
from core.services.locks import KeyedLocks
from core.storage.catalogue import Catalogue
from web import pdf


async def test_per_key_locks_are_forgotten_once_no_one_holds_them() -> None:
    locks = KeyedLocks()
    busy = asyncio.Event()

    async def hold(key: int) -> None:
        async with locks.hold(key):
            await busy.wait()

    tasks = [asyncio.create_task(hold(n % 100)) for n in range(10_000)]
    await asyncio.sleep(0)
    assert len(locks) == 100  # only the keys with work in flight
    busy.set()
    await asyncio.gather(*tasks)
    assert len(locks) == 0


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 10, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_the_outbox_forgets_chats_whose_one_second_pause_is_over() -> None:
    clock = Clock()
    sender = OutboxSender(None, {}, clock=clock)  # type: ignore[arg-type] # no database needed
    largest = 0
    for chat in range(100_000):  # a broadcast to 100,000 chats at 1,000 messages a second
        clock.now += timedelta(milliseconds=1)
        await sender._wait_for_chat(("telegram", str(chat)))
        largest = max(largest, len(sender._chats))
    assert largest <= 2 * CHATS_KEPT
    assert CHATS_KEPT >= 1_000  # the chats of the last second are kept at 1,000/s


async def test_the_outbox_still_spaces_two_messages_to_one_chat_after_pruning() -> None:
    clock = Clock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += timedelta(seconds=seconds)

    sender = OutboxSender(None, {}, clock=clock, sleep=sleep)  # type: ignore[arg-type]
    await sender._wait_for_chat(("telegram", "1"))
    for chat in range(2, CHATS_KEPT + 10):  # enough other chats to prune the map
        await sender._wait_for_chat(("telegram", str(chat)))
    await sender._wait_for_chat(("telegram", "1"))
    assert slept and sum(slept) == pytest.approx(1.0)


class Row:
    def __init__(self, value: bool) -> None:
        self.value = value


class Conn:
    async def scalar(self, *_: Any) -> bool:
        return True


async def test_the_catalogue_keeps_at_most_a_thousand_entries() -> None:
    catalogue = Catalogue()
    for bot_id in range(5_000):
        assert await catalogue.bot_is_default(Conn(), bot_id)  # type: ignore[arg-type]
        assert len(catalogue._entries) <= 1_001


async def test_round_analyses_keep_a_bounded_number_of_rounds_and_no_idle_locks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def key(uow: Any, round_id: int) -> tuple[int]:
        return (round_id,)

    async def votes(uow: Any, round_id: int) -> list[int]:
        return []

    monkeypatch.setattr(analyses, "round_key", key)
    monkeypatch.setattr(analyses, "load_round_votes", votes)
    monkeypatch.setattr(analyses, "analyse_round", lambda votes: object())
    cache = RoundAnalyses(max_rounds=8)
    await asyncio.gather(*(cache.result(None, n % 50) for n in range(500)))  # type: ignore[arg-type]
    assert len(cache._cache) <= 8
    assert len(cache._locks) == 0


def test_the_encoder_memo_keeps_the_last_texts_only() -> None:
    calls: list[int] = []

    def encode(texts: Any) -> np.ndarray:
        calls.append(len(texts))
        return np.ones((len(texts), 4), dtype=np.float32)

    memo = Remembered(encode, size=1024)
    for n in range(0, 5_000, 10):
        memo([f"idee {m}" for m in range(n, n + 10)])
    assert len(memo._vectors) == 1024
    before = len(calls)
    memo(["idee 4999"])  # the latest are kept: no encoding
    assert len(calls) == before


@pytest.mark.parametrize(
    ("cached", "most"),
    [(similarity_text.heads, 4_096), (analysis_rounds.natural_key, 65_536)],
    ids=["word heads (1-3 kB each)", "natural sort keys (~0.2 kB each)"],
)
def test_memo_tables_keyed_by_words_or_ids_have_a_size(cached: Any, most: int) -> None:
    maxsize = cached.cache_info().maxsize
    assert maxsize is not None and maxsize <= most
    for n in range(maxsize + 100):
        cached(f"woord{n}")
    assert cached.cache_info().currsize <= maxsize


async def test_the_report_keeps_only_the_latest_pdfs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html, *rest: html.encode())
    maker = pdf.PdfMaker(tmp_path)
    for n in range(pdf.CACHED * 4):
        await maker.make(f"<p>{n}</p>", "http://x/", pdf.Meta("t", "a"))
    assert len(maker._made) == pdf.CACHED
