"""Shared plumbing for the in-process fake HTTP APIs (Telegram, WhatsApp).

Each fake is an aiohttp application bound to 127.0.0.1 on a free port. This module
holds the lifecycle (start/close, async context manager), a call log that tests can
await, a sliding-window rate limiter and a helper that drops a connection mid-request.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, NoReturn, Self, TypeVar

from aiohttp import ClientSession, ClientTimeout, web

T = TypeVar("T")

__all__ = ["CallLog", "FakeHTTPServer", "SlidingWindow", "drop_connection"]


def drop_connection(request: web.Request) -> NoReturn:
    """Close the client's TCP connection without an answer (simulated network failure).

    Raises ``CancelledError`` so aiohttp abandons the handler without writing or logging;
    the client sees ``ServerDisconnectedError``.
    """
    if request.transport is not None:
        request.transport.close()
    raise asyncio.CancelledError


class SlidingWindow:
    """Counts events in a trailing window of ``period`` seconds (monotonic clock)."""

    __slots__ = ("_events", "period")

    def __init__(self, period: float = 1.0) -> None:
        self.period = period
        self._events: deque[float] = deque()

    def _trim(self, now: float) -> None:
        events, horizon = self._events, now - self.period
        while events and events[0] <= horizon:
            events.popleft()

    def retry_after(self, limit: float, now: float) -> float:
        """Seconds until one more event fits under ``limit``; 0 when it fits now."""
        self._trim(now)
        if len(self._events) < limit:
            return 0.0
        # The event that must expire before another one fits.
        index = len(self._events) - int(limit)
        return max(self._events[index] + self.period - now, 0.001)

    def add(self, now: float) -> None:
        """Record one event at ``now``."""
        self._events.append(now)

    def __len__(self) -> int:
        self._trim(time.monotonic())
        return len(self._events)


def whole_seconds(delay: float) -> int:
    """Round a delay up to whole seconds, at least 1 (Telegram and Meta speak seconds)."""
    return max(1, math.ceil(delay))


@dataclass
class _Waiter(Generic[T]):
    predicate: Callable[[T], bool]
    count: int
    matched: list[T]
    future: asyncio.Future[list[T]]


@dataclass
class CallLog(Generic[T]):
    """An append-only list of records that tests can filter and await."""

    items: list[T] = field(default_factory=list)
    keep: bool = True
    """False: only notify waiters, do not store (bounded memory for benchmarks)."""
    _waiters: list[_Waiter[T]] = field(default_factory=list)

    def append(self, item: T) -> None:
        """Store ``item`` and wake any waiter whose count is now reached."""
        if self.keep:
            self.items.append(item)
        if not self._waiters:
            return
        for waiter in list(self._waiters):
            if waiter.future.done():
                self._waiters.remove(waiter)
                continue
            if waiter.predicate(item):
                waiter.matched.append(item)
                if len(waiter.matched) >= waiter.count:
                    waiter.future.set_result(list(waiter.matched))
                    self._waiters.remove(waiter)

    async def wait_for(
        self,
        predicate: Callable[[T], bool],
        count: int,
        timeout: float,  # noqa: ASYNC109
        describe: str = "records",
    ) -> list[T]:
        """Wait until at least ``count`` records (already stored or new) match ``predicate``.

        Returns the matching records; raises ``TimeoutError`` with a summary otherwise.
        """
        matched = [item for item in self.items if predicate(item)]
        if len(matched) >= count:
            return matched
        future: asyncio.Future[list[T]] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(predicate, count, matched, future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            msg = (
                f"timed out after {timeout}s waiting for {count} {describe}; "
                f"got {len(waiter.matched)} of {len(self.items)} recorded"
            )
            raise TimeoutError(msg) from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def clear(self) -> None:
        """Forget all records (pending waiters keep waiting for new ones)."""
        self.items.clear()

    def __len__(self) -> int:
        return len(self.items)


class FakeHTTPServer:
    """Base class: an aiohttp app served on ``host`` at a free port, usable with ``async with``."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self.closing = False

    # -- to be provided by subclasses -------------------------------------------------------
    def build_app(self) -> web.Application:
        """Return the aiohttp application with the fake's routes."""
        raise NotImplementedError

    async def on_close(self) -> None:
        """Hook run before the server stops (wake long polls, etc.)."""

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running server."""
        if self._runner is None:
            msg = f"{type(self).__name__} is not started; use 'async with' or 'await start()'"
            raise RuntimeError(msg)
        return f"http://{self.host}:{self.port}"

    async def start(self) -> Self:
        """Bind and start serving; returns ``self``."""
        if self._runner is not None:
            return self
        self.closing = False
        runner = web.AppRunner(
            self.build_app(),
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self

    async def close(self) -> None:
        """Stop serving and close the webhook client session."""
        self.closing = True
        await self.on_close()
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def http_client(self) -> ClientSession:
        """A lazily created client session used to call webhooks under test."""
        if self._client is None or self._client.closed:
            self._client = ClientSession(timeout=ClientTimeout(total=30))
        return self._client

    @staticmethod
    def now() -> float:
        """Monotonic time used for call records and rate limits."""
        return time.monotonic()

    @staticmethod
    def describe_args(**kwargs: Any) -> str:
        """Render filter arguments for error messages."""
        return ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if v is not None) or "any"
