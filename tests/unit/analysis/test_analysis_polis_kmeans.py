"""Our numpy k-means and silhouette give scikit-learn's answers, without importing it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from core.analysis.polis.kmeans import best_of, lloyd, silhouette


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_silhouette_equals_scikit_learns_singletons_included(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(60, 2))
    labels = rng.integers(0, 4, size=60)
    labels[0] = 9  # a group of one counts as 0, as in scikit-learn
    assert silhouette(points, labels) == pytest.approx(silhouette_score(points, labels))


def test_lloyd_from_given_centres_ends_where_scikit_learn_does() -> None:
    rng = np.random.default_rng(4)
    points = rng.normal(size=(400, 2))
    weights = rng.integers(1, 5, size=400).astype(float)
    start = points[:4]
    ours = lloyd(points, start, weights)
    theirs = KMeans(4, init=start, n_init=1, tol=0).fit(points, sample_weight=weights)
    assert (ours.labels == theirs.labels_).all()
    assert ours.inertia == pytest.approx(theirs.inertia_)


def test_best_of_is_repeatable_and_finds_separated_blobs() -> None:
    rng = np.random.default_rng(5)
    blobs = [rng.normal(centre, 0.1, size=(30, 2)) for centre in ((0, 0), (5, 0), (0, 5))]
    points = np.vstack(blobs)
    first, again = best_of(points, 3, n_init=10, seed=0), best_of(points, 3, n_init=10, seed=0)
    assert (first.labels == again.labels).all()
    assert {len(set(first.labels[i : i + 30])) for i in (0, 30, 60)} == {1}
    assert len(set(first.labels)) == 3


def test_the_analysis_does_not_import_scikit_learn_scipy_or_pandas() -> None:
    code = (
        "import sys\n"
        "from core.analysis.polis import analyse\n"
        "votes = [(f'v{i}', f's{j}', 1 if (i + j) % 2 else -1)\n"
        "         for i in range(40) for j in range(9)]\n"
        "assert analyse(votes, [f's{j}' for j in range(9)]).groups\n"
        "print(sorted(m for m in ('sklearn', 'scipy', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
