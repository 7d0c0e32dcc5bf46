"""A statements round's votes as labels, and the analysis of them (pure: no SQL, no I/O).

Ids in results are *labels*: a statement's or resident's external id where the round was
imported (Pol.is comment and voter ids), otherwise our own id as a string.
:mod:`core.views.votes` reads a round into :class:`RoundVotes`; the cache in
:mod:`core.services.analyses` runs :func:`analyse_round` in a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from core.analysis.polis import AnalysisResult, Vote, analyse

_INTEGER = re.compile(r"-?\d+")


@lru_cache(maxsize=65536)
def natural_key(value: str) -> tuple[int, int | str]:
    """Sort numeric ids numerically and anything else after them, alphabetically."""
    return (0, int(value)) if _INTEGER.fullmatch(value) else (1, value)


def labels(rows: Sequence[tuple[int, str | None]]) -> dict[int, str]:
    """External id where there is one, else our id; our id is prefixed when it would collide."""
    external = {ext for _, ext in rows if ext}
    found = {}
    for own, ext in rows:
        label = ext or str(own)
        if not ext and label in external:
            label = f"inspraak-{own}"
        found[own] = label
    return found


@dataclass(frozen=True)
class RoundVotes:
    """The latest vote of every resident on every statement of one round, as labels."""

    round_id: int
    statement_ids: tuple[str, ...]  # active statements, in position order
    moderated_out: tuple[str, ...]  # inactive statements (moderated out, or imported as -1)
    votes: tuple[Vote, ...]
    texts: dict[str, str] = field(default_factory=dict)
    item_labels: dict[int, str] = field(default_factory=dict)
    resident_labels: dict[int, str] = field(default_factory=dict)

    @property
    def participants(self) -> int:
        return len({voter for voter, _, _ in self.votes})

    def votes_of(self, voter: str) -> list[tuple[str, int]]:
        return [(statement, value) for who, statement, value in self.votes if who == voter]


@dataclass(frozen=True)
class RoundAnalysis:
    """Votes and what the analysis found in them."""

    votes: RoundVotes
    result: AnalysisResult


def analyse_round(votes: RoundVotes) -> RoundAnalysis:
    """Run the analysis on loaded votes (CPU-bound: call it in a thread)."""
    return RoundAnalysis(votes, analyse(votes.votes, votes.statement_ids, votes.moderated_out))
