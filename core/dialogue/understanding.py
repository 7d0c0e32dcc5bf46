"""Understanding typed answers: one table of words, read the same way at every step.

A resident may press a button, or type: the button's label in any case, with or without
accents and punctuation ("nee, verder"), its number in any script ("٢"), a word that means
the same ("ja", "jawel", "ok", "👍", "nope"), or a number inside a sentence ("ik geef een 7").
This module turns such a text into the option it picks, given the options last offered.

Everything that is recognised is in the tables of :mod:`core.dialogue.words` (``WORDS``,
``FILLERS``, ``OPTION_MEANINGS``, ``OPTION_WORDS``, ``COMMAND_WORDS``), so adding a language is
adding rows there; they are re-exported here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from core.dialogue.words import (
    COMMAND_WORDS,
    FILLERS,
    OPTION_MEANINGS,
    OPTION_WORDS,
    WORDS,
    Meaning,
)
from core.domain.numbers import MAX_DIGITS, decimal_digits


class Policy(StrEnum):
    """How much of a typed text a step reads as an answer to its options.

    ``CHOICE``: only the options answer the question, so a number or a yes inside a sentence
    is read ("ik geef een 7", "ja hoor, ik doe mee"). ``TEXT``: free text is an answer too (an
    idea, a comment), so only a whole answer picks an option, and a bare number or yes/no that
    fits no option is *stray* (asked again, not taken as an idea). ``NUMBER``: free text and
    numbers are answers (a postcode). ``LOOSE``: no question is pending; a whole answer may
    pick an option, anything else is just a message.
    """

    CHOICE = "choice"
    TEXT = "text"
    NUMBER = "number"
    LOOSE = "loose"


K = TypeVar("K", bound=str)
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_NUMBERS = re.compile(r"(?<!\w)\d+(?!\w)")  # a number standing as a word: not "2²", "7e"
_OUT_OF = re.compile(r"^(\d+)\s*(?:/|van de|van|uit|out of)\s*(\d+)\b")
_MAX_PREFIX_WORDS = 6  # the longest phrase in WORDS, in words
_MAX_SENTENCE = 200  # longer texts are never read as an answer to options


def normalise(text: str) -> str:
    """``text`` as the tables hold it: case, accents, punctuation and extra spaces gone."""
    kept = []  # canonical decomposition only: "²" must not become "2"
    for ch in unicodedata.normalize("NFD", text.casefold()):
        category = unicodedata.category(ch)
        if category == "Mn" or category == "Cf" or ord(ch) in _SKIN_TONES:
            continue  # accents, variation selectors, joiners, skin tones
        kept.append(" " if category.startswith("P") else ch)
    return " ".join("".join(kept).split())


def _index(table: Mapping[str, Mapping[K, Iterable[str]]]) -> dict[str, set[K]]:
    """Phrase -> the keys it stands for, over every language."""
    found: dict[str, set[K]] = {}
    for by_key in table.values():
        for key, phrases in by_key.items():
            for phrase in phrases:
                found.setdefault(normalise(phrase), set()).add(key)
    return found


def rebuild() -> None:
    """Read the tables again (after rows were added to them, e.g. for a new language)."""
    global _PHRASES, _FILLERS, _COMMANDS, _OPTION_WORDS
    _PHRASES = _index(WORDS)
    _FILLERS = {normalise(w) for words in FILLERS.values() for w in words}
    _COMMANDS = {p: sorted(keys)[0] for p, keys in _index(COMMAND_WORDS).items()}
    _OPTION_WORDS = {normalise(w): kind for kind, words in OPTION_WORDS.items() for w in words}


_PHRASES: dict[str, set[Meaning]] = {}
_FILLERS: set[str] = set()
_COMMANDS: dict[str, str] = {}
_OPTION_WORDS: dict[str, str] = {}
rebuild()


def command(text: str) -> str | None:
    """The request (``help``, ``forget``...) a whole typed text names, if any."""
    return _COMMANDS.get(normalise(text))


def meaning(text: str, sentence: bool = False) -> set[Meaning]:
    """What a typed answer means: a phrase of ``WORDS``, alone or followed by fillers.

    Args:
        text: what was typed.
        sentence: also read a phrase that opens a longer sentence ("ja hoor, ik doe mee").
    """
    words = normalise(text).split()
    for size in range(min(len(words), _MAX_PREFIX_WORDS), 0, -1):
        found = _PHRASES.get(" ".join(words[:size]))
        if found and (sentence or all(w in _FILLERS for w in words[size:])):
            return found
    return set()


def kind_of(data: str) -> str:
    """An option's kind: its button data without the numbers in it."""
    return ":".join(part for part in data.split(":") if part and not part.isdigit())


