"""Pol.is's two-level k-means, and choosing the number of groups by silhouette (step 4)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from core.analysis.polis.model import (
    BASE_CLUSTERS,
    MAX_GROUPS,
    MIN_CLUSTERED,
    N_INIT,
    RANDOM_STATE,
    FloatArray,
)


def cluster_kept(points: FloatArray) -> NDArray[np.int64] | None:
    """Group the kept participants' points, or ``None`` with fewer than 15 of them."""
    # One BLAS/OpenMP thread: these k-means runs are small, and on a busy two-core server
    # scikit-learn's thread pool made them 8-10 times slower (measured: 1.2 s -> 0.15 s on
    # brexit-consensus); it also leaves the other core to the event loop.
    with threadpool_limits(limits=1):
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
    base = KMeans(n_clusters=n_base, n_init=1, random_state=RANDOM_STATE).fit(points)
    base_labels = base.labels_.astype(np.int64)
    centres = base.cluster_centers_
    weights = np.bincount(base_labels, minlength=n_base).astype(float)
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
        model = KMeans(n_clusters=k, n_init=N_INIT, random_state=RANDOM_STATE)
        group_of_base = model.fit_predict(centres, sample_weight=weights).astype(np.int64)
        if len(np.unique(group_of_base)) < 2:
            continue
        score = float(silhouette_score(centres, group_of_base))
        if best is None or score > best[0]:
            best = (score, model.cluster_centers_)
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
    starts = [group_centres, distinct[:k]]
    fits = [KMeans(n_clusters=k, init=start, n_init=1).fit(points) for start in starts]
    best = min(fits, key=lambda fit: fit.inertia_)
    return best.labels_.astype(np.int64)


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
