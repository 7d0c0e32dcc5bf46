"""Quotes of erased words are found whole or shortened with an ellipsis, and nothing else."""

from __future__ import annotations

from core.domain.retention import quote_probes, redact

LONG = "Een moestuin voor buurtbewoners op het braakliggende terrein aan de Kanaalweg"


def test_a_whole_quote_becomes_the_marker():
    text = f"Idee 3 van 7: {LONG}\n\nHoe belangrijk?"
    assert redact(text, [LONG], "[verwijderd]") == "Idee 3 van 7: [verwijderd]\n\nHoe belangrijk?"


def test_a_quote_shortened_with_an_ellipsis_becomes_the_marker():
    text = f"1. {LONG[:59]}\u2026 (4,5)\n2. Meer bomen (4,1)"
    assert redact(text, [LONG], "[x]") == "1. [x] (4,5)\n2. Meer bomen (4,1)"


def test_other_text_and_short_common_words_stay():
    text = "Meer bomen in de Dorpsstraat\u2026 en bankjes"
    assert redact(text, [LONG, "   "], "[x]") == text
    assert redact("Ja, ik doe mee", ["Ja", "doe"], "[x]") == "[x], ik [x] mee"
    assert redact("Jaap doet mee", ["Ja", "doe"], "[x]") == "Jaap doet mee"  # words only


def test_probes_are_what_every_quote_contains():
    assert quote_probes([LONG, "kort", ""]) == sorted([LONG[:30], "kort"])
