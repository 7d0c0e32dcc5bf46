"""What an organised ideas round would put on a rating or statements round (read model).

One candidate per merged cluster (its survivor, in the facilitator's wording or else its text)
and one per approved idea merged with nothing. Never an idea merged away, rejected, waiting for
review, or flagged and not approved since.

Support is counted per candidate: the distinct residents who wrote the survivor or an idea
merged into it (however many merges deep), together with those who said "I meant that one" in
the chat (``idea_supports``) for any of those ideas. ``ideas`` is how many original ideas the
candidate stands for.

``item_backing`` gives the same two figures for the items of a rating or statements round, for
the results pages and exports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from core.domain import model
from core.domain.merges import behind, survivor
from core.domain.screening import is_held
from core.storage import tables as t
from core.views.reading import ReadUnit
from core.views.supports import round_merges, round_supports

APPROVED = model.ContributionStatus.APPROVED.value
MERGED = model.ContributionStatus.MERGED.value


@dataclass
class Candidate:
    idea_id: int  # the survivor: the item is keyed by it
    text: str  # what the item says (the facilitator's wording, else the resident's words)
    supporters: int = 0  # distinct residents behind it
    ideas: int = 1  # original ideas it stands for (itself and those merged into it)
    themes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Backing:
    supporters: int
    ideas: int


@dataclass
class _Idea:
    id: int
    resident_id: int
    text: str
    status: str
    flags: list[str]
    wording: str | None


async def _ideas(uow: ReadUnit, round_id: int) -> dict[int, _Idea]:
    rows = await uow.conn.execute(
        sa.select(
            t.ideas.c.id,
            t.ideas.c.resident_id,
            t.ideas.c.text,
            t.ideas.c.status,
            t.ideas.c.flags,
            t.ideas.c.wording,
        ).where(t.ideas.c.round_id == round_id)
    )
    return {
        int(r.id): _Idea(int(r.id), int(r.resident_id), r.text, r.status, r.flags or [], r.wording)
        for r in rows
    }


async def _themes(uow: ReadUnit, round_id: int) -> dict[int, list[str]]:
    rows = await uow.conn.execute(
        sa.select(t.idea_themes.c.idea_id, t.themes.c.name)
        .join(t.themes, t.themes.c.id == t.idea_themes.c.theme_id)
        .where(t.themes.c.round_id == round_id)
        .order_by(t.themes.c.name)
    )
    found: dict[int, list[str]] = {}
    for idea_id, name in rows:
        found.setdefault(int(idea_id), []).append(str(name))
    return found


def _offerable(idea: _Idea) -> bool:
    return idea.status == APPROVED and not is_held(idea.flags, idea.status)


async def candidates(uow: ReadUnit, round_id: int) -> list[Candidate]:
    """Every candidate of the ideas round, most supported first (then most ideas, oldest)."""
    ideas = await _ideas(uow, round_id)
    into = await round_merges(uow.conn, round_id)
    themes = await _themes(uow, round_id)
    found = {i.id: Candidate(i.id, i.wording or i.text) for i in ideas.values() if _offerable(i)}
    backing = behind(
        ((i.id, i.resident_id) for i in ideas.values()),
        into,
        await round_supports(uow.conn, round_id),
    )
    for idea in ideas.values():
        root = survivor(idea.id, into)
        if root in found:
            for name in themes.get(idea.id, []):
                if name not in found[root].themes:
                    found[root].themes.append(name)
    for key, candidate in found.items():
        candidate.supporters, candidate.ideas = backing[key].residents, backing[key].originals
        candidate.themes.sort(key=str.casefold)
    return sorted(found.values(), key=lambda c: (-c.supporters, -c.ideas, c.idea_id))


def choose(
    found: list[Candidate], themes: Iterable[str] = (), top: int | None = None
) -> list[Candidate]:
    """The candidates in any of ``themes`` (all when none given), at most ``top`` of them."""
    wanted = {name.casefold() for name in themes}
    if wanted:
        found = [c for c in found if wanted & {name.casefold() for name in c.themes}]
    return found[:top] if top else found


async def shortlist(
    uow: ReadUnit, round_id: int, themes: Iterable[str] = (), top: int | None = None
) -> list[Candidate]:
    """The items an ideas round would give, in order, for a choice of themes and a top N."""
    return choose(await candidates(uow, round_id), themes, top)


async def round_themes(uow: ReadUnit, round_id: int) -> list[str]:
    """The names of an ideas round's themes, in alphabetical order."""
    rows = await uow.conn.scalars(
        sa.select(t.themes.c.name).where(t.themes.c.round_id == round_id)
    )
    return sorted((str(name) for name in rows), key=str.casefold)


async def item_backing(uow: ReadUnit, rnd: model.Round) -> dict[int, Backing]:
    """Per item made from an idea of ``rnd``: its supporters and the original ideas behind it."""
    if not rnd.items_from:
        return {}
    source = await uow.conn.scalar(
        sa.select(t.rounds.c.id).where(
            t.rounds.c.project_id == rnd.project_id, t.rounds.c.key == rnd.items_from
        )
    )
    rows = await uow.conn.execute(
        sa.select(t.items.c.id, t.items.c.idea_id).where(
            t.items.c.round_id == rnd.id, t.items.c.idea_id.is_not(None)
        )
    )
    by_idea = {int(idea): int(item) for item, idea in rows}
    if source is None or not by_idea:
        return {}
    found = {c.idea_id: c for c in await candidates(uow, int(source))}
    return {
        item: Backing(found[idea].supporters, found[idea].ideas)
        for idea, item in by_idea.items()
        if idea in found
    }
