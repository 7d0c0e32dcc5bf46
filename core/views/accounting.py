"""Who took part and how the summary's figures were made: the summary's participation and
its "verantwoording" (method, dates, numbers, moderation).

Groups (a wijk, an age band) with fewer than :data:`MIN_GROUP` residents are counted together
as "other", so nobody can be singled out; channels are not personal and shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model
from core.storage import tables as t
from core.views.breakdowns import MIN_GROUP


@dataclass
class Participation:
    """Residents of a project in total and per channel, wijk and age band."""

    total: int
    by_channel: list[tuple[str, int]]
    by_wijk: list[tuple[str, int]]  # groups of at least MIN_GROUP, largest first
    by_age: list[tuple[str, int]]  # groups of at least MIN_GROUP, in age order
    wijk_other: int = 0  # residents in smaller wijken, counted together
    age_other: int = 0
    wijk_unknown: int = 0  # residents who did not say
    age_unknown: int = 0


@dataclass
class Moderation:
    """What happened to residents' written contributions (ideas and comments)."""

    written: int = 0
    shown: int = 0  # approved, or new and allowed under moderation afterwards
    rejected: int = 0
    merged: int = 0
    held: int = 0  # waiting for a facilitator, or kept back by screening


@dataclass
class Accounting:
    organisation: str
    period: tuple[datetime | None, datetime | None]
    participation: Participation
    moderation: Moderation = field(default_factory=Moderation)
    min_group: int = MIN_GROUP
    organisation_slug: str = ""
    logo_version: int | None = None  # when the organisation has a logo: its change, in seconds


async def participation(conn: AsyncConnection, project_id: int) -> Participation:
    """Residents in total and per channel, wijk and age band (small groups folded)."""

    async def counts(column: sa.Column) -> list[tuple[str | None, int]]:
        rows = await conn.execute(
            sa.select(column, sa.func.count())
            .where(t.residents.c.project_id == project_id)
            .group_by(column)
        )
        return [(None if v is None else str(v), int(n)) for v, n in rows]

    channels = await counts(t.residents.c.channel)
    found = Participation(
        sum(n for _, n in channels),
        sorted(((str(c), n) for c, n in channels), key=lambda g: (-g[1], g[0])),
        [],
        [],
    )
    for column, attr in (("wijk", "wijk"), ("age_band", "age")):
        groups = await counts(t.residents.c[column])
        shown = [(str(g), n) for g, n in groups if g is not None and n >= MIN_GROUP]
        order = (lambda g: g[0]) if attr == "age" else (lambda g: (-g[1], g[0]))
        setattr(found, f"by_{attr}", sorted(shown, key=order))
        setattr(found, f"{attr}_other", sum(n for g, n in groups if g and n < MIN_GROUP))
        setattr(found, f"{attr}_unknown", sum(n for g, n in groups if g is None))
    return found


async def moderation(conn: AsyncConnection, round_ids: list[int], rule: str) -> Moderation:
    """Counts of written ideas and comments in ``round_ids`` by what moderation decided.

    ``rule`` is the project's moderation mode; whether one is shown follows
    :func:`core.domain.model.shown_publicly`, as everywhere else.
    """
    found = Moderation()
    for table in (t.ideas, t.feedback):
        unflagged = sa.cast(table.c.flags, sa.String).in_(["[]", ""])
        rows = await conn.execute(
            sa.select(table.c.status, unflagged, sa.func.count())
            .where(table.c.round_id.in_(round_ids), table.c.text != "")
            .group_by(table.c.status, unflagged)
        )
        for status, clean, n in rows:
            found.written += int(n)
            if status == model.ContributionStatus.REJECTED.value:
                found.rejected += int(n)
            elif status == model.ContributionStatus.MERGED.value:
                found.merged += int(n)
            elif model.shown_publicly(status, [] if clean else ["flagged"], rule):
                found.shown += int(n)
            else:
                found.held += int(n)
    return found
