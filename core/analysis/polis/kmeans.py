"""k-means and the silhouette in plain numpy, for the two-level clustering (step 4).

scikit-learn has both, but importing it (with SciPy and pandas behind it) cost more than the
whole analysis of a 2,000-voter round, and ``inspraak analyse`` is a short process. The points
here are 2-D and at most a few thousand, so Lloyd's iterations on dense distance tables are
enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.analysis.polis.model import FloatArray

MAX_ITER = 300


@dataclass(frozen=True)
class Fit:
    """The result of one k-means run."""

    labels: NDArray[np.int64]
    centres: FloatArray
    inertia: float  # weighted within-group sum of squared distances


def squared_distances(points: FloatArray, centres: FloatArray) -> FloatArray:
    """Squared Euclidean distances, points (rows) by centres (columns)."""
    result: FloatArray = np.zeros((len(points), len(centres)))
    for d in range(points.shape[1]):  # two coordinates: cheaper than a 3-D difference array
        result += np.subtract.outer(points[:, d], centres[:, d]) ** 2
    return result


def lloyd(
    points: FloatArray,
    start: FloatArray,
    weights: FloatArray | None = None,
    max_iter: int = MAX_ITER,
) -> Fit:
    """Lloyd's k-means from the given centres until no point changes group.

    A group that empties keeps its last centre (it may win points back); the caller sees it as
    a label with no points.
    """
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    centres = np.array(start, dtype=float)
    labels = squared_distances(points, centres).argmin(axis=1)
    k = len(centres)
    weighted = w[:, None] * points
    for _ in range(max_iter):
        totals = np.bincount(labels, weights=w, minlength=k)
        sums = np.stack(
            [
                np.bincount(labels, weights=weighted[:, d], minlength=k)
                for d in range(points.shape[1])
            ],
            axis=1,
        )
        filled = totals > 0
        centres[filled] = sums[filled] / totals[filled, None]
        new = squared_distances(points, centres).argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    inertia = float((w * squared_distances(points, centres)[np.arange(len(points)), labels]).sum())
    return Fit(labels.astype(np.int64), centres, inertia)


def plus_plus(
    points: FloatArray, k: int, rng: np.random.Generator, weights: FloatArray | None = None
) -> FloatArray:
    """k-means++ starting centres: each next centre drawn with probability ~ weight x distance²."""
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    chosen = [int(rng.choice(len(points), p=w / w.sum()))]
    nearest = squared_distances(points, points[chosen])[:, 0]
    for _ in range(1, k):
        mass = w * nearest
        if mass.sum() <= 0:  # every point sits on a centre already
            break
        pick = int(rng.choice(len(points), p=mass / mass.sum()))
        chosen.append(pick)
        nearest = np.minimum(nearest, squared_distances(points, points[[pick]])[:, 0])
    return points[chosen]


def best_of(
    points: FloatArray, k: int, n_init: int, seed: int, weights: FloatArray | None = None
) -> Fit:
    """The tightest of ``n_init`` k-means++ runs (seeded; ties keep the earlier run)."""
    rng = np.random.default_rng(seed)
    fits = [lloyd(points, plus_plus(points, k, rng, weights), weights) for _ in range(n_init)]
    return min(fits, key=lambda fit: fit.inertia)


def silhouette(points: FloatArray, labels: NDArray[np.int64]) -> float:
    """Mean silhouette coefficient (0 for points alone in their group), as scikit-learn's."""
    dist = np.sqrt(squared_distances(points, points))
    groups = np.unique(labels)
    onehot = (labels[:, None] == groups[None, :]).astype(float)
    sizes = onehot.sum(axis=0)
    sums = dist @ onehot  # per point, total distance to each group
    own = np.searchsorted(groups, labels)
    own_size = sizes[own]
    a = np.where(own_size > 1, sums[np.arange(len(points)), own] / np.maximum(own_size - 1, 1), 0)
    other = sums / sizes
    other[np.arange(len(points)), own] = np.inf
    b = other.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(own_size > 1, (b - a) / np.maximum(a, b), 0.0)
    return float(np.nan_to_num(s).mean())
