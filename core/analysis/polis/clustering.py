"""Pol.is's two-level k-means, and choosing the number of groups by silhouette (step 4)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from core.analysis.polis.kmeans import Fit, best_of, lloyd, silhouette
from core.analysis.polis.model import (
    BASE_CLUSTERS,
    BASE_N_INIT,
    MAX_GROUPS,
    MIN_CLUSTERED,
    N_INIT,
    RANDOM_STATE,
    FloatArray,
)


def cluster_kept(points: FloatArray) -> NDArray[np.int64] | None:
    """Group the kept participants' points, or ``None`` with fewer than 15 of them."""
    return cluster(points) if len(points) >= MIN_CLUSTERED else None


def cluster(points: FloatArray) -> NDArray[np.int64] | None:
    """Group points Pol.is-style: base clusters, then weighted k-means with silhouette choice.

    The chosen grouping of the base clusters is then settled on the participants themselves
    (:func:`_settle`), so no participant ends nearer another group's centre than their own.
    Returns ``None`` when the points cannot be split (fewer than two distinct positions).
    """
    distinct = np.unique(points, axis=0)
    n_base = min(BASE_CLUSTERS, len(distinct))
    if n_base < 2:
        return None
    base = best_of(points, n_base, n_init=BASE_N_INIT, seed=RANDOM_STATE)
    used = np.unique(base.labels)  # Pol.is drops base clusters that end up empty
    base_labels = np.searchsorted(used, base.labels).astype(np.int64)
    centres = base.centres[used]
    weights = np.bincount(base_labels).astype(float)
    n_base = len(used)
    if n_base == 2:
        return _canonical_labels(base_labels, points)

    grouping = _best_grouping(centres, weights, n_base)
    if grouping is None:
        return None
    return _canonical_labels(_settle(points, grouping[1], distinct), points)


def _best_grouping(
    centres: FloatArray, weights: FloatArray, n_base: int
) -> tuple[float, FloatArray] | None:
    """Group base-cluster centres for k = 2 .. max: best silhouette wins, ties to the smaller k.

    Returns the silhouette and the group centres of the winning grouping.
    """
    max_k = min(MAX_GROUPS, 2 + n_base // 12, n_base - 1)
    best: tuple[float, FloatArray] | None = None
    for k in range(2, max_k + 1):
        model = best_of(centres, k, n_init=N_INIT, seed=RANDOM_STATE, weights=weights)
        kept = np.unique(model.labels)
        if len(kept) < 2:
            continue
        score = silhouette(centres, model.labels)
        if best is None or score > best[0]:
            best = (score, model.centres[kept])
    return best


def _settle(
    points: FloatArray, group_centres: FloatArray, distinct: FloatArray
) -> NDArray[np.int64]:
    """Run k-means on the participants from two starts and keep the tighter result.

    A grouping of base clusters keeps each base cluster whole, so a participant near the border
    can end up nearer the other group's centre: the groups are not yet a k-means solution on the
    participants. Two starts are settled with Lloyd's iterations on the participants: the
    groups' centres, and the first ``k`` distinct positions in sorted order (the deterministic
    start of Pol.is's ``init-clusters`` as red-dwarf reads it). The one with the smaller
    within-group sum of squares wins; ties keep the first. Both starts ignore the input order.
    """
    k = len(group_centres)
    fits = [lloyd(points, start) for start in (group_centres, distinct[:k])]
    split = [fit for fit in fits if len(np.unique(fit.labels)) >= 2]
    best: Fit = min(split or fits, key=lambda fit: fit.inertia)
    return best.labels


def _canonical_labels(labels: NDArray[np.int64], points: FloatArray) -> NDArray[np.int64]:
    """Number groups by size, largest first; equal sizes by centroid x, then y."""
    ids = np.unique(labels)
    keyed = sorted(
        ids,
        key=lambda g: (
            -int(np.count_nonzero(labels == g)),
            float(points[labels == g, 0].mean()),
            float(points[labels == g, 1].mean()),
        ),
    )
    remap = np.empty(int(ids.max()) + 1, dtype=np.int64)
    for new, old in enumerate(keyed):
        remap[old] = new
    return remap[labels]
