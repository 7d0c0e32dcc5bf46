"""The elected process's background work: the round scheduler and the outbox sender.

* ``Leadership`` (core/storage/leadership.py): one process schedules and sends. On PostgreSQL
  it is the one holding an advisory lock (``pg_try_advisory_lock``) on a connection of its
  own; the others try again now and then and take over when the leader's connection goes
  away. SQLite has one process.
* ``Background``: waits for leadership, then runs the ``RoundScheduler``
  (inspraak/scheduling.py) and the ``OutboxSender`` (core/outbox/), built from the settings by
  ``build_sender``; a ``MessagesQueued`` event wakes the sender at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from core.domain import events as e
from core.outbox import OutboxSender
from core.outbox.ports import ChannelSender
from core.storage.leadership import Leadership
from inspraak.bootstrap import Container
from inspraak.scheduling import RoundScheduler

log = logging.getLogger(__name__)


def build_sender(
    container: Container, senders: Mapping[str, ChannelSender] | None = None, **kwargs: Any
) -> OutboxSender:
    """The outbox sender with the rates and limits from the settings."""
    settings = container.settings
    options: dict[str, Any] = {
        "rates": {
            "telegram": settings.telegram_rate,
            "whatsapp": settings.whatsapp_rate,
            "email": settings.email_rate,
        },
        "default_rate": settings.telegram_rate,
        "window": settings.outbox_window,
        "lease": settings.outbox_lease,
        "max_attempts": settings.outbox_max_attempts,
        "in_doubt": settings.outbox_in_doubt or None,
    }
    options.update(kwargs)
    return OutboxSender(
        container.database,
        senders if senders is not None else container.senders,
        clock=container.clock,
        **options,
    )


class Background:
    """Wait to be elected, then run the round scheduler and the outbox sender until stopped."""

    def __init__(
        self,
        container: Container,
        *,
        sender: OutboxSender | None = None,
        scheduler: RoundScheduler | None = None,
        retry_every: float | None = None,
    ) -> None:
        self.container = container
        self.leadership = Leadership(container.engine)
        self.sender = sender or build_sender(container)
        self.scheduler = scheduler or RoundScheduler(container)
        self.retry_every = container.settings.leader_retry if retry_every is None else retry_every
        self._task: asyncio.Task[None] | None = None
        self._sender_task: asyncio.Task[None] | None = None
        self.leading = asyncio.Event()

    async def start(self) -> None:
        self.container.bus.subscribe(e.MessagesQueued, self._wake_sender)
        self._task = asyncio.create_task(self._run())

    async def _wake_sender(self, event: e.MessagesQueued) -> None:
        self.sender.wake()

    async def _run(self) -> None:
        while True:
            if await self._try_lead():
                break
            await asyncio.sleep(self.retry_every)
        log.info("this process schedules rounds and sends broadcasts")
        await self.sender.recover()
        await self.scheduler.start()
        self._sender_task = asyncio.create_task(self.sender.run())
        self.leading.set()

    async def _try_lead(self) -> bool:
        try:
            return await self.leadership.acquire()
        except Exception:
            log.exception("leader election failed; trying again")
            return False

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._sender_task is not None:
            self.sender.stop()
            await self._sender_task
        if self.leading.is_set():
            await self.scheduler.stop()
        await self.leadership.release()
