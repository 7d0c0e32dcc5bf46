"""What of residents' words may be shown to other residents and the public.

A rating item made from an idea, or a quote, is shown when the idea or comment passed
moderation (:func:`core.domain.model.shown_publicly`) and the text filter lets it through (no
phone number, e-mail address, link or swear word: the caller passes it, see
``core.services.moderation.flags``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model
from core.storage import tables as t
from core.views.reading import ReadUnit

QuoteFilter = Callable[[str], bool]


@dataclass(frozen=True)
class Shown:
    """What may be shown of a resident's text: the moderation rule and the quote filter."""

    moderation: str
    quote_filter: QuoteFilter | None

    @classmethod
    def of(cls, project_settings: dict | None, quote_filter: QuoteFilter | None) -> Shown:
        """The rule for a project, from its settings (its moderation mode)."""
        return cls((project_settings or {}).get("moderation", "post"), quote_filter)

    def __call__(self, text: str, status: str, flags: list[str] | None) -> bool:
        if not model.shown_publicly(status, list(flags or []), self.moderation):
            return False
        return self.quote_filter is None or self.quote_filter(text)


async def best_shown(
    conn: AsyncConnection, round_id: int, top: int, shown: Shown
) -> tuple[list[int], dict[int, str]]:
    """The ids and texts of the ``top`` best-scored active items that may be shown.

    Ranked in SQL; only the candidates at the top are read and checked, a batch at a time, so a
    round with ten thousand items costs no more than one with ten.
    """
    inactive = sa.select(t.items.c.id).where(
        t.items.c.round_id == round_id, t.items.c.active.is_(False)
    )
    ranked = (
        sa.select(t.ratings.c.item_id)
        .where(
            t.ratings.c.round_id == round_id,
            t.ratings.c.criterion == 0,
            t.ratings.c.item_id.not_in(inactive),
        )
        .group_by(t.ratings.c.item_id)
        .order_by(sa.func.avg(t.ratings.c.score).desc(), sa.func.count().desc())
        .order_by(t.ratings.c.item_id)
    )
    best: list[int] = []
    texts: dict[int, str] = {}
    offset, batch = 0, 2 * top
    while len(best) < top:
        ids = [int(i) for i in await conn.scalars(ranked.limit(batch).offset(offset))]
        rows = await conn.execute(
            sa.select(t.items.c.id, t.items.c.text, t.ideas.c.status, t.ideas.c.flags)
            .outerjoin(t.ideas, t.ideas.c.id == t.items.c.idea_id)
            .where(t.items.c.id.in_(ids))
        )
        for r in rows:
            if r.status is None or shown(r.text, r.status, r.flags):
                texts[int(r.id)] = r.text
        best += [i for i in ids if i in texts][: top - len(best)]
        if len(ids) < batch:
            break
        offset += batch
    return best, texts


async def shown_item_count(conn: AsyncConnection, round_id: int, shown: Shown) -> int:
    """How many active items of a rating round may be shown (fixed ones, and those made from
    ideas that passed moderation; a text the quote filter refuses is left out of the top only)."""
    rows = await conn.execute(
        sa.select(t.ideas.c.status, t.ideas.c.flags)
        .select_from(t.items)
        .outerjoin(t.ideas, t.ideas.c.id == t.items.c.idea_id)
        .where(
            t.items.c.round_id == round_id,
            t.items.c.active.is_(True),
            sa.or_(t.ideas.c.status.is_(None), t.ideas.c.status != "approved"),
        )
    )
    approved = await conn.scalar(
        sa.select(sa.func.count())
        .select_from(t.items)
        .join(t.ideas, t.ideas.c.id == t.items.c.idea_id)
        .where(
            t.items.c.round_id == round_id,
            t.items.c.active.is_(True),
            t.ideas.c.status == "approved",
        )
    )
    others = sum(
        1
        for r in rows
        if r.status is None or model.shown_publicly(r.status, r.flags or [], shown.moderation)
    )
    return int(approved or 0) + others


async def shown_items(uow: ReadUnit, round_id: int, shown: Shown) -> set[int]:
    """The ids of a round's active items that may be shown (fixed ones and ideas that passed)."""
    rows = await uow.conn.execute(
        sa.select(t.items.c.id, t.items.c.text, t.ideas.c.status, t.ideas.c.flags)
        .outerjoin(t.ideas, t.ideas.c.id == t.items.c.idea_id)
        .where(t.items.c.round_id == round_id, t.items.c.active.is_(True))
    )
    return {int(r.id) for r in rows if r.status is None or shown(r.text, r.status, r.flags)}
