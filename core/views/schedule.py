"""A project's timeline, and how many residents a reminder sent now would reach.

The timeline puts the rounds' moments (opening, reminders, closing, results published) and the
messages the outbox holds for them in one list by time: what happened, with how many messages
went out, and what is planned. A broadcast is the outbox rows of one round and kind queued at
one moment (one handler's transaction gives them one ``created_at``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from core.domain import model
from core.domain import reminders as reminder_rules
from core.domain.outbox import PROMPT_ONLY, OutboxStatus
from core.storage import tables as t
from core.storage.broadcasts import BroadcastRepository
from core.views.reading import ReadUnit, aggregate_time, project_rounds

o = t.outbox


@dataclass(frozen=True)
class Moment:
    """One line of the timeline.

    ``what``: ``opens``, ``reminder``, ``closes``, ``published`` (a round's moment) or
    ``message`` (a broadcast: ``kind`` prompt, reminder or results, ``queued`` messages of
    which ``sent`` went out and ``failed`` did not). ``planned``: still to come; ``draft``:
    the round is a draft, so nothing happens until it is scheduled.
    """

    at: datetime
    round_key: str
    what: str
    planned: bool
    kind: str = ""
    reminder: str = ""  # the project file's text of a planned reminder (P2D, -P1D)
    queued: int = 0
    sent: int = 0
    failed: int = 0
    draft: bool = False


@dataclass(frozen=True)
class Unplanned:
    """A reminder of a round that is not closed which has no moment to go out: ``needs`` is
    ``opens_at`` or ``closes_at``, the time it counts from."""

    round_key: str
    reminder: str
    needs: str


@dataclass
class Timeline:
    past: list[Moment] = field(default_factory=list)
    planned: list[Moment] = field(default_factory=list)
    unplanned: list[Unplanned] = field(default_factory=list)


async def reminder_reach(uow: ReadUnit, rnd: model.Round) -> int:
    """How many residents a reminder for this round would reach if it were sent now."""
    if rnd.id is None:
        return 0
    who = await BroadcastRepository(uow.conn).unfinished(rnd.project_id, rnd.id, PROMPT_ONLY)
    return len(who)


async def timeline(uow: ReadUnit, project_id: int, now: datetime) -> Timeline:
    """The project's rounds and messages, past (newest last) and planned (soonest first)."""
    rounds = await project_rounds(uow.conn, project_id)
    moments = [m for rnd in rounds for m in _round_moments(rnd, now)]
    moments += await _broadcasts(uow, {r.id: r.key for r in rounds if r.id is not None})
    found = Timeline(unplanned=[u for rnd in rounds for u in _unplanned(rnd)])
    for moment in sorted(moments, key=lambda m: (m.at, m.round_key)):
        (found.planned if moment.planned else found.past).append(moment)
    return found


def _round_moments(rnd: model.Round, now: datetime) -> list[Moment]:
    state = rnd.state
    draft = state == model.RoundState.DRAFT
    moments: list[Moment] = []
    if rnd.opens_at is not None:
        done = state in (model.RoundState.OPEN, model.RoundState.CLOSED) and rnd.opens_at <= now
        moments.append(Moment(rnd.opens_at, rnd.key, "opens", not done, draft=draft))
    if state != model.RoundState.CLOSED:
        for text in rnd.reminders:
            try:
                at = reminder_rules.due(text, rnd.opens_at, rnd.closes_at)
            except ValueError:
                continue
            if at is not None and at > now:  # past reminders show as their messages
                moments.append(Moment(at, rnd.key, "reminder", True, reminder=text, draft=draft))
    if rnd.closes_at is not None:
        done = state == model.RoundState.CLOSED
        moments.append(Moment(rnd.closes_at, rnd.key, "closes", not done, draft=draft))
    if rnd.results_published_at is not None:
        moments.append(Moment(rnd.results_published_at, rnd.key, "published", False))
    return moments


def _unplanned(rnd: model.Round) -> list[Unplanned]:
    if rnd.state == model.RoundState.CLOSED:
        return []
    found = []
    for text in rnd.reminders:
        before_closing = text.startswith(reminder_rules.BEFORE_CLOSING)
        anchor = rnd.closes_at if before_closing else rnd.opens_at
        if anchor is None:
            needs = "closes_at" if before_closing else "opens_at"
            found.append(Unplanned(rnd.key, text, needs))
    return found


async def _broadcasts(uow: ReadUnit, keys: dict[int, str]) -> list[Moment]:
    """The outbox rows of these rounds, one moment per round, kind and time of queueing."""
    if not keys:
        return []
    sent = sa.func.sum(sa.case((o.c.status == OutboxStatus.SENT.value, 1), else_=0))
    failed = sa.func.sum(
        sa.case(
            (o.c.status.in_([OutboxStatus.FAILED.value, OutboxStatus.BLOCKED.value]), 1),
            else_=0,
        )
    )
    query = (
        sa.select(o.c.round_id, o.c.kind, o.c.created_at, sa.func.count(), sent, failed)
        .where(o.c.round_id.in_(list(keys)), o.c.created_at.is_not(None))
        .group_by(o.c.round_id, o.c.kind, o.c.created_at)
    )
    moments = []
    for round_id, kind, created_at, queued, n_sent, n_failed in await uow.conn.execute(query):
        at = aggregate_time(created_at)
        if at is None:
            continue
        moments.append(
            Moment(
                at,
                keys[int(round_id)],
                "message",
                False,
                kind=str(kind),
                queued=int(queued),
                sent=int(n_sent or 0),
                failed=int(n_failed or 0),
            )
        )
    return moments