@dataclass(frozen=True)
class Understood:
    """How a typed text answers the options offered: the option's data, or None.

    ``stray`` is set when the text looks like an answer (a number, a yes or no) that fits
    none of the options, at a step where it must not be taken as free text.
    """

    data: str | None = None
    stray: bool = False


def understand(
    text: str, options: Sequence[tuple[str, str]], policy: Policy = Policy.CHOICE
) -> Understood:
    """Which of ``options`` (label, data) a typed ``text`` picks, under a step's ``policy``."""
    if not options or len(text) > _MAX_SENTENCE:
        return Understood()
    typed = normalise(text)
    for label, option in options:
        if typed and (typed == normalise(label) or _OPTION_WORDS.get(typed) == kind_of(option)):
            return Understood(option)
    number = _whole_number(text)
    if number is not None:  # a number alone answers by number, or not at all
        data = _by_number(number, options)
        return Understood(data, stray=data is None and policy == Policy.TEXT)
    number = _number_in_sentence(text) if policy == Policy.CHOICE else None
    picked = _by_number(number, options) if number is not None else None
    if picked is not None:
        return Understood(picked)
    meanings = meaning(text, sentence=policy == Policy.CHOICE)
    if not meanings:
        return Understood()
    fitting = [d for _, d in options if meanings & OPTION_MEANINGS.get(kind_of(d), frozenset())]
    if len(fitting) == 1:
        return Understood(fitting[0])
    return Understood(stray=not fitting and policy == Policy.TEXT)


def _whole_number(text: str) -> int | None:
    digits = decimal_digits(text.strip().rstrip(".!"))
    return int(digits) if digits is not None else None


def _number_in_sentence(text: str) -> int | None:
    """The one number in a sentence ("ik geef een 7", "7 van de 10", "een 8/10"), else None."""
    runs = _NUMBERS.findall(text)
    if not runs or any(len(run) > MAX_DIGITS for run in runs):
        return None
    if len(runs) > 1:
        out_of = _OUT_OF.match(text[text.index(runs[0]) :].casefold())
        if out_of is None or len(runs) != 2:
            return None
    digits = decimal_digits(runs[0])
    return int(digits) if digits is not None else None


def _by_number(number: int, options: Sequence[tuple[str, str]]) -> str | None:
    """The option labelled ``number`` on a scale; else the ``number``-th option, or the age
    band ``number`` falls in."""
    labels = [decimal_digits(label) for label, _ in options]
    if any(labels):  # a scale: its numbers are scores, never positions
        wanted = str(number)
        return next((d for (_, d), n in zip(options, labels, strict=True) if n == wanted), None)
    if 1 <= number <= len(options):
        return options[number - 1][1]
    return next((d for _, d in options if _in_band(number, kind_of(d))), None)


def _in_band(age: int, kind: str) -> bool:
    """Whether ``age`` is in the age band of an ``age:BAND`` option ("age:30-44", "age:<18")."""
    band = kind.removeprefix("age:")
    if band == kind or not band:
        return False
    if band.startswith("<"):
        return band[1:].isdigit() and age < int(band[1:])
    if band.endswith("+"):
        return band[:-1].isdigit() and age >= int(band[:-1])
    low, _, high = band.partition("-")
    return low.isdigit() and high.isdigit() and int(low) <= age <= int(high)
