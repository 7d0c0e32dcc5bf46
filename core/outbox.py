"""Durable outgoing messages and the rate-limited sender that drains them.

Every message the core sends on its own initiative (a round's prompt, a reminder, the results)
is first a row in the ``outbox`` table, written in the same transaction as the decision to send
it. ``OutboxSender`` claims due rows in batches, paces them per bot and per chat, hands each to
the channel's :class:`~core.channels.ChannelSender` and writes the outcome back.

Crash safety. A row is ``pending`` until claimed; claiming sets it to ``sending``; the outcome
(``sent``, ``failed``, ``blocked``, ``cancelled``, or back to ``pending`` for a retry) is written
after the channel answered. A process killed at any moment therefore leaves only ``sending``
rows in doubt: they are sent again after a restart (``recover``) or once their lease expired,
so nothing is lost and the duplicates are at most the rows that were ``sending`` at the crash,
which the sender keeps at or below ``window`` (the in-flight window).

Time is injected: ``clock()`` returns an aware UTC datetime and ``sleep(seconds)`` waits, so
tests drive the sender on a clock of their own and never wait for real.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.channels import ChannelSender, OutboundMessage, SendOutcome, SendStatus, Template
from core.domain.model import ResidentStatus
from core.messages import Option, Reply
from core.services.uow import UnitOfWork
from core.storage import tables as t
from core.storage.db import transaction

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]

DEFAULT_QUIET_HOURS = ("21:00", "09:00")
DEFAULT_TIMEZONE = "Europe/Amsterdam"


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next_attempt_at
    SENDING = "sending"  # claimed by a sender; the channel may or may not have it yet
    SENT = "sent"
    FAILED = "failed"  # permanent error or retries used up; last_error says why
    BLOCKED = "blocked"  # the resident blocked the bot; never retried
    CANCELLED = "cancelled"  # the resident stopped, was erased, or has no address any more


# -- payloads ----------------------------------------------------------------------------------


def dump_message(message: OutboundMessage) -> dict[str, Any]:
    """Serialise an ``OutboundMessage`` into the JSON stored in ``outbox.payload``."""
    data: dict[str, Any] = {
        "kind": message.kind,
        "replies": [
            {
                "text": r.text,
                "options": [{"label": o.label, "data": o.data} for o in r.options],
                "columns": r.columns,
            }
            for r in message.replies
        ],
    }
    if message.template is not None:
        tpl = message.template
        data["template"] = {
            "name": tpl.name,
            "language": tpl.language,
            "parameters": list(tpl.parameters),
            "buttons": list(tpl.buttons),
        }
    if message.extra:
        data["extra"] = dict(message.extra)
    return data


def load_message(data: Mapping[str, Any]) -> OutboundMessage:
    """Rebuild the ``OutboundMessage`` stored by :func:`dump_message`."""
    replies = tuple(
        Reply(
            str(r["text"]),
            tuple(Option(str(o["label"]), str(o["data"])) for o in r.get("options", ())),
            int(r.get("columns", 0)),
        )
        for r in data.get("replies", ())
    )
    tpl = data.get("template")
    template = (
        Template(
            str(tpl["name"]),
            str(tpl["language"]),
            tuple(str(p) for p in tpl.get("parameters", ())),
            tuple(str(b) for b in tpl.get("buttons", ())),
        )
        if tpl
        else None
    )
    return OutboundMessage(
        replies, str(data.get("kind", "message")), template, dict(data.get("extra") or {})
    )


# -- quiet hours -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietHours:
    """A nightly span (local time) in which broadcasts wait; ``start > end`` spans midnight."""

    start: time
    end: time
    zone: ZoneInfo

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> QuietHours | None:
        """Read ``quiet_hours`` (default 21:00-09:00) and ``timezone`` from project settings.

        An empty list or ``false`` switches quiet hours off.
        """
        settings = settings or {}
        hours = settings.get("quiet_hours", DEFAULT_QUIET_HOURS)
        if not hours:
            return None
        start, end = (time.fromisoformat(str(h)) for h in hours)
        if start == end:
            return None
        return cls(start, end, ZoneInfo(str(settings.get("timezone") or DEFAULT_TIMEZONE)))

    def _quiet(self, local: time) -> bool:
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release(self, now: datetime) -> datetime | None:
        """Return when a message due at ``now`` may go out, or None when it may go now."""
        local = now.astimezone(self.zone)
        if not self._quiet(local.time().replace(tzinfo=None)):
            return None
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.end:
            day += timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=self.zone).astimezone(UTC)


# -- enqueueing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """One message to queue for one resident (``dedupe_key`` makes queueing idempotent)."""

    pseudonym: str
    channel: str
    dedupe_key: str
    message: OutboundMessage
    project_id: int | None = None
    round_id: int | None = None
    bot_id: int | None = None


def _insert(conn: AsyncConnection) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(t.outbox).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return sqlite.insert(t.outbox).on_conflict_do_nothing(index_elements=["dedupe_key"])


async def enqueue(
    conn: AsyncConnection,
    envelopes: Sequence[Envelope],
    now: datetime,
    quiet: QuietHours | None = None,
) -> int:
    """Queue messages, skipping any whose dedupe key is known; return how many were new.

    Messages queued during quiet hours are due the next morning.
    """
    if not envelopes:
        return 0
    keys = [e.dedupe_key for e in envelopes]
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        known.update(
            await conn.scalars(
                sa.select(t.outbox.c.dedupe_key).where(t.outbox.c.dedupe_key.in_(chunk))
            )
        )
    due = (quiet.release(now) if quiet else None) or now
    rows = []
    for e in envelopes:
        if e.dedupe_key in known:
            continue
        known.add(e.dedupe_key)
        rows.append(
            {
                "pseudonym": e.pseudonym,
                "project_id": e.project_id,
                "round_id": e.round_id,
                "channel": e.channel,
                "bot_id": e.bot_id,
                "kind": e.message.kind,
                "payload": dump_message(e.message),
                "dedupe_key": e.dedupe_key,
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": due,
                "created_at": now,
            }
        )
    if rows:
        await conn.execute(_insert(conn), rows)
    return len(rows)


async def record_receipt(
    conn: AsyncConnection, provider_message_id: str, status: str, error: str | None = None
) -> int:
    """Apply a delivery receipt (WhatsApp ``statuses``): a ``failed`` receipt fails the row.

    Returns the number of rows changed.
    """
    if status != OutboxStatus.FAILED.value:
        return 0
    result = await conn.execute(
        t.outbox.update()
        .where(t.outbox.c.provider_message_id == provider_message_id)
        .values(status=OutboxStatus.FAILED.value, last_error=error or "failed receipt")
    )
    return int(result.rowcount or 0)


async def requeue_after_receipt(
    conn: AsyncConnection, provider_message_id: str, now: datetime, reason: str
) -> str | None:
    """Send a message again that the provider accepted and later reported undeliverable in a
    way a second try can fix (WhatsApp: the 24-hour window had closed, so the template will do).

    Only a message sent once is sent again, so a message can never go round in circles.
    Returns the resident's pseudonym when the row is queued again, else None.
    """
    o = t.outbox
    row = (
        await conn.execute(
            sa.select(o.c.id, o.c.pseudonym).where(
                o.c.provider_message_id == provider_message_id,
                o.c.status == OutboxStatus.SENT.value,
                o.c.attempts <= 1,
            )
        )
    ).first()
    if row is None:
        return None
    await conn.execute(
        o.update()
        .where(o.c.id == row.id)
        .values(
            status=OutboxStatus.PENDING.value,
            next_attempt_at=now,
            claimed_at=None,
            provider_message_id=None,
            last_error=reason[:500],
        )
    )
    return str(row.pseudonym)


# -- pacing ------------------------------------------------------------------------------------


class Pacer:
    """A token bucket (GCRA form): ``rate`` per second with ``burst`` tokens.

    ``reserve(now)`` books the next free slot and returns how long to wait for it, so waiting
    callers go out evenly spaced, in the order they asked. ``admit(now)``, called right before
    sending, is the hard limit: at most ``rate + 1`` sends in any second (the one absorbs timer
    jitter), so an event loop that woke late never sends the missed slots in a burst.
    ``pause`` holds every slot until a moment (a 429's ``retry_after``).
    """

    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.tolerance = (max(burst, 1) - 1) * self.interval
        # one more than the rate absorbs timer jitter; a late loop still cannot burst
        self.limit = max(1, int(rate), burst) + 1
        self.tat = 0.0  # theoretical arrival time of the next message
        self.paused_until = 0.0
        self._recent: deque[float] = deque()

    def reserve(self, now: float) -> float:
        start = max(now, self.paused_until)
        tat = max(self.tat, start)
        slot = max(start, tat - self.tolerance)
        self.tat = tat + self.interval
        return slot - now

    def admit(self, now: float) -> float:
        """Record a send at ``now`` and return 0, or return how long until one fits."""
        recent = self._recent
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= self.limit:
            return recent[0] + 1.0 - now
        recent.append(now)
        return 0.0

    def pause(self, now: float, seconds: float) -> None:
        self.paused_until = max(self.paused_until, now + seconds)
        self.tat = max(self.tat, self.paused_until)

    def paused(self, now: float) -> bool:
        return now < self.paused_until


# -- the sender --------------------------------------------------------------------------------


@dataclass
class Claimed:
    id: int
    pseudonym: str
    channel: str
    bot_id: int | None
    kind: str
    payload: dict[str, Any]
    attempts: int
    project_id: int | None
    address: str | None
    resident_status: str | None


@dataclass
class _Result:
    row_id: int
    status: OutboxStatus
    pseudonym: str
    tried: int = 0  # send attempts made for this outcome
    next_attempt_at: datetime | None = None
    error: str | None = None
    provider_id: str | None = None
    sent_at: datetime | None = None


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


class OutboxSender:
    """Drains the outbox through the channels' senders, as fast as allowed and no faster.

    Args:
        engine: the database.
        senders: a ``ChannelSender`` per channel name; rows for other channels stay queued.
        clock: aware UTC ``now``; ``sleep``: an awaitable pause (both injectable for tests).
        rates: messages per second per bot, by channel (e.g. telegram 25, whatsapp 80).
        window: the most rows claimed and not yet recorded at any time; bounds the duplicates
            a crash can cause.
        lease: seconds after which another sender may take over a row left in ``sending``.
        max_attempts: transient failures (5xx, network) before a row fails for good.
        chat_interval: seconds between two messages to one chat.
    """

    def __init__(
        self,
        engine: AsyncEngine,
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
    ) -> None:
        self.engine = engine
        self.senders = dict(senders)
        self.clock = clock
        self.sleep = sleep
        self.rates = dict(rates or {})
        self.default_rate = default_rate
        self.window = max(1, window)
        self.batch = max(1, min(batch or self.window, self.window))
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.chat_interval = chat_interval
        self.poll_interval = poll_interval
        self.flush_interval = flush_interval
        self.flush_size = flush_size
        self.stats = SenderStats()
        self._pacers: dict[tuple[str, int | None], Pacer] = {}
        self._chats: dict[tuple[str, str], float] = {}
        self._quiet: dict[int, QuietHours | None] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._results: list[_Result] = []
        self._claimed: set[int] = set()  # claimed rows whose outcome is not recorded yet
        self._last_flush = 0.0
        self._wake = asyncio.Event()
        self._done = asyncio.Event()  # set whenever a message's outcome is known
        self._stopping = False

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
        async with transaction(self.engine) as conn:
            result = await conn.execute(
                t.outbox.update()
                .where(t.outbox.c.status == OutboxStatus.SENDING.value)
                .values(status=OutboxStatus.PENDING.value, claimed_at=None)
            )
        count = int(result.rowcount or 0)
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
            async with transaction(self.engine) as conn:
                await conn.execute(
                    t.outbox.update()
                    .where(t.outbox.c.id.in_(ids), t.outbox.c.status == OutboxStatus.SENDING.value)
                    .values(status=OutboxStatus.PENDING.value, claimed_at=None)
                )

    def _monotonic(self) -> float:
        return self.clock().timestamp()

    async def _claim(self, limit: int) -> int:
        if not self.senders:
            return 0
        now = self.clock()
        o = t.outbox
        due = sa.or_(
            sa.and_(o.c.status == OutboxStatus.PENDING.value, o.c.next_attempt_at <= now),
            sa.and_(
                o.c.status == OutboxStatus.SENDING.value,
                o.c.claimed_at < now - timedelta(seconds=self.lease),
            ),
        )
        query = (
            sa.select(o.c.id)
            .where(o.c.channel.in_(list(self.senders)), due)
            .order_by(o.c.next_attempt_at, o.c.id)
            .limit(limit)
        )
        async with transaction(self.engine) as conn:
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            ids = list(await conn.scalars(query))
            if not ids:
                return 0
            await conn.execute(
                o.update()
                .where(o.c.id.in_(ids))
                .values(status=OutboxStatus.SENDING.value, claimed_at=now)
            )
            rows = await conn.execute(
                sa.select(
                    o.c.id,
                    o.c.pseudonym,
                    o.c.channel,
                    o.c.bot_id,
                    o.c.kind,
                    o.c.payload,
                    o.c.attempts,
                    o.c.project_id,
                    t.contacts.c.address,
                    t.residents.c.status.label("resident_status"),
                )
                .select_from(
                    o.outerjoin(t.contacts, t.contacts.c.pseudonym == o.c.pseudonym).outerjoin(
                        t.residents,
                        sa.and_(
                            t.residents.c.pseudonym == o.c.pseudonym,
                            t.residents.c.project_id == o.c.project_id,
                        ),
                    )
                )
                .where(o.c.id.in_(ids))
                .order_by(o.c.next_attempt_at, o.c.id)
            )
            claimed = [Claimed(**dict(r._mapping)) for r in rows]
            projects = {c.project_id for c in claimed if c.project_id is not None}
            if projects:
                for pid, settings in await conn.execute(
                    sa.select(t.projects.c.id, t.projects.c.settings).where(
                        t.projects.c.id.in_(projects)
                    )
                ):
                    self._quiet[int(pid)] = QuietHours.from_settings(settings)
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
        o = t.outbox
        statement = (
            o.update()
            .where(o.c.id == sa.bindparam("row_id"), o.c.status == OutboxStatus.SENDING.value)
            .values(
                status=sa.bindparam("new_status"),
                attempts=o.c.attempts + sa.bindparam("tried"),
                next_attempt_at=sa.func.coalesce(
                    sa.bindparam("next_at", type_=t.UTCDateTime()), o.c.next_attempt_at
                ),
                last_error=sa.bindparam("error"),
                provider_message_id=sa.bindparam("provider_id"),
                sent_at=sa.bindparam("sent", type_=t.UTCDateTime()),
                claimed_at=None,
            )
        )
        params = [
            {
                "row_id": r.row_id,
                "new_status": r.status.value,
                "tried": r.tried,
                "next_at": r.next_attempt_at,
                "error": r.error,
                "provider_id": r.provider_id,
                "sent": r.sent_at,
            }
            for r in results
        ]
        blocked = sorted({r.pseudonym for r in results if r.status == OutboxStatus.BLOCKED})
        async with UnitOfWork(self.engine, self.clock) as uow:
            await uow.conn.execute(statement, params)
            for pseudonym in blocked:  # the rule of MarkBlocked: stopped residents stay stopped
                await uow.residents.change_status(
                    pseudonym, ResidentStatus.ACTIVE.value, ResidentStatus.BLOCKED.value
                )
            await uow.commit()
        for r in results:
            name = {
                OutboxStatus.SENT: "sent",
                OutboxStatus.FAILED: "failed",
                OutboxStatus.BLOCKED: "blocked",
                OutboxStatus.CANCELLED: "cancelled",
            }.get(r.status)
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
        while True:
            now = self._monotonic()
            ready = self._chats.get(key, 0.0)
            if ready <= now:
                self._chats[key] = now + self.chat_interval
                if len(self._chats) > 50_000:
                    self._chats = {k: v for k, v in self._chats.items() if v > now}
                return
            await self.sleep(ready - now)

    async def _deliver(self, row: Claimed) -> None:
        try:
            result = await self._attempt(row)
        except Exception as error:  # never lose a row to a bug in a channel adapter
            log.exception("outbox: sending message %d failed", row.id)
            result = self._retry(row, f"{type(error).__name__}: {error}")
        self._results.append(result)
        self._done.set()

    def _retry(self, row: Claimed, error: str) -> _Result:
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            return _Result(row.id, OutboxStatus.FAILED, row.pseudonym, 1, error=error)
        delay = min(self.backoff_max, self.backoff_base**attempts)
        self.stats.retried += 1
        return _Result(
            row.id,
            OutboxStatus.PENDING,
            row.pseudonym,
            1,
            next_attempt_at=self.clock() + timedelta(seconds=delay),
            error=error,
        )

    async def _attempt(self, row: Claimed) -> _Result:
        if row.address is None:
            return _Result(row.id, OutboxStatus.CANCELLED, row.pseudonym, error="no address")
        if row.project_id is not None and row.resident_status != "active":
            reason = f"resident {row.resident_status or 'erased'}"
            return _Result(row.id, OutboxStatus.CANCELLED, row.pseudonym, error=reason)
        quiet = self._quiet.get(row.project_id) if row.project_id is not None else None
        release = quiet.release(self.clock()) if quiet else None
        if release is not None:
            self.stats.held += 1
            return _Result(row.id, OutboxStatus.PENDING, row.pseudonym, next_attempt_at=release)
        sender = self.senders[row.channel]
        message = load_message(row.payload)
        pacer = self._pacer(row.channel, row.bot_id)
        await self._wait_for_chat((row.channel, row.address))
        address = row.address
        tried = 0
        while True:
            await self.sleep(pacer.reserve(self._monotonic()))
            if pacer.paused(self._monotonic()):
                continue  # a 429 arrived while we waited for our slot
            wait = pacer.admit(self._monotonic())
            if wait > 0:  # woke late behind others: take a new slot at the back
                await self.sleep(wait)
                continue
            tried += 1
            chat = (row.channel, row.address)
            self._chats[chat] = max(
                self._chats.get(chat, 0.0), self._monotonic() + self.chat_interval
            )
            outcome: SendOutcome = await sender.send(address, message, bot_id=row.bot_id)
            status = outcome.status
            if status == SendStatus.SENT:
                return _Result(
                    row.id,
                    OutboxStatus.SENT,
                    row.pseudonym,
                    tried,
                    provider_id=outcome.provider_id,
                    sent_at=self.clock(),
                )
            if status == SendStatus.RATE_LIMITED:
                wait = outcome.retry_after if outcome.retry_after is not None else 1.0
                pacer.pause(self._monotonic(), wait)
                self.stats.rate_limited += 1
                log.warning("outbox: %s bot %s paused for %.1f s", row.channel, row.bot_id, wait)
                if tried < self.max_attempts:
                    continue
                return self._retry(row, outcome.error or "rate limited")
            if status == SendStatus.BLOCKED:
                return _Result(
                    row.id, OutboxStatus.BLOCKED, row.pseudonym, tried, error=outcome.error
                )
            if status == SendStatus.WINDOW_CLOSED and message.template and message.replies:
                message = replace(message, replies=())  # a template-only message
                continue
            if status in (SendStatus.FAILED, SendStatus.WINDOW_CLOSED):
                error = outcome.error or status.value
                return _Result(row.id, OutboxStatus.FAILED, row.pseudonym, tried, error=error)
            return self._retry(row, outcome.error or "retry")


# -- progress ----------------------------------------------------------------------------------


@dataclass
class BroadcastProgress:
    """How a round's messages are doing: for ``inspraak round status`` and the JSON route."""

    project: str
    round: str
    round_id: int
    total: int
    pending: int
    sending: int
    sent: int
    failed: int
    blocked: int
    cancelled: int
    held: int  # pending but not due yet (quiet hours, retry back-off)
    rate: float  # messages sent per second over the last minute
    eta_seconds: float | None
    next_attempt_at: datetime | None
    by_kind: dict[str, dict[str, int]]
    generated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "round": self.round,
            "round_id": self.round_id,
            "total": self.total,
            "pending": self.pending,
            "sending": self.sending,
            "sent": self.sent,
            "failed": self.failed,
            "blocked": self.blocked,
            "cancelled": self.cancelled,
            "held": self.held,
            "rate": round(self.rate, 2),
            "eta_seconds": None if self.eta_seconds is None else round(self.eta_seconds, 1),
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "by_kind": self.by_kind,
            "generated_at": self.generated_at.isoformat(),
        }


