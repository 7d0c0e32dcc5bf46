"""The municipality's public summary: published rounds only, top items, no personal data.

Public means published: a draft project has no summary, a round shows once the facilitator
published its results (or chose to show them live), and only contributions that
:func:`core.domain.model.shown_publicly` allows appear, as rating items or as quotes.
"""

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
    live: bool = False  # shown while it runs, before the facilitator published the results


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

    ``quote_filter(text)`` returns True for a text that may be shown (e.g. no phone number); it
    applies to quotes and to rating items made from residents' ideas. None for a draft project
    or one without a round whose results are shown.
    """
    conn = uow.conn
    row = (await conn.execute(sa.select(t.projects).where(t.projects.c.code == code))).first()
    if row is None or row.status == model.ProjectStatus.DRAFT.value:
        return None
    rounds = [r for r in await project_rounds(conn, row.id) if r.results_shown]
    if not rounds:
        return None
    shown = _Shown((row.settings or {}).get("moderation", "post"), quote_filter)
    residents = int(
        await conn.scalar(sa.select(sa.func.count()).where(t.residents.c.project_id == row.id))
        or 0
    )
    out = [await _summary_round(uow, rnd, now, top, shown) for rnd in rounds]
    return Summary(row.code, row.title, row.intro, residents, out, now)


@dataclass(frozen=True)
class _Shown:
    """What may be shown of a resident's text: the moderation rule and the quote filter."""

    moderation: str
    quote_filter: QuoteFilter | None

    def __call__(self, text: str, status: str, flags: list[str] | None) -> bool:
        if not model.shown_publicly(status, list(flags or []), self.moderation):
            return False
        return self.quote_filter is None or self.quote_filter(text)


async def _summary_round(
    uow: ReadUnit, rnd: model.Round, now: datetime, top: int, shown: _Shown
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
        live=rnd.results_published_at is None,
    )
    if rnd.kind == model.RoundKind.IDEAS:
        summary.ideas, summary.themes = await _ideas_and_themes(conn, rid, top)
    elif rnd.kind == model.RoundKind.RATING:
        summary.items, summary.item_count = await _top_rated(conn, rnd, top, shown)
    elif rnd.kind == model.RoundKind.STATEMENTS:
        result = await round_result(uow, rnd, now, 0)
        summary.items, summary.item_count = result.items, len(result.items)
    else:
        result = await round_result(uow, rnd, now, 0)
        summary.feedback = result.feedback
        summary.quotes = await _quotes(conn, rid, top, shown)
    return summary


async def _quotes(conn: AsyncConnection, round_id: int, top: int, shown: _Shown) -> list[str]:
    """The ``top`` latest comments of a feedback round that may be shown publicly."""
    rows = await conn.execute(
        sa.select(t.feedback.c.text, t.feedback.c.status, t.feedback.c.flags)
        .where(t.feedback.c.round_id == round_id, t.feedback.c.text != "")
        .order_by(t.feedback.c.id.desc())
        .limit(20 * top)
    )
    return [r.text for r in rows if shown(r.text, r.status, r.flags)][:top]


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
    conn: AsyncConnection, rnd: model.Round, top: int, shown: _Shown
) -> tuple[list[ItemResult], int]:
    """The ``top`` shown items by mean score on the first criterion, with full statistics."""
    rid = rnd.id or 0
    best_ids, texts = await _best_shown(conn, rid, top, shown)
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
    return items, await _shown_item_count(conn, rid, shown)


async def _best_shown(
    conn: AsyncConnection, round_id: int, top: int, shown: _Shown
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


async def _shown_item_count(conn: AsyncConnection, round_id: int, shown: _Shown) -> int:
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
