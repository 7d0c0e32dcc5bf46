"""The worker: claims due rows in batches, paces them per bot and per chat, sends, records.

What becomes of each row (held, retried, sent, failed) is decided in ``outcomes``, how fast a
bot and a chat may be sent to in ``pacing``; this module runs the loop around them.

Crash safety. A row is ``pending`` until claimed; claiming sets it to ``sending``; the outcome
(``sent``, ``failed``, ``blocked``, ``cancelled``, or back to ``pending`` for a retry) is written
after the channel answered. A process killed at any moment therefore leaves only ``sending``
rows in doubt: they are sent again after a restart (``recover``) or once their lease expired,
so nothing is lost and the duplicates are at most the rows that were handed to the channel
and not yet recorded at the crash, which the sender keeps at or below ``in_doubt``.

Time is injected: ``clock()`` returns an aware UTC datetime and ``sleep(seconds)`` waits, so
tests drive the sender on a clock of their own and never wait for real.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from core.domain.model import ResidentStatus
from core.domain.outbox import Claimed, OutboxStatus, RowOutcome
from core.domain.quiet_hours import QuietHours
from core.outbox.codec import load_message
from core.outbox.outcomes import Retry, answered, hold, stand_in
from core.outbox.pacing import ChatSpacing, Pacer
from core.outbox.ports import ChannelSender, SendOutcome, SendStatus
from core.storage.database import Database
from core.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class SenderStats:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    cancelled: int = 0
    retried: int = 0
    rate_limited: int = 0
    held: int = 0
    max_in_flight: int = 0
    extra: dict[str, int] = field(default_factory=dict)


COUNTED = {
    OutboxStatus.SENT: "sent",
    OutboxStatus.FAILED: "failed",
    OutboxStatus.BLOCKED: "blocked",
    OutboxStatus.CANCELLED: "cancelled",
}


class OutboxSender:
    """Drains the outbox through the channels' senders, as fast as allowed and no faster.

    Args:
        database: the database (the outbox writes on its background engine).
        senders: a ``ChannelSender`` per channel name; rows for other channels stay queued.
        clock: aware UTC ``now``; ``sleep``: an awaitable pause (both injectable for tests).
        rates: messages per second per bot, by channel (e.g. telegram 25, whatsapp 80).
        window: the most rows claimed and not yet recorded at any time.
        in_doubt: the most messages handed to a channel whose outcome is not yet recorded
            (default: a fifth of a second at the highest rate, at least 10). Only these can
            reach a resident twice after a crash: this bounds the duplicates.
        lease: seconds after which another sender may take over a row left in ``sending``.
        max_attempts: transient failures (5xx, network) before a row fails for good.
        chat_interval: seconds between two messages to one chat.
    """

    def __init__(
        self,
        database: Database,
        senders: Mapping[str, ChannelSender],
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        rates: Mapping[str, float] | None = None,
        default_rate: float = 25.0,
        window: int = 100,
        batch: int | None = None,
        lease: float = 120.0,
        max_attempts: int = 8,
        backoff_base: float = 2.0,
        backoff_max: float = 3600.0,
        chat_interval: float = 1.0,
        poll_interval: float = 1.0,
        flush_interval: float = 0.05,
        flush_size: int = 200,
        in_doubt: int | None = None,
    ) -> None:
        self.database = database
        self.senders = dict(senders)
        self.clock = clock
        self.sleep = sleep
        self.rates = dict(rates or {})
        self.default_rate = default_rate
        self.window = max(1, window)
        self.batch = max(1, min(batch or self.window, self.window))
        self.lease = lease
        self.max_attempts = max_attempts
        self.retry = Retry(max_attempts, backoff_base, backoff_max)
        self.poll_interval = poll_interval
        self.flush_interval = flush_interval
        self.flush_size = flush_size
        fastest = max([default_rate, *self.rates.values()])
        self.in_doubt = max(1, in_doubt or max(10, round(fastest / 5)))
        self.stats = SenderStats()
        self._pacers: dict[tuple[str, int | None], Pacer] = {}
        self._chats = ChatSpacing(chat_interval)
        self._quiet: dict[int, QuietHours | None] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._results: list[RowOutcome] = []
        self._claimed: set[int] = set()  # claimed rows whose outcome is not recorded yet
        self._room = asyncio.Semaphore(self.in_doubt)  # taken per row handed to a channel
        self._doubtful: set[int] = set()  # rows handed to a channel, outcome not recorded
        self._last_flush = 0.0
        self._wake = asyncio.Event()
        self._done = asyncio.Event()  # set whenever a message's outcome is known
        self._stopping = False

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self.database, self.clock, bulk=True)

    # -- public ------------------------------------------------------------------------------
    def wake(self) -> None:
        """Look for due rows now (e.g. right after a broadcast was queued)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def recover(self) -> int:
        """Return every ``sending`` row to ``pending`` (only the one elected sender may).

        Call at start-up: those rows were in flight when the previous process died.
        """
        async with self._uow() as uow:
            count = await uow.outbox.release()
            await uow.commit()
        if count:
            log.warning(
                "outbox: %d messages were in flight at the last stop; sending again", count
            )
        return count

    async def run(self) -> None:
        """Send until ``stop()``; idle polling every ``poll_interval`` seconds."""
        try:
            while not self._stopping:
                busy = await self._tick()
                if not busy and not self._stopping:
                    self._wake.clear()
                    waiters = {
                        asyncio.ensure_future(self._wake.wait()),
                        asyncio.ensure_future(self.sleep(self.poll_interval)),
                    }
                    try:
                        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                    finally:
                        for waiter in waiters:
                            waiter.cancel()
        finally:
            await self._settle(cancel=True)

    async def drain(self) -> SenderStats:
        """Send everything due now and return (tests, benchmarks, the CLI)."""
        while True:
            busy = await self._tick()
            if not busy:
                break
        await self._settle()
        return self.stats

    # -- the loop ----------------------------------------------------------------------------
    def _in_flight(self) -> int:
        return len(self._tasks) + len(self._results)

    async def _tick(self) -> bool:
        """Claim, dispatch and record once; return whether anything is still going on."""
        busy = False
        if self._results and (
            not self._tasks
            or len(self._results) >= self.flush_size
            or self._room.locked()  # sends wait until outcomes are recorded: record them now
            or self._monotonic() - self._last_flush >= self.flush_interval
        ):
            await self._flush()
            busy = True
        free = self.window - self._in_flight()
        if free >= max(1, min(self.batch, self.window // 4 or 1)) and not self._stopping:
            busy = await self._claim(min(free, self.batch)) > 0 or busy
        if self._tasks:
            self._done.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._done.wait(), self.flush_interval)
            return True
        return busy or bool(self._results)

    async def _settle(self, cancel: bool = False) -> None:
        """Wait for (or, when stopping, cancel) the messages in flight and record them.

        Cancelled messages go back to ``pending``; one cancelled while its request was on the
        wire may reach the resident twice, which the in-flight window bounds.
        """
        if cancel:
            for task in self._tasks:
                task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._results:
            await self._flush()
        if self._claimed:
            ids, self._claimed = sorted(self._claimed), set()
            async with self._uow() as uow:
                await uow.outbox.release(ids)
                await uow.commit()

    def _monotonic(self) -> float:
        return self.clock().timestamp()

    async def _claim(self, limit: int) -> int:
        if not self.senders:
            return 0
        async with self._uow() as uow:
            claimed = await uow.outbox.claim(list(self.senders), self.clock(), self.lease, limit)
            if not claimed:
                return 0
            projects = {c.project_id for c in claimed if c.project_id is not None}
            for pid, settings in (await uow.outbox.project_settings(projects)).items():
                self._quiet[pid] = QuietHours.from_settings(settings)
            await uow.commit()
        self.stats.claimed += len(claimed)
        for row in claimed:
            self._claimed.add(row.id)
            task = asyncio.create_task(self._deliver(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self.stats.max_in_flight = max(self.stats.max_in_flight, self._in_flight())
        return len(claimed)

    async def _flush(self) -> None:
        results, self._results = self._results, []
        self._last_flush = self._monotonic()
        if not results:
            return
        self._claimed.difference_update(r.row_id for r in results)
        blocked = sorted({r.pseudonym for r in results if r.status == OutboxStatus.BLOCKED})
        async with self._uow() as uow:
            await uow.outbox.record(results)
            for pseudonym in blocked:  # the rule of MarkBlocked: stopped residents stay stopped
                await uow.residents.change_status(
                    pseudonym, ResidentStatus.ACTIVE.value, ResidentStatus.BLOCKED.value
                )
            await uow.commit()
        for r in results:
            if r.row_id in self._doubtful:  # recorded: no longer in doubt after a crash
                self._doubtful.discard(r.row_id)
                self._room.release()
            name = COUNTED.get(r.status)
            if name:
                setattr(self.stats, name, getattr(self.stats, name) + 1)

    # -- one message -------------------------------------------------------------------------
    def _pacer(self, channel: str, bot_id: int | None) -> Pacer:
        key = (channel, bot_id)
        pacer = self._pacers.get(key)
        if pacer is None:
            pacer = self._pacers[key] = Pacer(self.rates.get(channel, self.default_rate))
        return pacer

    async def _wait_for_chat(self, key: tuple[str, str]) -> None:
        while (wait := self._chats.take(key, self._monotonic())) > 0:
            await self.sleep(wait)

    async def _deliver(self, row: Claimed) -> None:
        try:
            result = await self._attempt(row)
        except Exception as error:  # never lose a row to a bug in a channel adapter
            log.exception("outbox: sending message %d failed", row.id)
            result = self._retry(row, f"{type(error).__name__}: {error}")
        self._results.append(result)
        self._done.set()

    def _retry(self, row: Claimed, error: str) -> RowOutcome:
        return self._count_retry(self.retry.outcome(row, error, self.clock()))

    def _count_retry(self, result: RowOutcome) -> RowOutcome:
        if result.status == OutboxStatus.PENDING:  # due again later, not failed for good
            self.stats.retried += 1
        return result

    def _hold(self, row: Claimed) -> RowOutcome | None:
        quiet = self._quiet.get(row.project_id) if row.project_id is not None else None
        held = hold(row, quiet, self.clock())
        if held is not None and held.status == OutboxStatus.PENDING:  # until quiet hours end
            self.stats.held += 1
        return held

    async def _attempt(self, row: Claimed) -> RowOutcome:
        held = self._hold(row)
        if held is not None or row.address is None:  # (no address is held: cancelled)
            return held or RowOutcome(row.id, OutboxStatus.CANCELLED, row.pseudonym)
        sender = self.senders[row.channel]
        message = load_message(row.payload)
        pacer = self._pacer(row.channel, row.bot_id)
        chat = (row.channel, row.address)
        await self._wait_for_chat(chat)
        tried = 0
        while True:
            if row.id not in self._doubtful:  # before its slot, so a wait never bunches sends
                await self._room.acquire()  # at most ``in_doubt`` sent and not yet recorded
                self._doubtful.add(row.id)
            await self.sleep(pacer.reserve(self._monotonic()))
            if pacer.paused(self._monotonic()):
                continue  # a 429 arrived while we waited for our slot
            wait = pacer.admit(self._monotonic())
            if wait > 0:  # woke late behind others: take a new slot at the back
                await self.sleep(wait)
                continue
            tried += 1
            self._chats.sent(chat, self._monotonic())
            outcome = await sender.send(row.address, message, bot_id=row.bot_id)
            if outcome.status == SendStatus.RATE_LIMITED:
                wait = outcome.retry_after if outcome.retry_after is not None else 1.0
                pacer.pause(self._monotonic(), wait)
                self.stats.rate_limited += 1
                log.warning("outbox: %s bot %s paused for %.1f s", row.channel, row.bot_id, wait)
                if tried < self.max_attempts:
                    continue
                return self._retry(row, outcome.error or "rate limited")
            alone = stand_in(outcome, message)
            if alone is not None:
                message = alone
                continue
            return self._result(row, outcome, tried)

    def _result(self, row: Claimed, outcome: SendOutcome, tried: int) -> RowOutcome:
        return self._count_retry(answered(row, outcome, tried, self.clock(), self.retry))
