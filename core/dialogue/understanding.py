"""Understanding typed answers: one table of words, read the same way at every step.

A resident may press a button, or type: the button's label in any case, with or without
accents and punctuation ("nee, verder"), its number in any script ("٢"), a word that means
the same ("ja", "jawel", "ok", "👍", "nope"), or a number inside a sentence ("ik geef een 7").
This module turns such a text into the option it picks, given the options last offered.

Everything that is recognised is in tables, so adding a language is adding rows:

* ``WORDS``: per language, the words and short phrases for each :class:`Meaning`;
* ``FILLERS``: per language, words that may follow a yes or a no without changing it
  ("nee, *verder*", "ja *graag*");
* ``OPTION_MEANINGS``: what each kind of option means (an agree button is also a "yes");
* ``OPTION_WORDS``: extra names for a kind of option (the languages by name);
* ``COMMAND_WORDS``: per language, the typed words of the requests that work everywhere.

Words of every language are understood whatever the resident's language: a Dutch resident
who types "yes" means yes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from core.domain.numbers import MAX_DIGITS, decimal_digits


class Meaning(StrEnum):
    """What a typed answer means, whichever button it turns out to press."""

    YES = "yes"
    NO = "no"
    SKIP = "skip"
    AGREE = "agree"
    DISAGREE = "disagree"
    DONT_KNOW = "dont_know"
    CHANGE = "change"
    DIFFERENT = "different"  # "no, my idea is different" when similar ideas are offered


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


_ = Meaning
WORDS: dict[str, dict[Meaning, tuple[str, ...]]] = {
    "*": {  # signs anyone uses
        _.YES: ("👍", "👌", "✅", "✔", "☑", "🙂", "😀", "😊"),
        _.NO: ("👎", "❌", "✖", "🙅"),
    },
    "nl": {
        _.YES: ("ja", "jawel", "jazeker", "ja hoor", "ja zeker", "jaa", "jep", "jup", "ok",
                "oke", "okay", "okee", "oki", "prima", "goed", "goed zo", "is goed", "akkoord",
                "zeker", "graag", "doe maar", "natuurlijk", "klopt", "j", "yes"),
        _.NO: ("nee", "neen", "nee hoor", "nee bedankt", "nee dank je", "nee dank u",
               "neej", "nope", "nah", "niet", "liever niet", "nee liever niet", "n", "no",
               "geen", "nooit"),
        _.SKIP: ("overslaan", "sla over", "skip", "volgende", "verder", "door", "ga door",
                 "pas", "geen antwoord", "zeg ik liever niet"),
        _.AGREE: ("eens", "mee eens", "helemaal mee eens", "ik ben het eens",
                  "ik ben het ermee eens", "ben het eens"),
        _.DISAGREE: ("oneens", "niet mee eens", "helemaal niet mee eens", "ik ben het oneens",
                     "ik ben het niet eens", "niet eens", "mee oneens", "ben het oneens"),
        _.DONT_KNOW: ("weet niet", "weet ik niet", "ik weet het niet", "geen idee",
                      "geen mening", "neutraal", "misschien", "twijfel"),
        _.CHANGE: ("wijzig", "wijzigen", "aanpassen", "pas aan", "veranderen", "verander",
                   "anders schrijven", "opnieuw"),
        _.DIFFERENT: ("anders", "nee anders", "mijn idee is anders", "ander idee",
                      "iets anders", "nee mijn idee is anders"),
    },
    "en": {
        _.YES: ("yes", "yeah", "yep", "yup", "ya", "sure", "ok", "okay", "fine", "alright",
                "all right", "of course", "please", "yes please", "agreed", "y"),
        _.NO: ("no", "nope", "nah", "no thanks", "no thank you", "not", "never", "n"),
        _.SKIP: ("skip", "next", "pass", "continue", "skip it", "rather not say"),
        _.AGREE: ("agree", "i agree", "agreed", "strongly agree"),
        _.DISAGREE: ("disagree", "i disagree", "don t agree", "do not agree",
                     "strongly disagree"),
        _.DONT_KNOW: ("don t know", "dont know", "do not know", "i don t know", "not sure",
                      "no idea", "dunno", "neutral", "maybe", "unsure"),
        _.CHANGE: ("change", "edit", "change it", "rewrite", "again"),
        _.DIFFERENT: ("different", "other", "my idea is different", "something else",
                      "no mine is different", "no my idea is different"),
    },
    "tr": {
        _.YES: ("evet", "tamam", "olur", "peki", "tabii", "tabi", "elbette", "kabul"),
        _.NO: ("hayır", "hayir", "yok", "istemiyorum", "hayır teşekkürler", "hayir tesekkurler"),
        _.SKIP: ("geç", "gec", "atla", "sonraki", "devam"),
        _.AGREE: ("katılıyorum", "katiliyorum", "aynı fikirdeyim", "ayni fikirdeyim"),
        _.DISAGREE: ("katılmıyorum", "katilmiyorum"),
        _.DONT_KNOW: ("bilmiyorum", "emin değilim", "emin degilim", "fikrim yok"),
        _.CHANGE: ("değiştir", "degistir", "düzelt", "duzelt"),
        _.DIFFERENT: ("farklı", "farkli", "benim fikrim farklı", "benim fikrim farkli"),
    },
    "ar": {
        _.YES: ("نعم", "أجل", "اجل", "ايوه", "أيوه", "موافق", "تمام", "حسنا", "حسنًا"),
        _.NO: ("لا", "كلا", "لا شكرا", "لا شكرًا"),
        _.SKIP: ("تخط", "تخطى", "تخطي", "التالي", "تابع"),
        _.AGREE: ("أوافق", "اوافق", "موافق تماما"),
        _.DISAGREE: ("لا أوافق", "لا اوافق", "غير موافق"),
        _.DONT_KNOW: ("لا أعرف", "لا اعرف", "لست متأكدا", "لا أدري", "لا ادري"),
        _.CHANGE: ("غير", "تعديل", "عدل"),
        _.DIFFERENT: ("مختلف", "فكرتي مختلفة"),
    },
    "pl": {
        _.YES: ("tak", "dobrze", "jasne", "pewnie", "oczywiście", "oczywiscie", "zgoda"),
        _.NO: ("nie", "nie dziękuję", "nie dziekuje", "nie dzięki", "nie dzieki"),
        _.SKIP: ("pomiń", "pomin", "dalej", "następne", "nastepne"),
        _.AGREE: ("zgadzam się", "zgadzam sie"),
        _.DISAGREE: ("nie zgadzam się", "nie zgadzam sie"),
        _.DONT_KNOW: ("nie wiem", "nie jestem pewien", "nie jestem pewna"),
        _.CHANGE: ("zmień", "zmien", "popraw"),
        _.DIFFERENT: ("inny", "inne", "mój pomysł jest inny", "moj pomysl jest inny"),
    },
    "uk": {
        _.YES: ("так", "ага", "добре", "гаразд", "звісно", "згоден", "згодна"),
        _.NO: ("ні", "не", "ні дякую", "ні, дякую"),
        _.SKIP: ("пропустити", "далі", "наступне"),
        _.AGREE: ("погоджуюся", "погоджуюсь", "я згоден", "я згодна"),
        _.DISAGREE: ("не погоджуюся", "не погоджуюсь", "не згоден", "не згодна"),
        _.DONT_KNOW: ("не знаю", "не впевнений", "не впевнена"),
        _.CHANGE: ("змінити", "виправити"),
        _.DIFFERENT: ("інше", "інша", "моя ідея інша"),
    },
}  # fmt: skip

FILLERS: dict[str, tuple[str, ...]] = {
    "*": ("👍", "🙂"),
    "nl": ("verder", "door", "graag", "hoor", "dank", "je", "u", "wel", "bedankt", "dankjewel",
           "dankuwel", "zeker", "prima", "nog", "een", "ik", "ben", "klaar", "doe", "mee",
           "maar", "hoor", "thanks", "hoeft", "niet", "meer", "dat", "is", "alles", "het",
           "oke", "ok", "sure"),
    "en": ("thanks", "thank", "you", "please", "continue", "go", "on", "sure", "i", "am",
           "done", "that", "s", "all", "one", "another", "more", "fine", "ok", "okay", "no",
           "not", "now"),
    "tr": ("devam", "teşekkürler", "tesekkurler", "sağol", "sagol", "lütfen", "lutfen"),
    "ar": ("تابع", "شكرا", "شكرًا", "من فضلك"),
    "pl": ("dalej", "dziękuję", "dziekuje", "dzięki", "dzieki", "proszę", "prosze"),
    "uk": ("далі", "дякую", "будь ласка"),
}  # fmt: skip

# What each kind of option means. An option's kind is its button data without the numbers
# in it: "idea:12:more" is "idea:more", "st:3:40:a" is "st:a" (see core.dialogue.buttons).
OPTION_MEANINGS: dict[str, frozenset[Meaning]] = {
    "consent:yes": frozenset({_.YES, _.AGREE}),
    "consent:no": frozenset({_.NO, _.DISAGREE}),
    "forget:yes": frozenset({_.YES}),
    "forget:no": frozenset({_.NO}),
    "profile:skip": frozenset({_.SKIP, _.NO}),
    "age:skip": frozenset({_.SKIP, _.NO}),
    "idea:send": frozenset({_.YES}),
    "idea:edit": frozenset({_.CHANGE, _.NO}),
    "idea:more": frozenset({_.YES}),
    "idea:done": frozenset({_.NO, _.SKIP}),
    "idea:new": frozenset({_.DIFFERENT, _.NO}),
    "rt:s": frozenset({_.SKIP}),
    "st:a": frozenset({_.AGREE, _.YES}),
    "st:d": frozenset({_.DISAGREE, _.NO}),
    "st:p": frozenset({_.DONT_KNOW}),
    "st:s": frozenset({_.SKIP}),
    "fb:skip": frozenset({_.SKIP, _.NO}),
}
del _

# Other names a kind of option goes by (its label is always understood).
OPTION_WORDS: dict[str, tuple[str, ...]] = {
    "idea:send": (
        "verstuur",
        "versturen",
        "stuur",
        "stuur maar",
        "verzend",
        "verzenden",
        "opslaan",
        "send",
        "send it",
        "submit",
        "save",
    ),
    "lang:nl": ("nl", "nederlands", "dutch", "hollands", "nederlandse"),
    "lang:en": ("en", "english", "engels", "engelse"),
    "lang:tr": ("tr", "türkçe", "turkce", "turks", "turkish"),
    "lang:ar": ("ar", "العربية", "عربي", "arabisch", "arabic"),
    "lang:pl": ("pl", "polski", "pools", "polish"),
    "lang:uk": ("uk", "українська", "oekraïens", "oekraiens", "ukrainian"),
}

# The requests that work from every step, as typed words (slash commands are the channel's).
COMMAND_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "nl": {
        "start": ("start", "begin", "aanmelden", "opnieuw beginnen"),
        "help": ("help", "hulp", "uitleg", "help mij", "ik snap het niet"),
        "stop": ("stop", "afmelden", "stoppen"),
        "language": ("taal", "andere taal"),
        "mydata": ("mijngegevens", "mijn gegevens", "gegevens", "wat weten jullie"),
        "forget": ("vergeet", "vergeet mij", "vergeet me", "wis", "wis alles", "wis mijn gegevens",
                   "verwijder mijn gegevens"),
        "others": ("anderen", "hoe denken anderen", "wat vinden anderen"),
    },
    "en": {
        "start": ("start", "begin", "start again"),
        "help": ("help", "help me"),
        "stop": ("stop", "unsubscribe"),
        "language": ("language", "lang"),
        "mydata": ("mydata", "my data"),
        "forget": ("forget", "forget me", "erase", "erase my data", "delete my data"),
        "others": ("others", "how do others think", "what do others think"),
    },
    "tr": {
        "start": ("başla", "basla"),
        "help": ("yardım", "yardim"),
        "stop": ("dur", "durdur"),
        "language": ("dil",),
        "mydata": ("verilerim",),
        "forget": ("unut", "beni unut", "sil"),
        "others": ("başkaları", "baskalari"),
    },
    "ar": {
        "start": ("ابدأ", "ابدا"),
        "help": ("مساعدة",),
        "stop": ("توقف",),
        "language": ("لغة", "اللغة"),
        "mydata": ("بياناتي",),
        "forget": ("احذف", "انسني", "احذف بياناتي"),
        "others": ("الآخرون", "الاخرون"),
    },
    "pl": {
        "start": ("zacznij",),
        "help": ("pomoc",),
        "stop": ("zatrzymaj",),
        "language": ("język", "jezyk"),
        "mydata": ("moje dane",),
        "forget": ("zapomnij", "zapomnij mnie", "usuń moje dane", "usun moje dane"),
        "others": ("inni", "co myślą inni", "co mysla inni"),
    },
    "uk": {
        "start": ("почати", "старт"),
        "help": ("допомога",),
        "stop": ("стоп",),
        "language": ("мова",),
        "mydata": ("мої дані",),
        "forget": ("забудь", "забудь мене", "видали мої дані"),
        "others": ("інші", "що думають інші"),
    },
}  # fmt: skip

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
