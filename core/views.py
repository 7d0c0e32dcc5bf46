"""Read models for pages, the CLI and exports: SQL aggregates, never row-by-row loops."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.analysis.spread import DISSENT_THRESHOLD
from core.domain import model
from core.spreadsheet_safety import neutralise_dict
from core.storage import tables as t
from core.storage.repositories import to_domain


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
            .where(t.ideas.c.round_id == rid, t.ideas.c.status.not_in(GONE))
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


GONE = (model.ContributionStatus.REJECTED.value, model.ContributionStatus.MERGED.value)

CSV_COLUMNS = [
    "round", "kind", "item_id", "text", "criterion", "n", "mean", "median", "stdev",
    "dissent", "agree", "disagree", "pass", "status",
]  # fmt: skip


class _SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """A DictWriter whose text cells can never become spreadsheet formulas."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow(neutralise_dict(rowdict))


def results_csv(results: ProjectResults) -> str:
    """One row per idea, per item and criterion, per statement, and per feedback comment."""
    buffer = io.StringIO()
    writer = _SafeDictWriter(buffer, CSV_COLUMNS, extrasaction="ignore")
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


# --- web area: dashboard, moderation queue, breakdowns, the public summary ---

MIN_GROUP = 10  # never show a breakdown for fewer residents than this
_EPOCH = datetime.min.replace(tzinfo=UTC)
ANSWERS = {"rating": t.ratings, "statements": t.votes, "feedback": t.feedback, "ideas": t.ideas}


async def projects_for(conn: AsyncConnection, organisation_id: int | None) -> list[dict[str, Any]]:
    """Projects with their organisation; all of them when ``organisation_id`` is None."""
    query = (
        sa.select(
            t.projects.c.id,
            t.projects.c.code,
            t.projects.c.title,
            t.projects.c.status,
            t.projects.c.organisation_id,
            t.organisations.c.name.label("organisation"),
        )
        .join(t.organisations, t.organisations.c.id == t.projects.c.organisation_id)
        .order_by(t.projects.c.id.desc())
    )
    if organisation_id is not None:
        query = query.where(t.projects.c.organisation_id == organisation_id)
    return [dict(r._mapping) for r in await conn.execute(query)]


async def organisations(conn: AsyncConnection) -> list[dict[str, Any]]:
    rows = await conn.execute(sa.select(t.organisations).order_by(t.organisations.c.slug))
    return [dict(r._mapping) for r in rows]


@dataclass
class DashboardRound:
    id: int
    key: str
    kind: str
    state: str
    open: bool
    opens_at: datetime | None
    closes_at: datetime | None
    published: bool
    started: int = 0
    finished: int = 0
    answers: int = 0


@dataclass
class Dashboard:
    residents: int
    residents_by_channel: dict[str, int]
    rounds: list[DashboardRound]
    newest: list[dict[str, Any]]
    pending: int
    outbox: dict[str, int] | None  # None when this installation has no outbox table


async def dashboard(conn: AsyncConnection, project_id: int, now: datetime) -> Dashboard:
    """The live numbers of one project: a handful of grouped queries, whatever its size."""
    by_channel = {
        str(channel): int(n)
        for channel, n in await conn.execute(
            sa.select(t.residents.c.channel, sa.func.count())
            .where(t.residents.c.project_id == project_id)
            .group_by(t.residents.c.channel)
            .order_by(t.residents.c.channel)
        )
    }
    rounds = [
        to_domain(model.Round, r)
        for r in await conn.execute(
            sa.select(t.rounds)
            .where(t.rounds.c.project_id == project_id)
            .order_by(t.rounds.c.position, t.rounds.c.id)
        )
    ]
    ids = [r.id for r in rounds]
    progress = {
        int(rid): (int(s), int(f))
        for rid, s, f in await conn.execute(
            sa.select(
                t.round_progress.c.round_id,
                sa.func.count(t.round_progress.c.started_at),
                sa.func.count(t.round_progress.c.finished_at),
            )
            .where(t.round_progress.c.round_id.in_(ids))
            .group_by(t.round_progress.c.round_id)
        )
    }
    answers: dict[int, int] = {}
    for table in (t.ideas, t.ratings, t.votes, t.feedback):
        for rid, n in await conn.execute(
            sa.select(table.c.round_id, sa.func.count())
            .where(table.c.round_id.in_(ids))
            .group_by(table.c.round_id)
        ):
            answers[int(rid)] = answers.get(int(rid), 0) + int(n)
    result = []
    for rnd in rounds:
        started, finished = progress.get(rnd.id or 0, (0, 0))
        result.append(
            DashboardRound(
                rnd.id or 0,
                rnd.key,
                rnd.kind.value,
                rnd.state.value,
                rnd.is_open(now),
                rnd.opens_at,
                rnd.closes_at,
                rnd.results_published_at is not None,
                started,
                finished,
                answers.get(rnd.id or 0, 0),
            )
        )
    queue = await moderation_queue(conn, project_id, limit=0)
    return Dashboard(
        sum(by_channel.values()),
        by_channel,
        result,
        await newest_contributions(conn, ids, 10),
        queue.total,
        await outbox_progress(conn, project_id),
    )


