"""The results of every round of a project: the results page, the CLI, the API and exports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.analysis.spread import agreement, spread_of_counts, too_few
from core.domain import model
from core.domain.screening import shown_to_others
from core.storage import tables as t
from core.views.reading import (
    GONE,
    ReadUnit,
    distinct_residents,
    not_held,
    progress,
    project_rounds,
)
from core.views.shortlist import item_backing


@dataclass
class ScoreStats:
    n: int
    mean: float | None
    median: float | None
    stdev: float | None
    dissent: float | None  # standard deviation / the scale's range, rounded
    histogram: dict[int, int]
    divided: bool = False  # the exact dissent is above the threshold (analysis.spread)
    agreement: str | None = None  # "strong", "some" or "divided" (analysis.spread.agreement)
    too_few: bool = False  # some answered, but fewer than analysis.spread.MIN_ANSWERS


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def stats_from_histogram(histogram: dict[int, int], low: int, high: int) -> ScoreStats:
    """Mean, median, standard deviation and dissent from score counts (population formulas)."""
    found = spread_of_counts(histogram, low, high)
    return ScoreStats(
        found.n,
        _rounded(found.mean),
        found.median,
        _rounded(found.std),
        _rounded(found.dissent),
        found.histogram,
        found.dissent_flag,
        None if (level := agreement(found.dissent)) is None else level.value,
        too_few(found.n),
    )


@dataclass
class ItemResult:
    item_id: int
    text: str
    criteria: list[ScoreStats] = field(default_factory=list)
    agree: int = 0
    disagree: int = 0
    passed: int = 0
    # made from an organised ideas round: the residents behind it and the ideas it stands for
    supporters: int | None = None
    ideas: int | None = None

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.passed


@dataclass
class RoundResult:
    id: int
    key: str
    kind: str
    question: str
    state: str
    open: bool
    published: bool
    scale: tuple[int, int]
    criteria: list[str]
    started: int = 0
    finished: int = 0
    participants: int = 0
    ideas: list[dict[str, Any]] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    feedback: ScoreStats | None = None
    comments: list[str] = field(default_factory=list)
    scored_comments: list[tuple[int | None, str]] = field(default_factory=list)  # beside scores


@dataclass
class ProjectResults:
    code: str
    title: str
    intro: str
    residents: int
    residents_by_channel: dict[str, int]
    rounds: list[RoundResult]
    generated_at: datetime

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        for rnd, rdata in zip(self.rounds, data["rounds"], strict=True):
            for item, idata in zip(rnd.items, rdata["items"], strict=True):
                idata["votes"] = item.votes
        return data


async def project_results(
    uow: ReadUnit, code: str, now: datetime, quotes: int = 50
) -> ProjectResults | None:
    """Everything the results page, the CLI and the exports show for a project."""
    conn = uow.conn
    row = (await conn.execute(sa.select(t.projects).where(t.projects.c.code == code))).first()
    if row is None:
        return None
    by_channel = {
        str(channel): int(n)
        for channel, n in await conn.execute(
            sa.select(t.residents.c.channel, sa.func.count())
            .where(t.residents.c.project_id == row.id)
            .group_by(t.residents.c.channel)
        )
    }
    results = [
        await round_result(uow, rnd, now, quotes) for rnd in await project_rounds(conn, row.id)
    ]
    return ProjectResults(
        row.code, row.title, row.intro, sum(by_channel.values()), by_channel, results, now
    )


async def round_result(uow: ReadUnit, rnd: model.Round, now: datetime, quotes: int) -> RoundResult:
    """The result of one round: its progress and what residents answered, by kind."""
    conn = uow.conn
    started, finished = await progress(conn, rnd.id)
    result = RoundResult(
        id=rnd.id or 0,
        key=rnd.key,
        kind=rnd.kind.value,
        question=rnd.question,
        state=rnd.state.value,
        open=rnd.is_open(now),
        published=rnd.results_published_at is not None,
        scale=(rnd.scale_min, rnd.scale_max),
        criteria=list(rnd.criteria),
        started=started,
        finished=finished,
    )
    if rnd.kind == model.RoundKind.IDEAS:
        await _add_ideas(conn, rnd, result)
    elif rnd.kind == model.RoundKind.RATING:
        await _add_ratings(conn, rnd, result)
    elif rnd.kind == model.RoundKind.STATEMENTS:
        await _add_votes(conn, rnd, result)
    else:
        await _add_feedback(conn, rnd, result, quotes)
    await add_backing(uow, rnd, result.items)
    return result


async def add_backing(uow: ReadUnit, rnd: model.Round, items: list[ItemResult]) -> None:
    """Give each item made from an idea its supporters and the original ideas it stands for."""
    if not items or not rnd.items_from:
        return
    backing = await item_backing(uow, rnd)
    for item in items:
        found = backing.get(item.item_id)
        if found is not None:
            item.supporters, item.ideas = found.supporters, found.ideas


async def _add_ideas(conn: AsyncConnection, rnd: model.Round, result: RoundResult) -> None:
    rows = await conn.execute(
        sa.select(
            t.ideas.c.id, t.ideas.c.text, t.ideas.c.status, t.ideas.c.created_at, t.ideas.c.flags
        )
        .where(t.ideas.c.round_id == rnd.id, t.ideas.c.status.not_in(GONE), not_held(t.ideas))
        .order_by(t.ideas.c.id)
    )
    result.ideas = [
        {"id": r.id, "text": r.text, "status": r.status, "created_at": r.created_at.isoformat()}
        for r in rows
        if shown_to_others(r.text, r.flags, r.status)
    ]
    result.participants = await distinct_residents(conn, t.ideas, rnd.id)


async def _add_ratings(conn: AsyncConnection, rnd: model.Round, result: RoundResult) -> None:
    items = await _items(conn, rnd)
    counts = await conn.execute(
        sa.select(t.ratings.c.item_id, t.ratings.c.criterion, t.ratings.c.score, sa.func.count())
        .where(t.ratings.c.round_id == rnd.id)
        .group_by(t.ratings.c.item_id, t.ratings.c.criterion, t.ratings.c.score)
    )
    hist: dict[tuple[int, int], dict[int, int]] = {}
    for item_id, criterion, score, n in counts:
        hist.setdefault((item_id, criterion), {})[score] = int(n)
    ncrit = len(rnd.criteria_or_default)
    for item in items.values():
        item.criteria = [
            stats_from_histogram(hist.get((item.item_id, c), {}), rnd.scale_min, rnd.scale_max)
            for c in range(ncrit)
        ]
    result.items = sorted(
        items.values(), key=lambda i: -(i.criteria[0].mean or 0) if i.criteria else 0
    )
    result.participants = await distinct_residents(conn, t.ratings, rnd.id)


async def _add_votes(conn: AsyncConnection, rnd: model.Round, result: RoundResult) -> None:
    items = await _items(conn, rnd)
    for item_id, value, n in await conn.execute(
        sa.select(t.votes.c.item_id, t.votes.c.value, sa.func.count())
        .where(t.votes.c.round_id == rnd.id)
        .group_by(t.votes.c.item_id, t.votes.c.value)
    ):
        item = items.get(item_id)
        if item is None:
            continue
        if value == 1:
            item.agree = int(n)
        elif value == -1:
            item.disagree = int(n)
        else:
            item.passed = int(n)
    result.items = sorted(items.values(), key=lambda i: -(i.agree / i.votes if i.votes else 0))
    result.participants = await distinct_residents(conn, t.votes, rnd.id)


async def _add_feedback(
    conn: AsyncConnection, rnd: model.Round, result: RoundResult, quotes: int
) -> None:
    hist_rows = await conn.execute(
        sa.select(t.feedback.c.score, sa.func.count())
        .where(t.feedback.c.round_id == rnd.id, t.feedback.c.score.is_not(None))
        .group_by(t.feedback.c.score)
    )
    result.feedback = stats_from_histogram(
        {int(s): int(n) for s, n in hist_rows}, rnd.scale_min, rnd.scale_max
    )
    rows = await conn.execute(
        sa.select(t.feedback.c.score, t.feedback.c.text, t.feedback.c.flags, t.feedback.c.status)
        .where(
            t.feedback.c.round_id == rnd.id,
            t.feedback.c.text != "",
            t.feedback.c.status.not_in(GONE),
            not_held(t.feedback),
        )
        .order_by(t.feedback.c.id.desc())
        .limit(quotes)
    )
    result.scored_comments = [
        (r.score, r.text) for r in rows if shown_to_others(r.text, r.flags, r.status)
    ]
    result.comments = [text for _, text in result.scored_comments]
    result.participants = await distinct_residents(conn, t.feedback, rnd.id)


async def _items(conn: AsyncConnection, rnd: model.Round) -> dict[int, ItemResult]:
    rows = await conn.execute(
        sa.select(t.items.c.id, t.items.c.text)
        .where(t.items.c.round_id == rnd.id, t.items.c.active.is_(True))
        .order_by(t.items.c.position, t.items.c.id)
    )
    return {int(r.id): ItemResult(int(r.id), r.text) for r in rows}
