"""How easy a Dutch question is to read: advice toward language level B1, never a rule.

The score is Flesch–Douma, the Dutch form of Flesch reading ease (textstat, syllables from
Pyphen's Dutch hyphenation dictionary): 206.835 − 0.93 × words per sentence − 77 × syllables
per word. Higher is easier; about 60 and up reads well at B1, the level most residents read
comfortably. Beside the score, the sentences longer than 15 words and the words of five
syllables or more (or 14 letters or more) are marked, since those are what to shorten first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

__all__ = ["Level", "Readability", "Sentence", "Token", "estimate"]

LONG_SENTENCE_WORDS = 15  # more words than this: a long sentence
LONG_WORD_SYLLABLES = 5  # this many syllables or more: a long word
LONG_WORD_LETTERS = 14  # this many letters or more: a long word
B1_SCORE = 60.0  # Flesch–Douma from which a text reads well at B1

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


class Level(StrEnum):
    EASY = "easy"  # 70 and up: easy for almost everyone
    B1 = "b1"  # 60 to 70: plain, about B1
    HARDER = "harder"  # 45 to 60: above B1 for some residents
    HARD = "hard"  # below 45: hard for many residents


@dataclass(frozen=True)
class Token:
    """A piece of a sentence: a word (maybe a long one) or what lies between words."""

    text: str
    long_word: bool = False


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[Token, ...]
    words: int

    @property
    def long(self) -> bool:
        return self.words > LONG_SENTENCE_WORDS


@dataclass(frozen=True)
class Readability:
    """The estimate of one text: its score and level, and its sentences with the long ones
    and the long words marked."""

    score: float  # 0 to 100 (the formula's own range is wider)
    level: Level
    sentences: tuple[Sentence, ...]
    words: int

    @property
    def long_sentences(self) -> int:
        return sum(1 for s in self.sentences if s.long)

    @property
    def long_words(self) -> tuple[str, ...]:
        found = (t.text for s in self.sentences for t in s.tokens if t.long_word)
        return tuple(dict.fromkeys(found))

    @property
    def reads_at_b1(self) -> bool:
        return self.score >= B1_SCORE and not self.long_sentences


def estimate(text: str | None) -> Readability | None:
    """The readability of a Dutch text, or None when it holds no words."""
    cleaned = (text or "").strip()
    if not _WORD.search(cleaned):
        return None
    stats = _dutch()
    sentences = tuple(_sentence(part, stats) for part in _SENTENCE.findall(cleaned))
    sentences = tuple(s for s in sentences if s.words) or sentences
    words = sum(s.words for s in sentences)
    score = float(stats.flesch_reading_ease(cleaned))  # Flesch–Douma for "nl"
    return Readability(round(min(max(score, 0.0), 100.0)), _level(score), sentences, words)


def _sentence(part: str, stats: Any) -> Sentence:
    tokens: list[Token] = []
    at = 0
    for match in _WORD.finditer(part):
        if match.start() > at:
            tokens.append(Token(part[at : match.start()]))
        word = match.group()
        tokens.append(Token(word, _is_long(word, stats)))
        at = match.end()
    if at < len(part):
        tokens.append(Token(part[at:]))
    return Sentence(tuple(tokens), sum(1 for t in tokens if _WORD.fullmatch(t.text)))


def _is_long(word: str, stats: Any) -> bool:
    if word.isdigit():
        return False
    letters = sum(ch.isalpha() for ch in word)
    return letters >= LONG_WORD_LETTERS or stats.syllable_count(word) >= LONG_WORD_SYLLABLES


def _level(score: float) -> Level:
    if score >= 70:
        return Level.EASY
    if score >= B1_SCORE:
        return Level.B1
    if score >= 45:
        return Level.HARDER
    return Level.HARD


@cache
def _dutch() -> Any:
    """textstat set to Dutch, built once on first use (its import takes a second or two)."""
    from textstat.textstat import textstatistics

    stats = textstatistics()
    stats.set_lang("nl")
    return stats