async def broadcast_progress(
    conn: AsyncConnection, code: str, round_key: str, now: datetime, window: float = 60.0
) -> BroadcastProgress | None:
    """Count a round's outbox rows by status and estimate the rate and time to go."""
    row = (
        await conn.execute(
            sa.select(t.rounds.c.id, t.projects.c.code)
            .select_from(t.rounds.join(t.projects, t.projects.c.id == t.rounds.c.project_id))
            .where(t.projects.c.code == code, t.rounds.c.key == round_key)
        )
    ).first()
    if row is None:
        return None
    round_id = int(row.id)
    o = t.outbox
    by_kind: dict[str, dict[str, int]] = {}
    totals = {s.value: 0 for s in OutboxStatus}
    for kind, status, n in await conn.execute(
        sa.select(o.c.kind, o.c.status, sa.func.count())
        .where(o.c.round_id == round_id)
        .group_by(o.c.kind, o.c.status)
    ):
        by_kind.setdefault(str(kind), {})[str(status)] = int(n)
        totals[str(status)] = totals.get(str(status), 0) + int(n)
    held = int(
        await conn.scalar(
            sa.select(sa.func.count()).where(
                o.c.round_id == round_id,
                o.c.status == OutboxStatus.PENDING.value,
                o.c.next_attempt_at > now,
            )
        )
        or 0
    )
    next_at = await conn.scalar(
        sa.select(sa.func.min(o.c.next_attempt_at)).where(
            o.c.round_id == round_id, o.c.status == OutboxStatus.PENDING.value
        )
    )
    since = now - timedelta(seconds=window)
    recent, first = (
        await conn.execute(
            sa.select(sa.func.count(), sa.func.min(o.c.sent_at)).where(
                o.c.round_id == round_id,
                o.c.status == OutboxStatus.SENT.value,
                o.c.sent_at >= since,
            )
        )
    ).one()
    rate = 0.0
    first_at = _aware(first)
    if recent and first_at is not None:
        span = max((now - first_at).total_seconds(), 1.0)
        rate = int(recent) / span
    remaining = totals["pending"] + totals["sending"]
    eta = None
    if remaining == 0:
        eta = 0.0
    elif rate > 0:
        eta = remaining / rate
        next_due = _aware(next_at)
        if next_due is not None and next_due > now and held == totals["pending"]:
            eta += (next_due - now).total_seconds()
    return BroadcastProgress(
        project=str(row.code),
        round=round_key,
        round_id=round_id,
        total=sum(totals.values()),
        pending=totals["pending"],
        sending=totals["sending"],
        sent=totals["sent"],
        failed=totals["failed"],
        blocked=totals["blocked"],
        cancelled=totals["cancelled"],
        held=held,
        rate=rate,
        eta_seconds=eta,
        next_attempt_at=_aware(next_at),
        by_kind=by_kind,
        generated_at=now,
    )


def _aware(value: Any) -> datetime | None:
    """A datetime from an aggregate (drivers differ in what ``min()`` of a column returns)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
