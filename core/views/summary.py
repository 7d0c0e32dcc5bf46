"""The municipality's public summary: published rounds only, top items, no personal data.

Public means published: a draft project has no summary, a round shows once the facilitator
published its results (or chose to show them live), and only contributions that
:func:`core.domain.model.shown_publicly` allows appear, as rating items or as quotes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.analysis.spread import RULE, DissentRule
from core.domain import model
from core.storage import tables as t
from core.views.accounting import Accounting, moderation, participation
from core.views.reading import (
    ANSWERS,
    GONE,
    ReadUnit,
    activity,
    distinct_residents,
    progress,
    project_rounds,
)
from core.views.results import (
    ItemResult,
    ScoreStats,
    add_backing,
    round_result,
    stats_from_histogram,
)
from core.views.shown import QuoteFilter, Shown, best_shown, shown_item_count


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
    opens_at: datetime | None = None
    closes_at: datetime | None = None


@dataclass
class Summary:
    code: str
    title: str
    intro: str
    residents: int
    rounds: list[SummaryRound]
    generated_at: datetime
    accounting: Accounting | None = None
    preview: bool = False  # the facilitator's preview: rounds shown as once published
    rule: DissentRule = RULE  # the one definition of dissent, stated on the page


async def public_summary(
    uow: ReadUnit,
    code: str,
    now: datetime,
    top: int = 10,
    quote_filter: QuoteFilter | None = None,
    *,
    preview: bool = False,
    with_round: str | None = None,
) -> Summary | None:
    """The municipality's summary: published rounds only, top items by SQL, no personal data.

    ``quote_filter(text)`` returns True for a text that may be shown (e.g. no phone number); it
    applies to quotes and to rating items made from residents' ideas. None for a draft project
    or one without a round whose results are shown.

    With ``preview`` (the facilitator's, never public) every round that has opened is shown
    as it will appear once its results are published, under the same trust rules; with
    ``with_round`` too, only the rounds shown already and that one (before publishing it).
    """
    conn = uow.conn
    row = (await conn.execute(sa.select(t.projects).where(t.projects.c.code == code))).first()
    if row is None or (row.status == model.ProjectStatus.DRAFT.value and not preview):
        return None
    rounds = [r for r in await project_rounds(conn, row.id) if _included(r, preview, with_round)]
    if not rounds:
        return None
    shown = Shown.of(row.settings, quote_filter)
    out = [await _summary_round(uow, rnd, now, top, shown) for rnd in rounds]
    if preview:
        for rnd in out:
            rnd.live = False
    found = await participation(conn, row.id)
    logos = t.organisation_logos
    org = (
        await conn.execute(
            sa.select(t.organisations.c.name, t.organisations.c.slug, logos.c.updated_at)
            .outerjoin(logos, logos.c.organisation_id == t.organisations.c.id)
            .where(t.organisations.c.id == row.organisation_id)
        )
    ).one()
    opened = [r.opens_at for r in out if r.opens_at is not None]
    closed = [r.closes_at for r in out if r.closes_at is not None]
    accounting = Accounting(
        str(org.name or ""),
        (min(opened, default=None), max(closed, default=None)),
        found,
        await moderation(conn, [r.id or 0 for r in rounds], shown.moderation),
        organisation_slug=org.slug,
        logo_version=int(org.updated_at.timestamp()) if org.updated_at else None,
    )
    return Summary(
        row.code, row.title, row.intro, found.total, out, now, accounting, preview=preview
    )


def _included(rnd: model.Round, preview: bool, with_round: str | None = None) -> bool:
    """Whether a round is on the summary: results shown, or (preview) it has opened (and,
    previewing one round's publication, it is that round)."""
    if rnd.results_shown:
        return True
    if preview and with_round is not None and rnd.key != with_round:
        return False
    return preview and rnd.state in (model.RoundState.OPEN, model.RoundState.CLOSED)


async def _summary_round(
    uow: ReadUnit, rnd: model.Round, now: datetime, top: int, shown: Shown
) -> SummaryRound:
    conn, rid = uow.conn, rnd.id or 0
    started, _ = await progress(conn, rid)
    active = await activity(conn, ANSWERS[rnd.kind.value], rid)
    ended = rnd.state == model.RoundState.CLOSED or rnd.results_published_at is not None
    summary = SummaryRound(
        rid,
        rnd.key,
        rnd.kind.value,
        rnd.question,
        (rnd.scale_min, rnd.scale_max),
        list(rnd.criteria),
        await distinct_residents(conn, ANSWERS[rnd.kind.value], rid),
        started,
        active.completed,
        live=rnd.results_published_at is None,
        opens_at=rnd.opens_at or active.first,
        closes_at=rnd.closes_at or (active.last if ended else None),
    )
    if rnd.kind == model.RoundKind.IDEAS:
        summary.ideas, summary.themes = await _ideas_and_themes(conn, rid, top)
    elif rnd.kind == model.RoundKind.RATING:
        summary.items, summary.item_count = await _top_rated(conn, rnd, top, shown)
        await add_backing(uow, rnd, summary.items)
    elif rnd.kind == model.RoundKind.STATEMENTS:
        result = await round_result(uow, rnd, now, 0)
        summary.items, summary.item_count = result.items, len(result.items)
    else:
        result = await round_result(uow, rnd, now, 0)
        summary.feedback = result.feedback
        summary.quotes = await _quotes(conn, rid, top, shown)
    return summary


async def _quotes(conn: AsyncConnection, round_id: int, top: int, shown: Shown) -> list[str]:
    """The ``top`` latest comments of a feedback round that may be shown publicly, each
    wording once."""
    rows = await conn.execute(
        sa.select(t.feedback.c.text, t.feedback.c.status, t.feedback.c.flags)
        .where(t.feedback.c.round_id == round_id, t.feedback.c.text != "")
        .order_by(t.feedback.c.id.desc())
        .limit(20 * top)
    )
    quotes: dict[str, str] = {}  # the same words from two residents are quoted once
    for r in rows:
        if shown(r.text, r.status, r.flags):
            quotes.setdefault(" ".join(r.text.lower().split()), r.text)
    return list(quotes.values())[:top]


async def _ideas_and_themes(
    conn: AsyncConnection, round_id: int, top: int
) -> tuple[int, list[tuple[str, int]]]:
    """How many ideas a round kept, and its ``top`` themes with their number of ideas."""
    kept = sa.and_(t.ideas.c.round_id == round_id, t.ideas.c.status.not_in(GONE))
    ideas = int(await conn.scalar(sa.select(sa.func.count()).where(kept)) or 0)
    themes = [
        (str(theme), int(n))
        for theme, n in await conn.execute(
            sa.select(t.themes.c.name, sa.func.count())
            .select_from(t.idea_themes)
            .join(t.themes, t.themes.c.id == t.idea_themes.c.theme_id)
            .join(t.ideas, t.ideas.c.id == t.idea_themes.c.idea_id)
            .where(kept)
            .group_by(t.themes.c.name)
            .order_by(sa.func.count().desc(), t.themes.c.name)
            .limit(top)
        )
    ]
    return ideas, themes


async def _top_rated(
    conn: AsyncConnection, rnd: model.Round, top: int, shown: Shown
) -> tuple[list[ItemResult], int]:
    """The ``top`` shown items by mean score on the first criterion, with full statistics."""
    rid = rnd.id or 0
    best_ids, texts = await best_shown(conn, rid, top, shown)
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
    return items, await shown_item_count(conn, rid, shown)
