"""The municipality's public summary: published rounds only, top items, no personal data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model
from core.storage import tables as t
from core.views.reading import (
    ANSWERS,
    GONE,
    ReadUnit,
    distinct_residents,
    progress,
    project_rounds,
)
from core.views.results import ItemResult, ScoreStats, round_result, stats_from_histogram

QuoteFilter = Callable[[str], bool]


@dataclass
class SummaryRound:
    id: int
    key: str
    kind: str
    question: str
    scale: tuple[int, int]
    criteria: list[str]
    participants: int
    started: int
    finished: int
    items: list[ItemResult] = field(default_factory=list)
    item_count: int = 0
    ideas: int = 0
    themes: list[tuple[str, int]] = field(default_factory=list)
    feedback: ScoreStats | None = None
    quotes: list[str] = field(default_factory=list)


@dataclass
class Summary:
    code: str
    title: str
    intro: str
    residents: int
    rounds: list[SummaryRound]
    generated_at: datetime


async def public_summary(
    uow: ReadUnit,
    code: str,
    now: datetime,
    top: int = 10,
    quote_filter: QuoteFilter | None = None,
) -> Summary | None:
    """The municipality's summary: published rounds only, top items by SQL, no personal data.

    ``quote_filter(text)`` returns True for a quote that may be shown (e.g. no phone number).
    """
    conn = uow.conn
    row = (await conn.execute(sa.select(t.projects).where(t.projects.c.code == code))).first()
    if row is None:
        return None
    rounds = await project_rounds(conn, row.id, published=True)
    if not rounds:
        return None
    residents = int(
        await conn.scalar(sa.select(sa.func.count()).where(t.residents.c.project_id == row.id))
        or 0
    )
    out = [await _summary_round(uow, rnd, now, top, quote_filter) for rnd in rounds]
    return Summary(row.code, row.title, row.intro, residents, out, now)


async def _summary_round(
    uow: ReadUnit,
    rnd: model.Round,
    now: datetime,
    top: int,
    quote_filter: QuoteFilter | None,
) -> SummaryRound:
    conn, rid = uow.conn, rnd.id or 0
    started, finished = await progress(conn, rid)
    summary = SummaryRound(
        rid,
        rnd.key,
        rnd.kind.value,
        rnd.question,
        (rnd.scale_min, rnd.scale_max),
        list(rnd.criteria),
        await distinct_residents(conn, ANSWERS[rnd.kind.value], rid),
        started,
        finished,
    )
    if rnd.kind == model.RoundKind.IDEAS:
        summary.ideas, summary.themes = await _ideas_and_themes(conn, rid, top)
    elif rnd.kind == model.RoundKind.RATING:
        summary.items, summary.item_count = await _top_rated(conn, rnd, top)
    elif rnd.kind == model.RoundKind.STATEMENTS:
        result = await round_result(uow, rnd, now, 0)
        summary.items, summary.item_count = result.items, len(result.items)
    else:
        result = await round_result(uow, rnd, now, 4 * top)
        summary.feedback = result.feedback
        quotes = [q for q in result.comments if quote_filter is None or quote_filter(q)]
        summary.quotes = quotes[:top]
    return summary


async def _ideas_and_themes(
    conn: AsyncConnection, round_id: int, top: int
) -> tuple[int, list[tuple[str, int]]]:
    """How many ideas a round kept, and its ``top`` themes with their number of ideas."""
    kept = sa.and_(t.ideas.c.round_id == round_id, t.ideas.c.status.not_in(GONE))
    ideas = int(await conn.scalar(sa.select(sa.func.count()).where(kept)) or 0)
    themes = [
        (str(theme), int(n))
        for theme, n in await conn.execute(
            sa.select(t.idea_themes.c.theme, sa.func.count())
            .join(t.ideas, t.ideas.c.id == t.idea_themes.c.idea_id)
            .where(kept)
            .group_by(t.idea_themes.c.theme)
            .order_by(sa.func.count().desc(), t.idea_themes.c.theme)
            .limit(top)
        )
    ]
    return ideas, themes


async def _top_rated(
    conn: AsyncConnection, rnd: model.Round, top: int
) -> tuple[list[ItemResult], int]:
    """The ``top`` items by mean score on the first criterion, with full statistics."""
    rid = rnd.id or 0
    active = sa.and_(t.items.c.round_id == rid, t.items.c.active.is_(True))
    count = int(await conn.scalar(sa.select(sa.func.count()).where(active)) or 0)
    mean = sa.func.avg(t.ratings.c.score)
    hidden = sa.select(t.items.c.id).where(t.items.c.round_id == rid, t.items.c.active.is_(False))
    best_ids = [
        int(i)
        for i in await conn.scalars(
            sa.select(t.ratings.c.item_id)
            .where(
                t.ratings.c.round_id == rid,
                t.ratings.c.criterion == 0,
                t.ratings.c.item_id.not_in(hidden),
            )
            .group_by(t.ratings.c.item_id)
            .order_by(mean.desc(), sa.func.count().desc(), t.ratings.c.item_id)
            .limit(top)
        )
    ]
    texts = {
        int(i): text
        for i, text in await conn.execute(
            sa.select(t.items.c.id, t.items.c.text).where(t.items.c.id.in_(best_ids))
        )
    }
    hist: dict[tuple[int, int], dict[int, int]] = {}
    for item_id, criterion, score, n in await conn.execute(
        sa.select(t.ratings.c.item_id, t.ratings.c.criterion, t.ratings.c.score, sa.func.count())
        .where(t.ratings.c.round_id == rid, t.ratings.c.item_id.in_(best_ids))
        .group_by(t.ratings.c.item_id, t.ratings.c.criterion, t.ratings.c.score)
    ):
        hist.setdefault((int(item_id), int(criterion)), {})[int(score)] = int(n)
    items = [
        ItemResult(
            item_id,
            texts[item_id],
            [
                stats_from_histogram(hist.get((item_id, c), {}), rnd.scale_min, rnd.scale_max)
                for c in range(len(rnd.criteria_or_default))
            ],
        )
        for item_id in best_ids
    ]
    return items, count
