"""English ideas beside Dutch ones, and the polarity rule on wordings the labelled set lacks."""

from __future__ import annotations

import pytest

from core.analysis.similarity import similarity, threshold_for
from core.analysis.similarity_text import analyse, is_english, normalise, opposite, parse_synonyms

# Telling the languages apart (cheaply: function words and marker words)


@pytest.mark.parametrize(
    "text",
    ["Add speed bumps", "Fewer parking spaces", "Car-free town centre", "Allow fireworks",
     "We would like a playground", "Stop closing the swimming pool"],
)  # fmt: skip
def test_short_english_ideas_are_read_as_english(text):
    assert analyse(text).english


@pytest.mark.parametrize(
    "text",
    ["Meer bomen in de straat", "Stop de windmolens", "Geen drempels", "Er is geen speeltuin",
     "Verbied vuurwerk", "drempels weg"],
)  # fmt: skip
def test_dutch_ideas_are_read_as_dutch_even_with_words_english_shares(text):
    assert not analyse(text).english


def test_words_both_languages_have_decide_nothing():
    assert not is_english(["in", "de", "is", "stop"])


# English normalisation


def test_english_stop_words_go_and_the_english_stemmer_meets_plurals():
    assert normalise("We would like a playground for the children") == normalise(
        "Een speeltuin voor de kinderen"
    )
    assert analyse("Open the libraries on Sundays").stems == analyse("Open the library").stems + (
        "sunday",
    )


# English polarity: more / less / no / remove / add / keep / close


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Add speed bumps", "Remove the speed bumps"),
        ("More parking spaces", "Fewer parking spaces"),
        ("No fireworks", "Allow fireworks"),
        ("Keep the swimming pool open", "Close the swimming pool"),
        ("Stop closing the swimming pool", "Close the swimming pool"),
        ("More trees", "Minder bomen"),
        ("Remove the speed bumps", "Drempels erbij"),
        ("More festivals in the park", "Minder festivals in het park"),
    ],
)
def test_english_opposites_are_recognised_also_against_dutch(one, other):
    assert opposite(analyse(one), analyse(other))
    assert similarity(one, other) < threshold_for(0.0)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("More trees", "Meer bomen"),
        ("Stop closing the swimming pool", "Keep the swimming pool open"),
        ("No cars in the centre", "Een autovrij centrum"),
    ],
)
def test_the_same_wish_in_english_is_not_opposite(one, other):
    assert not opposite(analyse(one), analyse(other))


# Dutch polarity on wordings residents use


def test_a_negated_take_away_verb_is_a_wish_to_keep():
    assert analyse("Laat het zwembad niet sluiten").signs["zwembad"] == 1
    assert opposite(analyse("Laat het zwembad niet sluiten"), analyse("Het zwembad sluiten"))


def test_dicht_after_its_subject_is_against_it():
    assert opposite(analyse("Zwembad dicht"), analyse("Zwembad open houden"))


def test_weg_after_an_adjective_is_a_road_not_away():
    (flitser,) = analyse("flitser").stems  # the stem, or its synonym's canonical stem
    assert analyse("Een flitser op de provinciale weg").signs[flitser] == 1
    assert not opposite(analyse("Een flitser op de provinciale weg"), analyse("Meer flitsers"))


# Synonyms


def test_a_canonical_word_is_never_taken_for_another_languages_stem():
    table = parse_synonyms("park = stadspark\nparkeerplaats = parking\n")
    assert table.get("park", "park") == "park"  # "parking" stems to "park" in English
    assert "parkeerplaats" not in normalise("Een speeltuin in het park")
    assert normalise("More parking spaces") == normalise("Meer parkeerplaatsen")


def test_a_first_clause_without_markers_is_the_proposal_itself():
    with_reason = analyse("Bouw hoger in het dorp, dan zijn er meer woningen")
    assert with_reason.signs["hoogbouw"] == 1
    assert opposite(with_reason, analyse("Geen hoogbouw in het dorp"))
    assert "blad" not in analyse("Minder bomen in de straat, al dat blad in de goot").signs


def test_a_synonym_phrase_written_with_stop_words_still_matches():
    # Stop words leave a text before phrases are matched; the list's phrases lose them too.
    table = parse_synonyms("zwerfafval = rommel op straat\n")
    assert table["rommel straat"] == "zwerfafval"
    assert normalise("Overal rommel op straat") == normalise("Overal zwerfafval")
    assert normalise("Een geveltuin") == normalise("Een tuintje aan de gevel")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Een flitspaal bij de school", "Een snelheidscamera bij de school"),
        ("Een speelplein in de wijk", "Een speeltuin in de wijk"),
        ("Meer festivals in de zomer", "Meer evenementen in de zomer"),
        ("Een verkeersplateau in de Dorpsstraat", "Een drempel in de Dorpsstraat"),
        ("Ondergrondse containers", "Wijkcontainers"),
        ("Laadpalen voor elektrische autos", "Oplaadpunten voor elektrische autos"),
    ],
)
def test_the_municipal_vocabulary_reads_near_synonyms_as_one_word(one, other):
    assert normalise(one) == normalise(other)


def test_opposites_in_different_words_of_the_vocabulary_stay_apart():
    assert opposite(analyse("Meer flitsers"), analyse("Geen snelheidscameras"))
    assert opposite(analyse("Meer festivals in het park"), analyse("Minder evenementen"))
