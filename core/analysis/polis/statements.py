"""Which statements a group stands for, and which unite or divide everyone (steps 6 to 9)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from core.analysis.polis.model import PICK_MAX, Z_90, FloatArray, RepresentativeStatement
from core.analysis.polis.stats import Stats


def representative(
    stats: Stats, g: int, columns: Sequence[str], active: NDArray[np.bool_]
) -> tuple[RepresentativeStatement, ...]:
    """Pol.is's ``select-rep-comments`` for one group."""
    candidates = [int(j) for j in np.flatnonzero(active)]

    best_agree: int | None = None
    for j in candidates:
        if _beats_best_of_agrees(stats, g, j, best_agree):
            best_agree = j

    def significant(j: int) -> bool:
        return bool(
            (stats.pat[g, j] > Z_90 and stats.rat[g, j] > Z_90)
            or (stats.pdt[g, j] > Z_90 and stats.rdt[g, j] > Z_90)
        )

    sufficient = [j for j in candidates if significant(j)]
    head: list[int] = []
    if best_agree is not None:
        head = [best_agree]
    elif not sufficient:
        best_overall: int | None = None
        for j in candidates:
            score = max(stats.rat[g, j], stats.rdt[g, j])
            if best_overall is None or score > max(
                stats.rat[g, best_overall], stats.rdt[g, best_overall]
            ):
                best_overall = j
        head = [best_overall] if best_overall is not None else []

    chosen = [_finalise(stats, g, j, columns) for j in head]
    ranked = sorted(
        (_finalise(stats, g, j, columns) for j in sufficient),
        key=lambda s: -(s.repness * s.repness_test * s.p_success * s.p_test),
    )
    chosen += [s for s in ranked if not head or s.id != columns[head[0]]]
    chosen = chosen[:PICK_MAX]
    return tuple(sorted(chosen, key=lambda s: s.direction))


def _beats_best_of_agrees(stats: Stats, g: int, j: int, best: int | None) -> bool:
    """Pol.is's ``beats-best-agr``: the statement the group agrees on most convincingly."""
    if stats.na[g, j] == 0 and stats.nd[g, j] == 0:
        return False
    if best is not None:
        if stats.ra[g, best] > 1.0:

            def metric(k: int) -> float:
                return float(stats.ra[g, k] * stats.rat[g, k] * stats.pa[g, k] * stats.pat[g, k])
        else:

            def metric(k: int) -> float:
                return float(stats.pa[g, k] * stats.pat[g, k])

        return metric(j) > metric(best)
    return bool(stats.pat[g, j] > Z_90 or (stats.ra[g, j] > 1.0 and stats.pa[g, j] > 0.5))


def _finalise(stats: Stats, g: int, j: int, columns: Sequence[str]) -> RepresentativeStatement:
    """Report a statement in the direction with the stronger representativeness test."""
    if stats.rat[g, j] > stats.rdt[g, j]:
        return RepresentativeStatement(
            id=columns[j],
            direction="agree",
            n_success=int(stats.na[g, j]),
            n_trials=int(stats.ns[g, j]),
            p_success=float(stats.pa[g, j]),
            p_test=float(stats.pat[g, j]),
            repness=float(stats.ra[g, j]),
            repness_test=float(stats.rat[g, j]),
        )
    return RepresentativeStatement(
        id=columns[j],
        direction="disagree",
        n_success=int(stats.nd[g, j]),
        n_trials=int(stats.ns[g, j]),
        p_success=float(stats.pd[g, j]),
        p_test=float(stats.pdt[g, j]),
        repness=float(stats.rd[g, j]),
        repness_test=float(stats.rdt[g, j]),
    )


def consensus(
    stats: Stats, columns: Sequence[str], active: NDArray[np.bool_]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Statements most participants agree (disagree) with, significantly; top 5 each."""

    def pick(p: FloatArray, z: FloatArray) -> tuple[str, ...]:
        eligible = [int(j) for j in np.flatnonzero(active & (p > 0.5) & (z > Z_90))]
        eligible.sort(key=lambda j: -float(p[j] * z[j]))
        return tuple(columns[j] for j in eligible[:PICK_MAX])

    return pick(stats.pa[0], stats.pat[0]), pick(stats.pd[0], stats.pdt[0])


def divisive(stats: Stats, columns: Sequence[str], active: NDArray[np.bool_]) -> tuple[str, ...]:
    """Statements whose group agree-probabilities differ most (variance across groups)."""
    voted_by_all = active & np.all(stats.ns > 0, axis=0)
    spread = stats.pa.var(axis=0)
    ranked = sorted(np.flatnonzero(voted_by_all), key=lambda j: -float(spread[j]))
    return tuple(columns[int(j)] for j in ranked[:PICK_MAX])


def group_aware_consensus(
    stats: Stats, columns: Sequence[str], active: NDArray[np.bool_]
) -> tuple[dict[str, float], dict[str, float]]:
    """Per statement, the product over groups of the agree (disagree) probability."""
    gac = np.prod(stats.pa, axis=0)
    gac_d = np.prod(stats.pd, axis=0)
    active_idx = np.flatnonzero(active)
    return (
        {columns[int(j)]: float(gac[j]) for j in active_idx},
        {columns[int(j)]: float(gac_d[j]) for j in active_idx},
    )


def majorities(
    everyone: Stats, columns: Sequence[str], active: NDArray[np.bool_]
) -> dict[str, tuple[int, float]]:
    """Per statement with a majority, its side (1 agree, -1 disagree) and share of all votes."""
    majority: dict[str, tuple[int, float]] = {}
    for j in np.flatnonzero(active):
        na, nd, ns = int(everyone.na[0, j]), int(everyone.nd[0, j]), int(everyone.ns[0, j])
        if ns and na != nd:
            majority[columns[int(j)]] = (1, na / ns) if na > nd else (-1, nd / ns)
    return majority
