"""Placing one resident among the others, for "how do others think?"."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from core.analysis.polis.matrix import zeroed_columns
from core.analysis.polis.model import MIN_PARTICIPANTS_FOR_COMPARISON, AnalysisResult
from core.analysis.polis.projection import project_rows


def closest_group(
    result: AnalysisResult, votes_of_one_resident: Iterable[tuple[str, int]]
) -> tuple[int | None, list[str]] | None:
    """Place one resident among the others, for a "you and the others" message.

    The resident's votes are projected like everyone else's and matched to the nearest group
    centroid. Alongside, at most two statements where the resident agreed while most
    participants disagreed (or the other way round), the clearest majorities first; passes and
    ties never count as differing.

    Args:
        result: an earlier ``analyse`` result.
        votes_of_one_resident: ``(statement_id, value)`` pairs.

    Returns:
        ``None`` with fewer than 10 participants; otherwise ``(group id or None, statement ids)``,
        the group being ``None`` when no groups formed or the resident voted on nothing in play.
    """
    if result.participants_total < MIN_PARTICIPANTS_FOR_COMPARISON:
        return None
    own = {str(sid): int(value) for sid, value in votes_of_one_resident}

    differs = [
        (share, sid)
        for sid, value in own.items()
        if value != 0 and sid in result.majority and result.majority[sid][0] == -value
        for share in (result.majority[sid][1],)
    ]
    differs.sort(key=lambda pair: -pair[0])
    differing = [sid for _, sid in differs[:2]]

    group: int | None = None
    columns = _matrix_columns(result)
    index = {sid: j for j, sid in enumerate(columns)}
    if result.groups and any(sid in index for sid in own):
        row = np.full(len(columns), np.nan)
        for sid, value in own.items():
            if sid in index:
                row[index[sid]] = value
        row[zeroed_columns(columns, result.zeroed_statement_ids)] = 0.0
        xy = project_rows(
            row[None, :],
            np.asarray(result.pca_center),
            np.asarray(result.pca_components),
        )[0]
        centroids = np.asarray([g.centroid for g in result.groups])
        group = result.groups[int(np.argmin(((centroids - xy) ** 2).sum(axis=1)))].id
    return group, differing


def _matrix_columns(result: AnalysisResult) -> list[str]:
    """Rebuild the column order used by ``analyse`` (voted statements in play, then zeroed)."""
    voted = set(result.group_aware_consensus) | set(result.zeroed_statement_ids)
    in_play = [s for s in result.statement_ids if s in voted]
    return in_play + list(result.zeroed_statement_ids)
