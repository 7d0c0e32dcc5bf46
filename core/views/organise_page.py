"""The organise page put together: suggested groups, waiting ideas and search results, in
blocks of ideas the facilitator acts on together, one page at a time (pure, no SQL)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.views.organise import Board, Filters, OrganiseIdea, select_ideas, waiting

GROUPS_PER_PAGE = 10
IDEAS_PER_PAGE = 50
GROUP_SHOWN = 25  # ideas of a group shown at first; the rest go along (ticked) unseen
# how strictly ideas are grouped: the value shown in the page's control → the engine's 0..1
STRICTNESS = {"1": 0.0, "2": 0.25, "3": 0.5, "4": 0.75, "5": 1.0}
DEFAULT_STRICTNESS = "3"


@dataclass
class Block:
    """Ideas shown and acted on together (one form on the page)."""

    id: str  # the anchor and the element a partial update replaces
    kind: str  # "cluster", "waiting" or "results"
    ideas: list[OrganiseIdea]
    number: int = 0  # a cluster's number in the list
    merged: dict[int, list[OrganiseIdea]] = field(default_factory=dict)  # survivor → merged
    more: list[int] = field(default_factory=list)  # ideas of the group not shown, still ticked

    @property
    def open_ideas(self) -> list[OrganiseIdea]:
        """The ideas still to act on (merged ones are shown under their survivor)."""
        return [idea for idea in self.ideas if idea.into is None]

    @property
    def size(self) -> int:
        return len(self.open_ideas) + len(self.more)


@dataclass
class OrganisePage:
    board: Board
    filters: Filters
    strictness: str
    page: int
    pages: int
    groups: list[Block]  # suggested groups of two or more on this page
    groups_total: int
    singles: int  # approved ideas the suggestions leave on their own
    waiting: Block | None  # no filter: the ideas waiting for a decision
    waiting_total: int
    results: Block | None  # with a filter: the matching ideas of this page
    results_total: int
    computing: bool = False  # the groups are still being computed (a large round, first view)


def block_of(board: Board, block_id: str, kind: str, ids: Sequence[int], number: int = 0) -> Block:
    """A block of these ideas as they are now; ideas merged into one shown under it."""
    ideas = [board.ideas[i] for i in dict.fromkeys(ids) if i in board.ideas]
    merged: dict[int, list[OrganiseIdea]] = {}
    for idea in ideas:
        if idea.into is not None:
            merged.setdefault(idea.into, []).append(idea)
    shown = [idea for idea in ideas if idea.into is None]
    for survivor in merged:  # a survivor outside the block is shown with what went into it
        if survivor not in {idea.id for idea in shown} and survivor in board.ideas:
            shown.append(board.ideas[survivor])
    return Block(block_id, kind, shown + [i for i in ideas if i.into is not None], number, merged)


def organise_page(
    board: Board,
    clusters: Sequence[Sequence[int]] | None,
    filters: Filters,
    strictness: str,
    page: int,
    expand: str = "",
) -> OrganisePage:
    """The page: without a filter the waiting ideas and a page of suggested groups; with one,
    a page of the matching ideas. ``clusters`` is ``None`` while they are being computed."""
    computing = clusters is None
    groups = [list(ids) for ids in clusters or () if len(ids) > 1]
    singles = sum(1 for ids in clusters or () if len(ids) == 1)
    if filters.active:
        found = select_ideas(board, filters)
        pages = max(1, math.ceil(len(found) / IDEAS_PER_PAGE))
        page = min(max(1, page), pages)
        chunk = found[(page - 1) * IDEAS_PER_PAGE : page * IDEAS_PER_PAGE]
        results = block_of(board, "results", "results", [i.id for i in chunk])
        return OrganisePage(
            board, filters, strictness, page, pages, [], len(groups), singles, None, 0,
            results, len(found),
        )  # fmt: skip
    pages = max(1, math.ceil(len(groups) / GROUPS_PER_PAGE))
    page = min(max(1, page), pages)
    start = (page - 1) * GROUPS_PER_PAGE
    blocks = []
    for n, ids in enumerate(groups[start : start + GROUPS_PER_PAGE]):
        shown = len(ids) if expand == f"g{ids[0]}" else GROUP_SHOWN
        block = block_of(board, f"g{ids[0]}", "cluster", ids[:shown], start + n + 1)
        block.more = list(ids[shown:])
        blocks.append(block)
    queue = waiting(board)
    first = block_of(board, "waiting", "waiting", [i.id for i in queue[:IDEAS_PER_PAGE]])
    return OrganisePage(
        board, filters, strictness, page, pages, blocks, len(groups), singles, first, len(queue),
        None, 0, computing,
    )  # fmt: skip
