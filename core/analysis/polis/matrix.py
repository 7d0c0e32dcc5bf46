"""The voters x statements matrix, and which voters are "in the conversation" (steps 1 and 2)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from core.analysis.polis.model import MIN_CLUSTERED, MIN_VOTES, FloatArray, Vote


def statements_in_play(
    statement_ids: Sequence[str], moderated_out: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Return the statements in play and the moderated-out ones not in play, deduplicated."""
    in_play = list(dict.fromkeys(str(s) for s in statement_ids))
    out = [s for s in dict.fromkeys(str(s) for s in moderated_out) if s not in set(in_play)]
    return in_play, out


def vote_matrix(
    votes: Iterable[Vote], statement_ids: Sequence[str]
) -> tuple[FloatArray, list[str], list[str]]:
    """Build the voters x statements matrix; statements without votes are dropped."""
    col_of = {sid: j for j, sid in enumerate(statement_ids)}
    row_of: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for voter, statement, value in votes:
        j = col_of.get(str(statement))
        if j is None:
            continue
        if value not in (1, 0, -1):
            raise ValueError(f"vote value must be 1, 0 or -1, got {value!r}")
        i = row_of.setdefault(str(voter), len(row_of))
        rows.append(i)
        cols.append(j)
        values.append(float(value))
    full = np.full((len(row_of), len(statement_ids)), np.nan)
    full[rows, cols] = values
    voted = np.flatnonzero(~np.all(np.isnan(full), axis=0)) if len(row_of) else np.array([], int)
    voters = list(row_of)
    return full[:, voted], voters, [statement_ids[j] for j in voted]


def zeroed_columns(columns: Sequence[str], zeroed_ids: Sequence[str]) -> NDArray[np.bool_]:
    """Mark the columns whose statement is among ``zeroed_ids`` (moderated out)."""
    zeroed: NDArray[np.bool_] = np.isin(
        np.asarray(columns, dtype=object), np.asarray(zeroed_ids, dtype=object)
    )
    return zeroed


def in_conversation(counts: NDArray[np.int64], n_cols: int) -> NDArray[np.bool_]:
    """Pol.is's in-conv: ``min(7, n_cols)`` votes, topped up with the most active voters to 15."""
    if not n_cols:
        return np.zeros(len(counts), dtype=bool)
    keep: NDArray[np.bool_] = counts >= min(MIN_VOTES, n_cols)
    missing = MIN_CLUSTERED - int(keep.sum())
    if missing > 0:
        others = np.flatnonzero(~keep & (counts > 0))
        most_active = others[np.argsort(-counts[others], kind="stable")][:missing]
        keep[most_active] = True
    return keep
