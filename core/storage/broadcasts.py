"""Who a broadcast goes to: active residents with a contact on a channel that can push."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.domain import model
from core.domain.outbox import Recipient
from core.storage import tables as t
from core.storage.repositories import Repository

CHUNK = 500
ANSWERS = {
    model.RoundKind.IDEAS: t.ideas,
    model.RoundKind.RATING: t.ratings,
    model.RoundKind.STATEMENTS: t.votes,
    model.RoundKind.FEEDBACK: t.feedback,
}
rp = t.round_progress


class BroadcastRepository(Repository):
    async def unprompted(
        self, project_id: int, round_id: int, pushless: Collection[str]
    ) -> list[Recipient]:
        """Residents who were not prompted for the round and have not started it."""
        return await self._recipients(
            project_id,
            pushless,
            rp.c.prompted_at.is_(None),
            rp.c.started_at.is_(None),
            rp.c.finished_at.is_(None),
            progress_of=round_id,
            outer=True,
        )

    async def unfinished(
        self, project_id: int, round_id: int, pushless: Collection[str]
    ) -> list[Recipient]:
        """Residents who were prompted for the round or started it, and have not finished."""
        return await self._recipients(
            project_id,
            pushless,
            sa.or_(rp.c.prompted_at.is_not(None), rp.c.started_at.is_not(None)),
            rp.c.finished_at.is_(None),
            progress_of=round_id,
        )

    async def participants(
        self, project_id: int, rnd: model.Round, pushless: Collection[str]
    ) -> list[Recipient]:
        """Residents who answered the round (or finished it)."""
        table = ANSWERS[rnd.kind]
        answered = sa.select(table.c.resident_id).where(table.c.round_id == rnd.id)
        finished = sa.select(rp.c.resident_id).where(
            rp.c.round_id == rnd.id, rp.c.finished_at.is_not(None)
        )
        who = sa.union(answered, finished).scalar_subquery()
        return await self._recipients(project_id, pushless, t.residents.c.id.in_(who))

    async def first_scores(
        self, round_id: int, resident_ids: Sequence[int]
    ) -> dict[int, dict[int, float]]:
        """Each of these residents' first-criterion score per item of a rating round."""
        scores: dict[int, dict[int, float]] = {}
        rows = await self.conn.execute(
            sa.select(t.ratings.c.resident_id, t.ratings.c.item_id, t.ratings.c.score).where(
                t.ratings.c.round_id == round_id, t.ratings.c.criterion == 0
            )
        )
        wanted = set(resident_ids)
        for resident_id, item_id, score in rows:
            if resident_id in wanted:
                scores.setdefault(int(resident_id), {})[int(item_id)] = float(score)
        return scores

    async def mark_prompted(
        self, round_id: int, recipients: Sequence[Recipient], now: datetime
    ) -> None:
        """Set ``round_progress.prompted_at`` for everyone just prompted, in two statements."""
        new = [
            {"round_id": round_id, "resident_id": who.resident_id, "prompted_at": now}
            for who in recipients
            if not who.has_progress
        ]
        if new:
            await self.conn.execute(rp.insert(), new)
        known = [who.resident_id for who in recipients if who.has_progress]
        for start in range(0, len(known), CHUNK):
            await self.conn.execute(
                rp.update()
                .where(
                    rp.c.round_id == round_id, rp.c.resident_id.in_(known[start : start + CHUNK])
                )
                .values(prompted_at=now)
            )

    async def _recipients(
        self,
        project_id: int,
        pushless: Collection[str],
        *where: Any,
        progress_of: int | None = None,
        outer: bool = False,
    ) -> list[Recipient]:
        """Active residents of the project with a contact on a channel that can push.

        With ``progress_of`` their ``round_progress`` row of that round is joined (left-joined
        when ``outer``) so that ``where`` can filter on it.
        """
        r, ct = t.residents, t.contacts
        source: Any = r.join(ct, ct.c.pseudonym == r.c.pseudonym)
        has_progress: Any = sa.literal(False)
        if progress_of is not None:
            on = sa.and_(rp.c.round_id == progress_of, rp.c.resident_id == r.c.id)
            source = source.outerjoin(rp, on) if outer else source.join(rp, on)
            has_progress = rp.c.id.is_not(None)
        query = (
            sa.select(
                r.c.id,
                r.c.pseudonym,
                r.c.language,
                ct.c.channel,
                ct.c.bot_id,
                has_progress.label("has_progress"),
            )
            .select_from(source)
            .where(
                r.c.project_id == project_id,
                r.c.status == model.ResidentStatus.ACTIVE.value,
                ct.c.channel.not_in(list(pushless)),
                *where,
            )
            .order_by(r.c.id)
        )
        return [
            Recipient(
                int(row.id),
                row.pseudonym,
                row.language,
                row.channel,
                row.bot_id,
                bool(row.has_progress),
            )
            for row in await self.conn.execute(query)
        ]