async def newest_contributions(
    conn: AsyncConnection, round_ids: list[int | None], limit: int
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for kind, table in (("idea", t.ideas), ("feedback", t.feedback)):
        query = (
            sa.select(table.c.id, table.c.text, table.c.status, table.c.created_at, t.rounds.c.key)
            .join(t.rounds, t.rounds.c.id == table.c.round_id)
            .where(table.c.round_id.in_(round_ids), table.c.text != "")
            .order_by(table.c.id.desc())
            .limit(limit)
        )
        found += [{"kind": kind, **r._mapping} for r in await conn.execute(query)]
    found.sort(key=lambda c: c["created_at"] or _EPOCH, reverse=True)
    return found[:limit]


async def outbox_progress(conn: AsyncConnection, project_id: int) -> dict[str, int] | None:
    """Messages in the outbox per status, when this installation has an outbox table."""

    def load(sync: Any) -> sa.Table | None:
        if not sa.inspect(sync).has_table("outbox"):
            return None
        return sa.Table("outbox", sa.MetaData(), autoload_with=sync)

    table = await conn.run_sync(load)
    if table is None or "status" not in table.c:
        return None
    query = sa.select(table.c.status, sa.func.count()).group_by(table.c.status)
    if "project_id" in table.c:
        query = query.where(table.c.project_id == project_id)
    try:
        async with conn.begin_nested():
            rows = (await conn.execute(query)).all()
    except sa.exc.DBAPIError:  # a schema we do not know: leave the block out
        return None
    return {str(status): int(n) for status, n in rows}


@dataclass
class QueueEntry:
    kind: str
    id: int
    round_key: str
    round_id: int
    text: str
    status: str
    created_at: datetime | None
    score: int | None = None
    themes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class ModerationQueue:
    entries: list[QueueEntry]
    total: int
    log: list[dict[str, Any]] = field(default_factory=list)


def _unreviewed(table: sa.Table, kind: str) -> Any:
    reviewed = sa.select(t.moderation_log.c.id).where(
        t.moderation_log.c.target_kind == kind,
        t.moderation_log.c.target_id == table.c.id,
        t.moderation_log.c.action.in_(("approve", "reject", "merge")),
    )
    return sa.and_(table.c.status.not_in(GONE), table.c.text != "", ~sa.exists(reviewed))


async def moderation_queue(
    conn: AsyncConnection, project_id: int, limit: int = 50, flag: Any = None
) -> ModerationQueue:
    """Ideas and feedback nobody has reviewed yet, oldest first; ``flag(text)`` marks them."""
    entries: list[QueueEntry] = []
    total = 0
    for kind, table in (("idea", t.ideas), ("feedback", t.feedback)):
        where = sa.and_(t.rounds.c.project_id == project_id, _unreviewed(table, kind))
        base = sa.select(table).join(t.rounds, t.rounds.c.id == table.c.round_id).where(where)
        total += int(
            await conn.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
        )
        if not limit:
            continue
        rows = await conn.execute(
            sa.select(
                table.c.id,
                table.c.text,
                table.c.status,
                table.c.created_at,
                table.c.round_id,
                t.rounds.c.key,
                (table.c.score if kind == "feedback" else sa.null()).label("score"),
            )
            .join(t.rounds, t.rounds.c.id == table.c.round_id)
            .where(where)
            .order_by(table.c.id)
            .limit(limit)
        )
        for r in rows:
            entries.append(
                QueueEntry(kind, r.id, r.key, r.round_id, r.text, r.status, r.created_at, r.score)
            )
    if entries:
        idea_ids = [e.id for e in entries if e.kind == "idea"]
        themes: dict[int, list[str]] = {}
        for idea_id, theme in await conn.execute(
            sa.select(t.idea_themes.c.idea_id, t.idea_themes.c.theme)
            .where(t.idea_themes.c.idea_id.in_(idea_ids))
            .order_by(t.idea_themes.c.theme)
        ):
            themes.setdefault(int(idea_id), []).append(theme)
        for entry in entries:
            entry.themes = themes.get(entry.id, []) if entry.kind == "idea" else []
            entry.flags = flag(entry.text) if flag else []
        entries.sort(key=lambda e: (not e.flags, e.created_at or _EPOCH))
    return ModerationQueue(entries[: limit or None], total)


async def moderation_log(
    conn: AsyncConnection, project_id: int, limit: int = 50
) -> list[dict[str, Any]]:
    rows = await conn.execute(
        sa.select(t.moderation_log, t.users.c.email)
        .outerjoin(t.users, t.users.c.id == t.moderation_log.c.user_id)
        .where(t.moderation_log.c.project_id == project_id)
        .order_by(t.moderation_log.c.id.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


@dataclass
class Breakdown:
    dimension: str
    groups: list[tuple[str, int]]  # (group, residents), only groups of at least MIN_GROUP
    hidden: int  # groups left out because they were too small
    cells: dict[tuple[str, int], float]  # (group, item id or 0) -> mean score or agree share


async def breakdown(
    conn: AsyncConnection, rnd: RoundResult, dimension: str, item_ids: list[int]
) -> Breakdown:
    """Scores per neighbourhood or age band; groups and cells under MIN_GROUP stay hidden."""
    if dimension not in ("wijk", "age_band") or rnd.kind == "ideas":
        raise ValueError(dimension)
    table = ANSWERS[rnd.kind]
    group = t.residents.c[dimension]
    joined = table.join(t.residents, t.residents.c.id == table.c.resident_id)
    counted = sa.func.count(sa.distinct(table.c.resident_id))
    rows = (
        await conn.execute(
            sa.select(group, counted)
            .select_from(joined)
            .where(table.c.round_id == rnd.id, group.is_not(None))
            .group_by(group)
            .order_by(group)
        )
    ).all()
    groups = [(str(g), int(n)) for g, n in rows if n >= MIN_GROUP]
    names = [g for g, _ in groups]
    cells: dict[tuple[str, int], float] = {}
    if names:
        if rnd.kind == "rating":
            value: Any = sa.func.avg(table.c.score)
            where = [table.c.criterion == 0, table.c.item_id.in_(item_ids)]
            key: Any = table.c.item_id
        elif rnd.kind == "statements":
            value = sa.func.avg(sa.case((table.c.value == 1, 1.0), else_=0.0))
            where = [table.c.item_id.in_(item_ids)]
            key = table.c.item_id
        else:
            value = sa.func.avg(table.c.score)
            where = [table.c.score.is_not(None)]
            key = sa.literal(0)
        for g, item, v, n in await conn.execute(
            sa.select(group, key, value, counted)
            .select_from(joined)
            .where(table.c.round_id == rnd.id, group.in_(names), *where)
            .group_by(group, key)
        ):
            if n >= MIN_GROUP and v is not None:
                cells[(str(g), int(item))] = round(float(v), 2)
    return Breakdown(dimension, groups, len(rows) - len(groups), cells)


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
    conn: AsyncConnection, code: str, now: datetime, top: int = 10, quote_filter: Any = None
) -> Summary | None:
    """The municipality's summary: published rounds only, top items by SQL, no personal data.

    ``quote_filter(text)`` returns True for a quote that may be shown (e.g. no phone number).
    """
    row = (await conn.execute(sa.select(t.projects).where(t.projects.c.code == code))).first()
    if row is None:
        return None
    rounds = [
        to_domain(model.Round, r)
        for r in await conn.execute(
            sa.select(t.rounds)
            .where(t.rounds.c.project_id == row.id, t.rounds.c.results_published_at.is_not(None))
            .order_by(t.rounds.c.position, t.rounds.c.id)
        )
    ]
    if not rounds:
        return None
    residents = int(
        await conn.scalar(sa.select(sa.func.count()).where(t.residents.c.project_id == row.id))
        or 0
    )
    out = []
    for rnd in rounds:
        rid = rnd.id or 0
        started, finished = (
            await conn.execute(
                sa.select(
                    sa.func.count(t.round_progress.c.started_at),
                    sa.func.count(t.round_progress.c.finished_at),
                ).where(t.round_progress.c.round_id == rid)
            )
        ).one()
        table = ANSWERS[rnd.kind.value]
        summary = SummaryRound(
            rid,
            rnd.key,
            rnd.kind.value,
            rnd.question,
            (rnd.scale_min, rnd.scale_max),
            list(rnd.criteria),
            await _distinct(conn, table, rid),
            int(started),
            int(finished),
        )
        if rnd.kind == model.RoundKind.IDEAS:
            summary.ideas = int(
                await conn.scalar(
                    sa.select(sa.func.count()).where(
                        t.ideas.c.round_id == rid, t.ideas.c.status.not_in(GONE)
                    )
                )
                or 0
            )
            summary.themes = [
                (str(theme), int(n))
                for theme, n in await conn.execute(
                    sa.select(t.idea_themes.c.theme, sa.func.count())
                    .join(t.ideas, t.ideas.c.id == t.idea_themes.c.idea_id)
                    .where(t.ideas.c.round_id == rid, t.ideas.c.status.not_in(GONE))
                    .group_by(t.idea_themes.c.theme)
                    .order_by(sa.func.count().desc(), t.idea_themes.c.theme)
                    .limit(top)
                )
            ]
        elif rnd.kind == model.RoundKind.RATING:
            summary.items, summary.item_count = await top_rated(conn, rnd, top)
        elif rnd.kind == model.RoundKind.STATEMENTS:
            result = await _round_result(conn, rnd, now, 0)
            summary.items, summary.item_count = result.items, len(result.items)
        else:
            result = await _round_result(conn, rnd, now, 4 * top)
            summary.feedback = result.feedback
            quotes = [q for q in result.comments if quote_filter is None or quote_filter(q)]
            summary.quotes = quotes[:top]
        out.append(summary)
    return Summary(row.code, row.title, row.intro, residents, out, now)


async def top_rated(
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
    texts = dict(
        (int(i), text)
        for i, text in await conn.execute(
            sa.select(t.items.c.id, t.items.c.text).where(t.items.c.id.in_(best_ids))
        )
    )
    best = [(i, texts[i]) for i in best_ids]
    hist: dict[tuple[int, int], dict[int, int]] = {}
    for item_id, criterion, score, n in await conn.execute(
        sa.select(t.ratings.c.item_id, t.ratings.c.criterion, t.ratings.c.score, sa.func.count())
        .where(t.ratings.c.round_id == rid, t.ratings.c.item_id.in_([i for i, _ in best]))
        .group_by(t.ratings.c.item_id, t.ratings.c.criterion, t.ratings.c.score)
    ):
        hist.setdefault((int(item_id), int(criterion)), {})[int(score)] = int(n)
    items = []
    for item_id, text in best:
        stats = [
            stats_from_histogram(hist.get((item_id, c), {}), rnd.scale_min, rnd.scale_max)
            for c in range(len(rnd.criteria_or_default))
        ]
        items.append(ItemResult(item_id, text, stats))
    return items, count


async def contribution_project(conn: AsyncConnection, kind: str, item_id: int) -> int | None:
    """The project an idea or a feedback answer belongs to."""
    table = {"idea": t.ideas, "feedback": t.feedback}[kind]
    found = await conn.scalar(
        sa.select(t.rounds.c.project_id)
        .join(table, table.c.round_id == t.rounds.c.id)
        .where(table.c.id == item_id)
    )
    return int(found) if found is not None else None
