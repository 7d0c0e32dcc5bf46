"""The similar-ideas engine: normalisation, polarity, synonyms, the index and its clusters."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from core.analysis.lexical_space import EXACT_BELOW
from core.analysis.similarity import SimilarityIndex, similarity, threshold_for
from core.analysis.similarity_encoder import bundled_encoder
from core.analysis.similarity_text import analyse, normalise, opposite, parse_synonyms

LABELLED = Path(__file__).resolve().parents[2] / "fixtures" / "ideas" / "labelled.csv"


def labelled() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def encoder():
    found = bundled_encoder()
    assert found is not None, "the sentence encoder package is a dependency"
    return found


# Normalisation


def test_case_accents_punctuation_and_emoji_do_not_matter():
    assert normalise("Méér BOMEN!!! 🌳🌳") == normalise("meer bomen") == "boom"


def test_stop_words_go_and_plurals_meet_their_singular():
    assert normalise("Ik wil graag een speeltuin") == normalise("speeltuinen") == "speeltuin"
    assert normalise("auto's") == normalise("auto") == "auto"


def test_english_ideas_meet_their_dutch_wording():
    assert normalise("More trees please") == normalise("Meer bomen aub") == "boom"
    assert normalise("A playground") == normalise("Een speeltuin")


def test_markers_are_not_compared_as_words():
    assert normalise("Meer bomen") == normalise("Minder bomen") == normalise("bomen erbij")


# Synonyms


def test_synonyms_meet():
    assert normalise("speelplek") == normalise("speeltuin")
    assert normalise("snelheidsremmers") == normalise("drempels")
    assert normalise("zwerfvuil") == normalise("zwerfafval")


def test_a_synonym_makes_two_wordings_similar():
    plain = similarity("Een speeltuin in Meerzicht", "Een bankje in Meerzicht")
    assert similarity("Een speeltuin in Meerzicht", "Een speelplek in Meerzicht") > 0.9 > plain


def test_the_synonym_file_reads_groups_antonyms_and_comments():
    text = "# a comment\nspeeltuin = speelplek, play area  # trailing\nlos ! lijn\n"
    table = parse_synonyms(text)
    assert table["speelplek"] == "speeltuin"
    assert table["play area"] == "speeltuin"
    assert table["lijn"] == "!los"


# Polarity


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Meer bomen in de Lindelaan", "Minder bomen in de Lindelaan"),
        ("Drempels weg in de Dorpsstraat", "Drempels erbij in de Dorpsstraat"),
        ("Geen windmolens bij de Polderweg", "Windmolens bij de Polderweg"),
        ("Een autovrij centrum", "Auto's weer toelaten in het centrum"),
        ("Honden aan de lijn in het park", "Honden los in het park"),
        ("Verbied vuurwerk", "Geen vuurwerkverbod"),
        ("Er staan te veel bomen", "Er staan te weinig bomen"),
        ("More trees", "Fewer trees"),
    ],
)
def test_opposite_proposals_are_recognised(one, other):
    assert opposite(analyse(one), analyse(other))
    assert similarity(one, other) < threshold_for(0.0)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Geen auto's meer in het centrum", "Een autovrij centrum"),
        ("Er is geen speeltuin in Meerzicht", "Een speeltuin in Meerzicht"),
        ("Geen bomen kappen in de Lindelaan", "Meer bomen in de Lindelaan"),
        ("Meer groen en bomen", "Meer bomen"),
        ("Skatebaan aanleggen", "Een skatebaan bij het sportpark"),
        ("Kinderen steken de drukke weg over naar school", "Een zebrapad bij school"),
        ("Er zijn te weinig parkeerplaatsen", "Meer parkeerplaatsen"),
    ],
)
def test_the_same_wish_in_other_words_is_not_opposite(one, other):
    assert not opposite(analyse(one), analyse(other))


def test_the_chat_never_offers_the_opposite_of_a_labelled_contrast_pair():
    rows = labelled()
    index = SimilarityIndex()
    index.add_many(enumerate(row["text"] for row in rows))
    offered_opposites = [
        (row["text"], rows[j]["text"])
        for row in rows
        if row["contrast_of"]
        for j, _ in index.similar(row["text"], k=3)
        if rows[j]["group"] == row["contrast_of"]
    ]
    assert len(offered_opposites) <= 0.05 * sum(bool(r["contrast_of"]) for r in rows)


# The index


def test_similar_offers_the_closest_ideas_best_first():
    index = SimilarityIndex()
    index.add_many(
        [(1, "Meer bomen in de Lindelaan"), (2, "Een zebrapad bij school"), (3, "Extra bomen")]
    )
    found = index.similar("plant meer bomen in de lindelaan aub", k=3)
    assert [idea for idea, _ in found][:2] in ([1, 3], [3, 1])
    assert 2 not in [idea for idea, _ in found]
    assert [score for _, score in found] == sorted((s for _, s in found), reverse=True)


def test_similar_respects_k_and_threshold():
    index = SimilarityIndex()
    index.add_many((i, f"Meer bomen in straat {i}") for i in range(10))
    assert len(index.similar("meer bomen", k=3)) == 3
    assert index.similar("meer bomen", k=3, threshold=1.01) == []
    assert SimilarityIndex().similar("meer bomen") == []


def test_an_added_idea_is_found_and_an_id_is_added_once():
    index = SimilarityIndex()
    index.add(7, "Een skatebaan voor de jeugd")
    assert index.similar("skatepark voor jongeren")[0][0] == 7
    with pytest.raises(ValueError):
        index.add(7, "iets anders")
    with pytest.raises(ValueError):
        index.add_many([(8, "a"), (8, "b")])
    assert len(index) == 1 and 7 in index


def test_adding_one_by_one_gives_what_adding_at_once_gives():
    texts = [row["text"] for row in labelled()[:60]]
    at_once, one_by_one = SimilarityIndex(), SimilarityIndex()
    at_once.add_many(enumerate(texts))
    for i, text in enumerate(texts):
        one_by_one.add(i, text)
    assert at_once.similar("meer bomen", k=5) == one_by_one.similar("meer bomen", k=5)
    assert at_once.clusters() == one_by_one.clusters()


def test_ideas_added_to_a_large_index_are_found_before_the_weights_refresh():
    index = SimilarityIndex()
    index.add_many((i, f"idee nummer {i} over straat {i % 17}") for i in range(EXACT_BELOW + 50))
    index.add(10_000, "Een jeu de boules baan bij het dorpshuis")
    index.add(10_001, "Een watertappunt in het park")
    assert index.similar("jeu de boules bij het dorpshuis")[0][0] == 10_000
    assert index.similar("watertappunt park", k=1)[0][0] == 10_001


def test_clusters_cover_every_idea_exactly_once_at_every_strictness():
    rows = labelled()
    index = SimilarityIndex()
    index.add_many((100 + i, row["text"]) for i, row in enumerate(rows))
    for strictness in (0.0, 0.25, 0.5, 0.75, 1.0):
        ids = [idea for cluster in index.clusters(strictness) for idea in cluster]
        assert sorted(ids) == [100 + i for i in range(len(rows))]


def test_a_stricter_setting_never_gives_fewer_clusters():
    index = SimilarityIndex()
    index.add_many(enumerate(row["text"] for row in labelled()))
    counts = [len(index.clusters(s)) for s in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert counts == sorted(counts)


def test_clusters_of_tiny_indexes():
    assert SimilarityIndex().clusters() == []
    one = SimilarityIndex()
    one.add(3, "Meer bomen")
    assert one.clusters() == [[3]]


def test_opposites_never_share_a_cluster():
    index = SimilarityIndex()
    index.add_many([(1, "Meer bomen in de Lindelaan"), (2, "Minder bomen in de Lindelaan")])
    assert sorted(index.clusters(0.0)) == [[1], [2]]


# The sentence encoder


def test_the_bundled_encoder_gives_unit_rows_without_downloading(encoder):
    vectors = encoder(["Een speeltuin in Meerzicht", "A playground in Meerzicht"])
    assert vectors.shape == (2, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert float(vectors[0] @ vectors[1]) > 0.6  # Dutch and English meet in meaning


def test_meaning_joins_words_no_list_knows(encoder):
    one, other = "Koffieochtend voor eenzame ouderen", "Ouderen samen laten eten en kletsen"
    assert similarity(one, other, encoder) > similarity(one, other)


# Quality floors on the labelled set (the targets are measured by bench/similarity.py)


def test_clusters_agree_with_the_labelled_groups(encoder):
    rows = labelled()
    index = SimilarityIndex(encoder)
    index.add_many(enumerate(row["text"] for row in rows))
    label = {i: n for n, cluster in enumerate(index.clusters()) for i in cluster}
    ari = adjusted_rand_score([r["group"] for r in rows], [label[i] for i in range(len(rows))])
    assert ari >= 0.7


def test_the_right_idea_is_offered_for_most_variants(encoder):
    rows = labelled()
    size = Counter(row["group"] for row in rows)
    index = SimilarityIndex(encoder)
    index.add_many(enumerate(row["text"] for row in rows))
    hits = variants = 0
    for i, row in enumerate(rows):
        if size[row["group"]] < 2:
            continue
        variants += 1
        others = [j for j, _ in index.similar(row["text"], k=4) if j != i][:3]
        hits += any(rows[j]["group"] == row["group"] for j in others)
    assert hits / variants >= 0.85


# Properties

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120
) | st.sampled_from(["", " ", "!!!", "🌳", "geen", "meer meer", "te", "weg", "'s", "x-vrij"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_any_text_can_be_analysed_added_and_asked(text):
    analyse(text)
    normalise(text)
    index = SimilarityIndex()
    index.add_many([(1, "Meer bomen in de Lindelaan"), (2, text)])
    index.similar(text)
    assert sorted(i for c in index.clusters() for i in c) == [1, 2]


@settings(max_examples=100, deadline=None)
@given(texts, texts)
def test_similarity_is_symmetric_and_between_zero_and_one(one, other):
    forward, backward = similarity(one, other), similarity(other, one)
    assert 0.0 <= forward <= 1.0
    assert forward == pytest.approx(backward, abs=1e-9)


def test_a_compound_is_opposite_to_a_wish_against_its_head():
    assert opposite(analyse("Verkeersdrempels erbij"), analyse("Drempels weg"))
    assert not opposite(analyse("Verkeersdrempels erbij"), analyse("Drempels erbij"))


def test_clusters_find_opposites_as_the_pairwise_rule_does():
    rows = labelled()
    index = SimilarityIndex()
    index.add_many(enumerate(row["text"] for row in rows))
    plus, minus, plus_heads, minus_heads = index._sign_matrices()
    clash = (
        plus @ minus_heads.T + plus_heads @ minus.T + minus @ plus_heads.T + minus_heads @ plus.T
    ).toarray() > 0
    pairwise = np.array([[opposite(a, b) for b in index.analysed] for a in index.analysed])
    assert (clash == pairwise).all() and pairwise.any()


def test_cohesion_tells_the_odd_idea_out_of_a_group():
    index = SimilarityIndex()
    ideas = [
        (1, "Meer prullenbakken in het centrum"),
        (2, "Extra afvalbakken in het centrum"),
        (3, "Meer vuilnisbakken in het centrum, alles ligt vol afval"),
        (4, "Auto's weer toelaten in het centrum"),
    ]
    index.add_many(ideas)
    fits = index.cohesion([[1, 2, 3, 4], [4]])
    assert fits[1] == [1.0]  # alone
    assert min(fits[0]) == fits[0][3]  # the cars fit the bins group least
    assert all(0.0 <= f <= 1.0 for f in fits[0])


def test_an_opposite_idea_fits_a_group_badly():
    index = SimilarityIndex()
    index.add_many([(1, "Meer bomen in de straat"), (2, "Meer bomen planten in de straat"),
                    (3, "Minder bomen in de straat")])  # fmt: skip
    fits = index.cohesion([[1, 2, 3]])[0]
    assert fits[2] < fits[0] and fits[2] < fits[1]
