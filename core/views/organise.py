"""The organise page of an ideas round (read model): every idea with its status, flags,
themes, merges and support; the round's themes with counts; the last undoable action.

The whole round is read in a handful of queries (5,000 ideas in a few tens of milliseconds on
SQLite); searching, filtering and paging are done on that in Python by :func:`select_ideas`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model
from core.domain.merges import behind, survivor
from core.domain.review import review_state
from core.domain.screening import is_held
from core.storage import tables as t
from core.views.moderation import moderation_mode, reviewed
from core.views.reading import ReadUnit
from core.views.supports import round_merges, round_supports

STATUSES = tuple(s.value for s in model.ContributionStatus)


@dataclass
class OrganiseIdea:
    id: int
    text: str
    wording: str | None
    status: str
    flags: list[str]
    created_at: datetime | None
    source: str | None
    resident_id: int
    themes: list[int] = field(default_factory=list)
    into: int | None = None  # the idea it was merged into (followed to the last survivor)
    represents: int = 1  # ideas it stands for: itself and those merged into it
    residents: int = 1  # residents behind it: the authors of those ideas and their supporters
    supports: int = 0  # residents who chose it in the chat ("I meant that one")
    review: str = ""  # where it really stands with moderation (core.domain.review)

    @property
    def shown_text(self) -> str:
        return self.wording or self.text

    @property
    def held(self) -> bool:
        return is_held(self.flags, self.status)


@dataclass(frozen=True)
class ThemeCount:
    id: int
    name: str
    ideas: int  # ideas with the theme, merged ones not counted


@dataclass(frozen=True)
class LastAction:
    id: int
    kind: str
    ideas: int
    created_at: datetime | None
    email: str | None


@dataclass
class Board:
    ideas: dict[int, OrganiseIdea]
    themes: list[ThemeCount]
    counts: dict[str, int]  # by status, and "flagged": held ideas
    last: LastAction | None

    @property
    def theme_names(self) -> dict[int, str]:
        return {theme.id: theme.name for theme in self.themes}


async def organise_board(uow: ReadUnit, round_id: int) -> Board:
    """Everything the organise page shows of a round."""
    conn = uow.conn
    ideas = t.ideas
    rows = await conn.execute(
        sa.select(
            ideas.c.id,
            ideas.c.text,
            ideas.c.wording,
            ideas.c.status,
            ideas.c.flags,
            ideas.c.created_at,
            ideas.c.source,
            ideas.c.resident_id,
        )
        .where(ideas.c.round_id == round_id)
        .order_by(ideas.c.id)
    )
    found = {int(r.id): OrganiseIdea(*r[:4], list(r.flags or []), *r[5:]) for r in rows}
    in_round = sa.select(ideas.c.id).where(ideas.c.round_id == round_id)
    links = t.idea_themes
    for idea_id, theme_id in await conn.execute(
        sa.select(links.c.idea_id, links.c.theme_id).where(links.c.idea_id.in_(in_round))
    ):
        found[int(idea_id)].themes.append(int(theme_id))
    await _review(conn, round_id, found)
    merges = await round_merges(conn, round_id)
    supports = await round_supports(conn, round_id)
    _count_behind(found, merges, supports)
    return Board(
        found, await _themes(uow, round_id, found), _counts(found), await _last(uow, round_id)
    )


async def _review(conn: AsyncConnection, round_id: int, found: dict[int, OrganiseIdea]) -> None:
    """Each idea's real standing: approved only when a facilitator approved it."""
    project_id = await conn.scalar(
        sa.select(t.rounds.c.project_id).where(t.rounds.c.id == round_id)
    )
    mode = await moderation_mode(conn, int(project_id or 0))
    decided = set(
        await conn.scalars(
            sa.select(t.ideas.c.id).where(
                t.ideas.c.round_id == round_id, reviewed(t.ideas, "idea")
            )
        )
    )
    for idea in found.values():
        idea.review = review_state(idea.status, idea.flags, mode, idea.id in decided).value


