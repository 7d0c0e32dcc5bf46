"""Read models for pages, the CLI and exports: SQL aggregates, never row-by-row loops."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import to_domain

DISSENT_THRESHOLD = 0.3


@dataclass
class ScoreStats:
    n: int
    mean: float | None
    median: float | None
    stdev: float | None
    dissent: float | None  # standard deviation / the largest possible on this scale
    histogram: dict[int, int]

    @property
    def divided(self) -> bool:
        return self.dissent is not None and self.dissent > DISSENT_THRESHOLD


def stats_from_histogram(histogram: dict[int, int], low: int, high: int) -> ScoreStats:
    """Mean, median, standard deviation and dissent from score counts (population formulas)."""
    full = {score: histogram.get(score, 0) for score in range(low, high + 1)}
    n = sum(full.values())
    if n == 0:
        return ScoreStats(0, None, None, None, None, full)
    mean = sum(score * count for score, count in full.items()) / n
    variance = sum(count * (score - mean) ** 2 for score, count in full.items()) / n
    median = _median_from_counts(full, n)
    stdev = math.sqrt(variance)
    max_sd = (high - low) / 2 if high > low else 1
    return ScoreStats(n, round(mean, 3), median, round(stdev, 3), round(stdev / max_sd, 3), full)


def _median_from_counts(counts: dict[int, int], n: int) -> float:
    def nth(k: int) -> int:
        seen = 0
        for score, count in counts.items():
            seen += count
            if seen > k:
                return score
        raise IndexError(k)

    if n % 2:
        return float(nth(n // 2))
    return (nth(n // 2 - 1) + nth(n // 2)) / 2


@dataclass
class ItemResult:
    item_id: int
    text: str
    criteria: list[ScoreStats] = field(default_factory=list)
    agree: int = 0
    disagree: int = 0
    passed: int = 0

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
                for stats, sdata in zip(item.criteria, idata["criteria"], strict=True):
                    sdata["divided"] = stats.divided
                idata["votes"] = item.votes
        return data


async def open_projects(conn: AsyncConnection, now: datetime) -> list[dict[str, Any]]:
    """Active, listed projects that have a round open now (the landing page)."""
    rows = await conn.execute(
        sa.select(t.projects).where(t.projects.c.status == model.ProjectStatus.ACTIVE.value)
    )
    projects = [dict(r._mapping) for r in rows]
    if not projects:
        return []
    rounds = await conn.execute(
        sa.select(t.rounds).where(t.rounds.c.project_id.in_([p["id"] for p in projects]))
    )
    open_ids = set()
    for row in rounds:
        if to_domain(model.Round, row).is_open(now):
            open_ids.add(row.project_id)
    return [
        p for p in projects if p["id"] in open_ids and (p["settings"] or {}).get("listed", True)
    ]


async def project_results(
    conn: AsyncConnection, code: str, now: datetime, quotes: int = 50
) -> ProjectResults | None:
    """Everything the results page, the CLI and the exports show for a project."""
    row = (await conn.execute(sa.select(t.projects).where(t.projects.c.code == code))).first()
    if row is None:
        return None
    project = to_domain(model.Project, row)
    by_channel = {
        str(channel): int(n)
        for channel, n in await conn.execute(
            sa.select(t.residents.c.channel, sa.func.count())
            .where(t.residents.c.project_id == project.id)
            .group_by(t.residents.c.channel)
        )
    }
    rounds = [
        to_domain(model.Round, r)
        for r in await conn.execute(
            sa.select(t.rounds)
            .where(t.rounds.c.project_id == project.id)
            .order_by(t.rounds.c.position, t.rounds.c.id)
        )
    ]
    results = []
    for rnd in rounds:
        results.append(await _round_result(conn, rnd, now, quotes))
    return ProjectResults(
        project.code,
        project.title,
        project.intro,
        sum(by_channel.values()),
        by_channel,
        results,
        now,
    )


async def _round_result(
    conn: AsyncConnection, rnd: model.Round, now: datetime, quotes: int
) -> RoundResult:
    rid = rnd.id
    progress = (
        await conn.execute(
            sa.select(
                sa.func.count(t.round_progress.c.started_at),
                sa.func.count(t.round_progress.c.finished_at),
            ).where(t.round_progress.c.round_id == rid)
        )
    ).one()
    result = RoundResult(
        id=rid or 0,
        key=rnd.key,
        kind=rnd.kind.value,
        question=rnd.question,
        state=rnd.state.value,
        open=rnd.is_open(now),
        published=rnd.results_published_at is not None,
        scale=(rnd.scale_min, rnd.scale_max),
        criteria=list(rnd.criteria),
        started=int(progress[0]),
        finished=int(progress[1]),
    )
    if rnd.kind == model.RoundKind.IDEAS:
        rows = await conn.execute(
            sa.select(t.ideas.c.id, t.ideas.c.text, t.ideas.c.status, t.ideas.c.created_at)
            .where(t.ideas.c.round_id == rid, t.ideas.c.status != "rejected")
            .order_by(t.ideas.c.id)
        )
        result.ideas = [
            {
                "id": r.id,
                "text": r.text,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ]
        result.participants = int(
            (
                await conn.scalar(
                    sa.select(sa.func.count(sa.distinct(t.ideas.c.resident_id))).where(
                        t.ideas.c.round_id == rid
                    )
                )
            )
            or 0
        )
    elif rnd.kind == model.RoundKind.RATING:
        items = await _items(conn, rnd)
        counts = await conn.execute(
            sa.select(
                t.ratings.c.item_id, t.ratings.c.criterion, t.ratings.c.score, sa.func.count()
            )
            .where(t.ratings.c.round_id == rid)
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
        result.participants = await _distinct(conn, t.ratings, rid)
    elif rnd.kind == model.RoundKind.STATEMENTS:
        items = await _items(conn, rnd)
        for item_id, value, n in await conn.execute(
            sa.select(t.votes.c.item_id, t.votes.c.value, sa.func.count())
            .where(t.votes.c.round_id == rid)
            .group_by(t.votes.c.item_id, t.votes.c.value)
        ):
            found = items.get(item_id)
            if found is None:
                continue
            item = found
            if value == 1:
                item.agree = int(n)
            elif value == -1:
                item.disagree = int(n)
            else:
                item.passed = int(n)
        result.items = sorted(items.values(), key=lambda i: -(i.agree / i.votes if i.votes else 0))
        result.participants = await _distinct(conn, t.votes, rid)
    else:
        hist_rows = await conn.execute(
            sa.select(t.feedback.c.score, sa.func.count())
            .where(t.feedback.c.round_id == rid, t.feedback.c.score.is_not(None))
            .group_by(t.feedback.c.score)
        )
        result.feedback = stats_from_histogram(
            {int(s): int(n) for s, n in hist_rows}, rnd.scale_min, rnd.scale_max
        )
        result.comments = list(
            await conn.scalars(
                sa.select(t.feedback.c.text)
                .where(
                    t.feedback.c.round_id == rid,
                    t.feedback.c.text != "",
                    t.feedback.c.status != "rejected",
                )
                .order_by(t.feedback.c.id.desc())
                .limit(quotes)
            )
        )
        result.participants = await _distinct(conn, t.feedback, rid)
    return result


async def _items(conn: AsyncConnection, rnd: model.Round) -> dict[int, ItemResult]:
    rows = await conn.execute(
        sa.select(t.items.c.id, t.items.c.text)
        .where(t.items.c.round_id == rnd.id, t.items.c.active.is_(True))
        .order_by(t.items.c.position, t.items.c.id)
    )
    return {int(r.id): ItemResult(int(r.id), r.text) for r in rows}


async def _distinct(conn: AsyncConnection, table: sa.Table, round_id: int | None) -> int:
    return int(
        (
            await conn.scalar(
                sa.select(sa.func.count(sa.distinct(table.c.resident_id))).where(
                    table.c.round_id == round_id
                )
            )
        )
        or 0
    )


CSV_COLUMNS = [
    "round", "kind", "item_id", "text", "criterion", "n", "mean", "median", "stdev",
    "dissent", "agree", "disagree", "pass", "status",
]  # fmt: skip


def results_csv(results: ProjectResults) -> str:
    """One row per idea, per item and criterion, per statement, and per feedback comment."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for rnd in results.rounds:
        base = {"round": rnd.key, "kind": rnd.kind}
        for idea in rnd.ideas:
            writer.writerow({**base, "item_id": idea["id"], "text": idea["text"],
                             "status": idea["status"]})  # fmt: skip
        for item in rnd.items:
            if rnd.kind == "rating":
                names = rnd.criteria or [""]
                for name, stats in zip(names, item.criteria, strict=True):
                    writer.writerow({
                        **base, "item_id": item.item_id, "text": item.text, "criterion": name,
                        "n": stats.n, "mean": stats.mean, "median": stats.median,
                        "stdev": stats.stdev, "dissent": stats.dissent,
                    })  # fmt: skip
            else:
                writer.writerow({**base, "item_id": item.item_id, "text": item.text,
                                 "n": item.votes, "agree": item.agree,
                                 "disagree": item.disagree, "pass": item.passed})  # fmt: skip
        if rnd.feedback is not None:
            fb = rnd.feedback
            writer.writerow({**base, "text": rnd.question, "n": fb.n, "mean": fb.mean,
                             "median": fb.median, "stdev": fb.stdev,
                             "dissent": fb.dissent})  # fmt: skip
            for comment in rnd.comments:
                writer.writerow({**base, "text": comment})
    return buffer.getvalue()
