"""The readability estimate of a Dutch question: Flesch–Douma, long sentences and words."""

from __future__ import annotations

from core.analysis.readability import Level, estimate

PLAIN = "Wat vind je van het park? Wat mist er?"
OFFICIAL = (
    "In het kader van de herinrichting van de openbare ruimte en de daarmee samenhangende "
    "klimaatadaptatiemaatregelen vragen wij u om uw visie op de prioritering van "
    "verschillende investeringsmogelijkheden kenbaar te maken."
)


def test_a_short_plain_question_reads_well_at_b1():
    found = estimate(PLAIN)
    assert found is not None
    assert found.level == Level.EASY and found.reads_at_b1
    assert found.long_sentences == 0 and found.long_words == ()
    assert found.words == 9 and len(found.sentences) == 2


def test_an_official_sentence_is_hard_with_its_long_sentence_and_words_marked():
    found = estimate(OFFICIAL)
    assert found is not None
    assert found.level == Level.HARD and found.score < 30 and not found.reads_at_b1
    assert found.long_sentences == 1
    assert "klimaatadaptatiemaatregelen" in found.long_words
    assert "investeringsmogelijkheden" in found.long_words
    assert "openbare" not in found.long_words and "kader" not in found.long_words
    marked = [t.text for t in found.sentences[0].tokens if t.long_word]
    assert marked[0] == "samenhangende"
    assert "".join(t.text for s in found.sentences for t in s.tokens) == OFFICIAL


def test_the_score_is_the_dutch_flesch_douma_formula():
    # 206.835 - 0.93 * (9 words / 2 sentences) - 77 * (syllables / words), clamped to 0-100
    found = estimate("Dit is een zin. Nog een zin met meer woorden.")
    assert found is not None
    words, syllables = 10, 12
    assert found.score == round(min(100, 206.835 - 0.93 * words / 2 - 77 * syllables / words))


def test_nothing_to_read_gives_no_estimate():
    assert estimate(None) is None
    assert estimate("   ") is None
    assert estimate("?!") is None
