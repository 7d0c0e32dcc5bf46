"""A crash can repeat only the messages sent and not yet recorded: the sender keeps them few.

A message handed to the channel is "in doubt" until its outcome is written: after a kill -9
the next sender sends it again, and the platform may have taken it already. Outcomes are
written in batches; without a bound a busy process had sent dozens more than it had written
(32 duplicates in one kill of tests/integration/test_workers.py).
"""

from __future__ import annotations

import sqlalchemy as sa

from core.domain import commands as c
from core.outbox import OutboxSender
from core.outbox.ports import OutboundMessage, SendOutcome
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import TestClock
from tests.fakes.senders import ScriptedSender
from tests.integration.outbox_support import make_project, make_sender, round_id, subscribe


class Watching(ScriptedSender):
    """Notes, at each send, how many messages were sent and are not yet recorded as sent (the
    sender counts a message sent once its outcome is committed)."""

    outbox: OutboxSender
    unrecorded: list[int]

    async def send(
        self, address: str, message: OutboundMessage, *, bot_id: int | None = None
    ) -> SendOutcome:
        self.unrecorded.append(len(self.deliveries) - self.outbox.stats.sent)
        return await super().send(address, message, bot_id=bot_id)


async def test_at_most_in_doubt_messages_are_sent_and_unrecorded(
    container: Container, clock: TestClock
) -> None:
    project_id = await make_project(container)
    await subscribe(container, project_id, 80)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    watching = Watching(clock)
    outbox, _ = make_sender(
        container, clock, watching, rates={"telegram": 1000.0}, window=100, in_doubt=5
    )
    watching.outbox, watching.unrecorded = outbox, []

    await outbox.drain()

    assert len(watching.deliveries) == 80
    assert max(watching.unrecorded) <= 5
    async with container.uow() as uow:
        sent = await uow.conn.scalar(sa.select(sa.func.count()).where(t.outbox.c.status == "sent"))
    assert sent == 80
