"""What a facilitator should know before acting on a round: contributions still waiting for
moderation, and the results messages already sent or still waiting to go."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from core.domain.model import shown_publicly
from core.storage import tables as t
from core.views.moderation import KINDS, unreviewed
from core.views.reading import ReadUnit


@dataclass
class Waiting:
    """A round's contributions nobody has reviewed yet."""

    total: int = 0
    hidden: int = 0  # not shown to anyone else until approved (held, or moderation beforehand)

    @property
    def shown(self) -> int:
        """Shown without review (moderation afterwards, nothing flagged)."""
        return self.total - self.hidden


async def waiting_for_moderation(uow: ReadUnit, round_id: int, moderation: str) -> Waiting:
    """The round's ideas and feedback comments that wait for a facilitator's review."""
    found = Waiting()
    for kind, table in KINDS:
        rows = await uow.conn.execute(
            sa.select(table.c.status, table.c.flags).where(
                table.c.round_id == round_id, unreviewed(table, kind)
            )
        )
        for status, flags in rows:
            found.total += 1
            if not shown_publicly(status, list(flags or []), moderation):
                found.hidden += 1
    return found


@dataclass
class ResultsMessages:
    sent: int = 0  # handed to a channel (or failed there): cannot be taken back
    pending: int = 0  # still in the outbox: withdrawn when the results are taken back


async def results_messages(uow: ReadUnit, round_id: int) -> ResultsMessages:
    """How many of a round's results messages went out, and how many still wait."""
    rows = await uow.conn.execute(
        sa.select(t.outbox.c.status, sa.func.count())
        .where(t.outbox.c.round_id == round_id, t.outbox.c.kind == "results")
        .group_by(t.outbox.c.status)
    )
    found = ResultsMessages()
    for status, n in rows:
        if status == "pending":
            found.pending += int(n)
        elif status in ("sending", "sent", "failed"):
            found.sent += int(n)
    return found