def _count_behind(
    found: dict[int, OrganiseIdea], merges: dict[int, int], supports: list[tuple[int, int]]
) -> None:
    """Each idea's survivor, and each survivor's ideas and residents
    (:mod:`core.domain.merges`)."""
    backing = behind(((i.id, i.resident_id) for i in found.values()), merges, supports)
    for idea_id, _ in supports:
        if idea_id in found:
            found[idea_id].supports += 1
    for idea in found.values():
        last = survivor(idea.id, merges)
        if last != idea.id:
            idea.into = last
        elif last in backing:
            idea.represents, idea.residents = backing[last].originals, backing[last].residents


def _counts(found: dict[int, OrganiseIdea]) -> dict[str, int]:
    counts = dict.fromkeys((*STATUSES, "flagged", "all"), 0)
    for idea in found.values():
        counts[idea.status] = counts.get(idea.status, 0) + 1
        counts["flagged"] += bool(idea.held)
        counts["all"] += 1
    return counts


async def _themes(
    uow: ReadUnit, round_id: int, found: dict[int, OrganiseIdea]
) -> list[ThemeCount]:
    counts: dict[int, int] = {}
    for idea in found.values():
        if idea.status != model.ContributionStatus.MERGED.value:
            for theme_id in idea.themes:
                counts[theme_id] = counts.get(theme_id, 0) + 1
    rows = await uow.conn.execute(
        sa.select(t.themes.c.id, t.themes.c.name).where(t.themes.c.round_id == round_id)
    )
    themes = [ThemeCount(int(i), str(n), counts.get(int(i), 0)) for i, n in rows]
    return sorted(themes, key=lambda theme: theme.name.casefold())


async def _last(uow: ReadUnit, round_id: int) -> LastAction | None:
    """The round's newest action not undone, without its snapshot (a merge's can be large)."""
    actions = t.organise_actions
    row = (
        await uow.conn.execute(
            sa.select(
                actions.c.id,
                actions.c.kind,
                actions.c.undo["count"].as_integer().label("ideas"),
                actions.c.created_at,
                t.users.c.email,
            )
            .outerjoin(t.users, t.users.c.id == actions.c.user_id)
            .where(actions.c.round_id == round_id, actions.c.undone_at.is_(None))
            .order_by(actions.c.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    return LastAction(int(row.id), str(row.kind), int(row.ideas or 0), row.created_at, row.email)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""  # one of STATUSES, or "" for all
    flagged: bool = False
    theme: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.flagged or self.theme)


def select_ideas(board: Board, filters: Filters) -> list[OrganiseIdea]:
    """The ideas that match: text or wording contains every word searched (any case);
    held ideas first, then oldest first."""
    words = filters.q.casefold().split()
    chosen = []
    for idea in board.ideas.values():
        if filters.status and idea.status != filters.status:
            continue
        if filters.flagged and not idea.held:
            continue
        if filters.theme is not None and filters.theme not in idea.themes:
            continue
        if words:
            haystack = f"{idea.text}\n{idea.wording or ''}".casefold()
            if not all(word in haystack for word in words):
                continue
        chosen.append(idea)
    chosen.sort(key=lambda idea: (not idea.held, idea.id))
    return chosen


def waiting(board: Board) -> list[OrganiseIdea]:
    """Ideas waiting for a decision (status new): held ones first, then oldest first."""
    return select_ideas(board, Filters(status=model.ContributionStatus.NEW.value))


async def chosen_ideas(
    uow: ReadUnit, round_id: int, ids: list[int]
) -> dict[int, tuple[str, bool]]:
    """The round's ideas among ``ids``: their shown text and whether a merge may keep them
    (approved and not held back)."""
    rows = await uow.conn.execute(
        sa.select(
            t.ideas.c.id, t.ideas.c.text, t.ideas.c.wording, t.ideas.c.status, t.ideas.c.flags
        ).where(t.ideas.c.round_id == round_id, t.ideas.c.id.in_(ids))
    )
    approved = model.ContributionStatus.APPROVED.value
    return {
        int(r.id): (str(r.wording or r.text), r.status == approved and not list(r.flags or []))
        for r in rows
    }
