"""Quality guards on the labelled set (tests/fixtures/ideas/labelled.csv), with the packaged
sentence encoder, at the default strictness: they fail when a change makes the suggested
clusters or the chat's offers worse than the targets of issue 15 (bench/similarity.py prints
the figures themselves, for the set and for its halves). The fresh part
(tests/fixtures/ideas/fresh.csv) was never tuned on; guarding it keeps it that honest."""

from __future__ import annotations

import csv
import zlib
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from core.analysis.similarity import SimilarityIndex
from core.analysis.similarity_encoder import bundled_encoder

LABELLED = Path(__file__).resolve().parents[2] / "fixtures" / "ideas" / "labelled.csv"
FRESH = LABELLED.with_name("fresh.csv")


def labelled(path: Path = LABELLED) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def half_of(row: dict[str, str]) -> int:
    """As bench/similarity.py splits the set: 0 tunes the constants, 1 checks them."""
    pair = min(row["group"], row["contrast_of"]) if row["contrast_of"] else row["group"]
    return zlib.crc32(pair.encode()) % 2


@pytest.fixture(scope="module")
def encoder():
    found = bundled_encoder()
    assert found is not None, "the sentence encoder package is a dependency"
    return found


def adjusted_rand(rows: list[dict[str, str]], encoder) -> float:
    index = SimilarityIndex(encoder)
    index.add_many(enumerate(row["text"] for row in rows))
    label = {i: n for n, cluster in enumerate(index.clusters()) for i in cluster}
    return float(
        adjusted_rand_score([r["group"] for r in rows], [label[i] for i in range(len(rows))])
    )


@pytest.mark.parametrize("half", [0, 1], ids=["tuning half", "check half"])
def test_suggested_clusters_agree_with_each_half_of_the_labelled_groups(encoder, half):
    rows = [row for row in labelled() if half_of(row) == half]
    assert adjusted_rand(rows, encoder) >= 0.80


def test_suggested_clusters_agree_with_the_whole_labelled_set(encoder):
    # Measured 0.802 (the target of issue 15); was 0.79 before the municipal vocabulary.
    assert adjusted_rand(labelled(), encoder) >= 0.80


def test_suggested_clusters_agree_with_the_fresh_part_never_tuned_on(encoder):
    # Measured 0.822; was 0.695 before the municipal vocabulary (written before measuring).
    assert adjusted_rand(labelled(FRESH), encoder) >= 0.80


@pytest.mark.parametrize("path", [LABELLED, FRESH], ids=["labelled set", "fresh part"])
def test_the_chat_offers_the_opposite_proposal_at_most_once_in_twenty(encoder, path):
    rows = labelled(path)
    index = SimilarityIndex(encoder)
    index.add_many(enumerate(row["text"] for row in rows))
    contrasted = [i for i, row in enumerate(rows) if row["contrast_of"]]
    wrong = 0
    for i in contrasted:
        offered = [j for j, _ in index.similar(rows[i]["text"], k=4) if j != i][:3]
        wrong += any(rows[j]["group"] == rows[i]["contrast_of"] for j in offered)
    assert wrong / len(contrasted) <= 0.05
