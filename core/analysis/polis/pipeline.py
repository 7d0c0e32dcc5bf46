"""``analyse``: the steps in order, from the votes to an :class:`AnalysisResult`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from core.analysis.polis.clustering import cluster_kept
from core.analysis.polis.matrix import (
    in_conversation,
    statements_in_play,
    vote_matrix,
    zeroed_columns,
)
from core.analysis.polis.model import (
    AnalysisResult,
    FloatArray,
    Group,
    RepresentativeStatement,
    Vote,
)
from core.analysis.polis.projection import project, xy
from core.analysis.polis.statements import (
    consensus,
    divisive,
    group_aware_consensus,
    majorities,
    representative,
)
from core.analysis.polis.stats import Stats, one_group_stats, statement_stats


@dataclass(frozen=True)
class _Votes:
    """The vote matrix and what ``analyse`` knows about its rows and columns."""

    matrix: FloatArray
    voters: list[str]
    columns: list[str]
    in_play: list[str]
    zeroed: NDArray[np.bool_]
    active: NDArray[np.bool_]


@dataclass(frozen=True)
class _Grouping:
    """The groups found among the kept participants, and the statistics over those participants."""

    stats: Stats
    groups: tuple[Group, ...]
    representative: tuple[tuple[RepresentativeStatement, ...], ...]


def analyse(
    votes: Iterable[Vote],
    statement_ids: Sequence[str],
    moderated_out: Sequence[str] = (),
) -> AnalysisResult:
    """Find opinion groups and the statements that unite or divide them.

    Args:
        votes: ``(voter_id, statement_id, value)`` with value 1 agree, -1 disagree, 0 pass;
            one per pair (the latest). Votes on unknown statements are ignored.
        statement_ids: the statements in play.
        moderated_out: statements taken out by moderation; their votes still count towards a
            participant's activity and their columns are zeroed, as in Pol.is, but they are never
            reported.

    Returns:
        An ``AnalysisResult``; ``groups`` is empty when fewer than 15 participants voted enough.
    """
    # One BLAS thread: the matrices are small, and on a busy two-core server a BLAS thread pool
    # made the eigen-decomposition and k-means several times slower (measured: 1.2 s -> 0.15 s
    # on brexit-consensus); it also leaves the other core to the event loop.
    with threadpool_limits(limits=1):
        return _analyse(votes, statement_ids, moderated_out)


def _analyse(
    votes: Iterable[Vote], statement_ids: Sequence[str], moderated_out: Sequence[str]
) -> AnalysisResult:
    """The steps of :func:`analyse`, in order."""
    data = _prepare(votes, statement_ids, moderated_out)
    raw_counts = np.count_nonzero(~np.isnan(data.matrix), axis=1)
    keep = in_conversation(raw_counts, len(data.columns))
    coords, center, components = project(data.matrix, data.zeroed)
    labels = cluster_kept(coords[keep])
    grouping = _grouping(data, keep, coords, labels)
    everyone = one_group_stats(data.matrix)
    agree, disagree = consensus(everyone, data.columns, data.active)
    gac, gac_d = group_aware_consensus(grouping.stats, data.columns, data.active)
    return AnalysisResult(
        participants_total=len(data.voters),
        participants_clustered=int(keep.sum()) if labels is not None else 0,
        statement_ids=tuple(data.in_play),
        groups=grouping.groups,
        representative=grouping.representative,
        consensus_agree=agree,
        consensus_disagree=disagree,
        group_aware_consensus=gac,
        group_aware_consensus_disagree=gac_d,
        divisive=divisive(grouping.stats, data.columns, data.active) if labels is not None else (),
        coordinates={pid: xy(coords[i]) for i, pid in enumerate(data.voters)},
        majority=majorities(everyone, data.columns, data.active),
        pca_center=tuple(float(c) for c in center),
        pca_components=tuple(tuple(float(c) for c in comp) for comp in components),
        zeroed_statement_ids=tuple(data.columns[j] for j in np.flatnonzero(data.zeroed)),
    )


def _prepare(
    votes: Iterable[Vote], statement_ids: Sequence[str], moderated_out: Sequence[str]
) -> _Votes:
    """Build the vote matrix over the statements in play, then the moderated-out ones."""
    in_play, out = statements_in_play(statement_ids, moderated_out)
    matrix, voters, columns = vote_matrix(votes, in_play + out)
    zeroed = zeroed_columns(columns, out)
    return _Votes(matrix, voters, columns, in_play, zeroed, ~zeroed)


def _grouping(
    data: _Votes,
    keep: NDArray[np.bool_],
    coords: FloatArray,
    labels: NDArray[np.int64] | None,
) -> _Grouping:
    """Statistics over the kept participants, per group; one group of them all without groups."""
    kept = data.matrix[keep]
    if labels is None:
        return _Grouping(one_group_stats(kept), (), ())
    n_groups = int(labels.max()) + 1
    stats = statement_stats(kept, labels, n_groups)
    kept_ids = [data.voters[i] for i in np.flatnonzero(keep)]
    kept_xy = coords[keep]
    groups = tuple(
        Group(
            id=g,
            members=tuple(kept_ids[i] for i in np.flatnonzero(labels == g)),
            centroid=xy(kept_xy[labels == g].mean(axis=0)),
        )
        for g in range(n_groups)
    )
    reps = tuple(representative(stats, g, data.columns, data.active) for g in range(n_groups))
    return _Grouping(stats, groups, reps)
