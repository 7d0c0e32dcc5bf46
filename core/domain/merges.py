"""Merged ideas and who stands behind an idea: one rule for the chat, the organise page, the
shortlist and the results.

An idea a facilitator merged into another counts for the idea it was merged into, followed to
the end of the chain (the *survivor*), with its author and its supporters. A resident counts
once per survivor, however many of its ideas they wrote or supported; one who wrote one of them
is an author, not also a supporter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


def survivor(idea_id: int, into: Mapping[int, int]) -> int:
    """Follow merges to the idea that kept the supporters (merges never form a cycle; the guard
    only stops a corrupt chain)."""
    seen = {idea_id}
    while idea_id in into and into[idea_id] not in seen:
        idea_id = into[idea_id]
        seen.add(idea_id)
    return idea_id


@dataclass
class Behind:
    """The residents and ideas behind one survivor."""

    authors: set[int] = field(default_factory=set)  # who wrote it or an idea merged into it
    supporters: set[int] = field(default_factory=set)  # who chose one of them in the chat
    originals: int = 0  # the ideas it stands for: itself and those merged into it

    @property
    def residents(self) -> int:
        """Everyone behind it, each once."""
        return len(self.authors | self.supporters)


def behind(
    ideas: Iterable[tuple[int, int | None]],
    into: Mapping[int, int],
    supports: Iterable[tuple[int, int]],
) -> dict[int, Behind]:
    """Per survivor: its authors, supporters and originals, from the round's ideas as
    ``(idea id, author)``, its merges (``idea → into``) and its supports
    ``(idea id, resident)``."""
    found: dict[int, Behind] = {}
    for idea_id, author in ideas:
        entry = found.setdefault(survivor(idea_id, into), Behind())
        entry.originals += 1
        if author is not None:
            entry.authors.add(author)
    for idea_id, resident_id in supports:
        found.setdefault(survivor(idea_id, into), Behind()).supporters.add(resident_id)
    for entry in found.values():
        entry.supporters -= entry.authors
    return found
