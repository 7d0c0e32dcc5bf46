"""From a resident's idea to what the similarity engine compares: stems, synonyms and stance.

Pure: the standard library, the Snowball stemmers and one data file inside this package (the
synonym list, read once through ``importlib.resources``).

The pipeline, for Dutch and English:

1. **Clauses.** The text is split on punctuation and on clause words ("maar", "want", "omdat",
   "zodat", "but", "because"), so a marker in one clause never reaches a word in another.
2. **Normalisation.** Lower case, accents folded (``é`` → ``e``), emoji and punctuation dropped,
   the plural ``'s`` of ``auto's`` removed; digits are kept.
3. **Markers.** Words that say *more* or *less* of something are recognised and taken out of the
   words compared (see ``POLARITY RULE`` below); compounds ending in ``-vrij``, ``-luw`` or
   ``-verbod`` give their head (``autovrij`` → ``auto``) and a minus.
4. **Stop words** (our Dutch list and scikit-learn's English one, less its marker words) go.
5. **Stems** from Snowball's Dutch stemmer, or its English one when the text has more English
   than Dutch function words.
6. **Synonyms** (``similarity_synonyms.txt``) map a stem, or a run of up to three stems, to one
   canonical stem: ``speelplek`` and ``playground`` become ``speeltuin``.

POLARITY RULE. Every content stem of an idea gets a sign. A *pre-marker* ("meer", "minder",
"geen", "niet", "extra", "stop", "verbied", "less", "no", ...) signs the first content word
after it in its clause; a *post-marker* ("weg", "erbij", "eruit", "weghalen", "kappen", ...)
signs every content word before it in its clause; a verb marker ("verwijder", "kap", "stop")
at the start of a clause acts as a pre-marker. Signs multiply, so "geen bomen kappen" is a plus
for trees. "Er is geen X", "te weinig X", "nergens een X" state a lack, so they sign X plus;
"te veel X" signs it minus. An idea without any marker is a plain wish: all its words are plus;
so is its first clause when that has no marker ("Bouw hoger in het dorp, dan zijn er meer
woningen": the proposal first, then why). Elsewhere in an idea with markers, words no marker
reaches stay unsigned. Two ideas are **opposite**
when one stem carries a plus in one and a minus in the other ("meer bomen" / "minder bomen",
"drempels weg" / "drempels erbij", "geen windmolens" / "windmolens"); a compound counts for its
head, so "verkeersdrempels erbij" / "drempels weg" are opposite too. Antonyms in the synonym
list ("aanlijnen" against "loslopen") give the same subject the other sign.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

Signs = dict[str, int]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say "more of": they sign the next content word plus.
MORE = _words("meer extra more additional")
# Words that say "less of" or "not": they sign the next content word minus.
LESS = _words(
    "minder geen niet nooit stop stoppen verbied verbieden afschaffen schaf schrap schrappen "
    "verminder verminderen less fewer no not ban stop remove reduce without"
)
# Verbs that take away; before any content word they act on what follows, else on what precedes.
TAKE_AWAY = _words(
    "verwijder verwijderen kap kappen sloop slopen weren weghalen sluit sluiten "
    "remove ban stop stoppen verbied verbieden afschaffen schrap schrappen "
    "close closing shut abolish scrap demolish removing"
)
# Verbs that add or allow; like TAKE_AWAY, before or after their object.
ADD_VERBS = _words(
    "aanleggen bijbouwen uitbreiden vergroten toestaan toelaten terugbrengen add build "
    "increase allow keep"
)
# Words after their object: "drempels weg", "geveltuinen erbij".
AFTER_MINUS = _words("weghalen eruit verwijderen kappen slopen weren afschaffen dicht free")
AFTER_PLUS = _words("erbij erin bijplaatsen terug")
# Compounds whose ending says "without": autovrij, autoluw, vuurwerkverbod.
MINUS_ENDINGS = ("verbod", "vrije", "vrij", "luwe", "luw")
# Before "geen" these make it a statement of lack ("er is geen speeltuin" = we want one).
LACK_BEFORE_GEEN = _words("er is zijn heb hebben staat staan hier")
# Determiners and adjectives before "weg" make it the noun "road", not "away".
ROAD_BEFORE_WEG = _words("de deze die een onze drukke doorgaande grote")
ROAD_ADJECTIVE_ENDINGS = ("ale", "ele", "ische", "lijke", "ige", "bare")  # "provinciale weg"

DUTCH_STOP_WORDS = _words(
    """
    de het een en van in op te voor met aan bij is zijn er dat die dit deze om als naar ook of
    dan nu wel nog al heel veel hier daar ze we wij ik je jij u hun hij zij mijn onze ons mij
    me wordt worden werd was waren kan kunnen kunt moet moeten mag mogen wil willen zou zouden
    graag aub alsjeblieft svp gewoon echt even toch weer vaak zo zoals door over uit tot wat
    wie waar hoe heb hebben heeft had doe doen maak maken komen komt kom laat laten zet zetten
    s t m n enkele enkel alle elke iedere ieder iedereen overal nergens ergens iets niks niets
    keer zeer erg best eens hem haar jullie mee ermee eraan erop ervan daarom dus dan toe
    neer nou hoor haal leg plaats plaatsen he ja nee ok oke plus via per sinds nooit altijd
    meteen snel gaan gaat ga kunnen zal zullen zijn staan staat ligt liggen weet denk vind
    vinden lijkt graag
    """
)
ENGLISH_ONLY_STOP_WORDS = (
    frozenset(ENGLISH_STOP_WORDS) - MORE - LESS - {"free", "enough"}
) | _words("like want wish need think really just lot lots")
STOP_WORDS = DUTCH_STOP_WORDS | ENGLISH_ONLY_STOP_WORDS
_MARKERS = MORE | LESS | TAKE_AWAY | ADD_VERBS | AFTER_MINUS | AFTER_PLUS
_ENGLISH_MARKERS = _words(
    "more additional less fewer no not ban remove reduce without add build increase allow "
    "keep close closing shut abolish scrap demolish removing free stop too many enough"
)
_ENGLISH = ENGLISH_ONLY_STOP_WORDS | _ENGLISH_MARKERS
_DUTCH = DUTCH_STOP_WORDS | (_MARKERS - _ENGLISH_MARKERS) | {"stop"}
# What tells the languages apart in a short idea: function words and marker words that only
# one of them has ("in", "de", "is" and "stop" count for neither).
ENGLISH_HINTS = _ENGLISH - _DUTCH
DUTCH_HINTS = _DUTCH - _ENGLISH
CLAUSE_BREAK = re.compile(
    r"[.,;:!?()\[\]\n\r\t/]+|\s(?:maar|want|omdat|zodat|but|because|since)\s", re.IGNORECASE
)
NOT_A_WORD = re.compile(r"[^a-z0-9]+")
PLURAL_APOSTROPHE = re.compile(r"(?<=[a-z])['’`]s\b")
SYNONYM_FILE = "similarity_synonyms.txt"
MAX_PHRASE = 3
MIN_HEAD = 4
MIN_PREFIX = 6


@dataclass(frozen=True)
class Analysed:
    """What the engine keeps of one text: its content stems, in order, and their signs."""

    stems: tuple[str, ...]
    signs: Signs
    english: bool


def fold(text: str) -> str:
    """Lower case, accents folded, the plural ``'s`` dropped, all but letters and digits spaced."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = PLURAL_APOSTROPHE.sub("", plain)
    return NOT_A_WORD.sub(" ", plain).strip()


def normalise(text: str) -> str:
    """The text as the engine compares it: folded, stop words and markers out, stemmed, mapped."""
    return " ".join(analyse(text).stems)


def is_english(words: list[str]) -> bool:
    """True when a text has more English function and marker words than Dutch ones (cheap:
    two set lookups a word), so "Add speed bumps" is read as English as "Geen drempels" is
    read as Dutch."""
    english = sum(w in ENGLISH_HINTS for w in words)
    dutch = sum(w in DUTCH_HINTS for w in words)
    return english > dutch


@cache
def stemmer(language: str) -> snowballstemmer.stemmer:  # type: ignore[name-defined]
    """One Snowball stemmer per language, made once."""
    return snowballstemmer.stemmer(language)


def stem(word: str, english: bool) -> str:
    """The stem of one folded word."""
    return str(stemmer("english" if english else "dutch").stemWord(word))


def split_minus_ending(word: str) -> str | None:
    """The head of ``autovrij``, ``autoluw`` or ``vuurwerkverbod``; None for other words."""
    for ending in MINUS_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return None


def _road(before: list[str]) -> bool:
    """Whether "weg" after these words is the noun "road" ("de provinciale weg"), not "away"."""
    last = before[-1] if before else ""
    return last in ROAD_BEFORE_WEG or last.endswith(ROAD_ADJECTIVE_ENDINGS)


@dataclass
class _Clause:
    words: list[str]  # content words, folded, not yet stemmed
    signs: list[int]  # one sign per content word; 0 while no marker reached it
    marked: bool = False


def _pre_sign(word: str, before: list[str], content_seen: bool) -> int:
    """The sign a word gives to the next content word, or 0 when it is no pre-marker."""
    if word == "geen" and (any(w in LACK_BEFORE_GEEN for w in before)):
        return 1  # "er is geen speeltuin": a lack, so a wish for one
    if word in ("nergens", "gebrek", "tekort", "lack"):
        return 1
    if word in TAKE_AWAY and not content_seen:
        return -1
    if word in ADD_VERBS and not content_seen:
        return 1
    if word in MORE:
        return 1
    if word in LESS and word not in TAKE_AWAY:
        return -1
    return 0


def _read_clause(words: list[str]) -> _Clause:
    clause = _Clause(words=[], signs=[])
    pending = 1
    has_pending = carry = False
    for i, word in enumerate(words):
        before = words[:i]
        if word == "te" and i + 1 < len(words) and words[i + 1] in ("weinig", "veel", "many"):
            continue
        if word in ("weinig", "veel", "many", "enough") and before[-1:] in (["te"], ["too"]):
            pending, has_pending, clause.marked = (1 if word == "weinig" else -1), True, True
            continue
        if word == "enough" and before[-1:] == ["not"]:
            pending, has_pending, clause.marked = 1, True, True
            continue
        after = -1 if word in AFTER_MINUS or word in TAKE_AWAY else 0
        after = 1 if word in AFTER_PLUS or word in ADD_VERBS else after
        if word == "weg" and not _road(before):
            after = -1
        if after and clause.words:
            after *= pending if has_pending else 1  # "het zwembad niet sluiten": a plus
            clause.signs = [(s or 1) * after for s in clause.signs]
            pending, has_pending, clause.marked = 1, False, True
            continue
        if word == "meer" and any(w in ("geen", "niet", "nooit") for w in before):
            continue  # "geen auto's meer": here "meer" means "any more"
        sign = _pre_sign(word, before, bool(clause.words))
        if sign:
            pending, has_pending, clause.marked = pending * sign, True, True
            continue
        if word in ("en", "and", "of", "or") and clause.signs and carry:
            pending, has_pending = clause.signs[-1], True  # "meer groen en bomen"
            continue
        if word in STOP_WORDS or word in AFTER_MINUS or word in AFTER_PLUS or word == "weg":
            continue
        head = split_minus_ending(word)
        if head is not None:
            clause.words.append(head)
            clause.signs.append(-(pending if has_pending else 1))
            clause.marked = True
            pending, has_pending = 1, False
            continue
        clause.words.append(word)
        clause.signs.append(pending if has_pending else 0)
        carry = has_pending
        pending, has_pending = 1, False
    return clause


def analyse(text: str) -> Analysed:
    """Stems, in order, and the sign of each signed stem (see the polarity rule above)."""
    clauses = [_read_clause(fold(part).split()) for part in CLAUSE_BREAK.split(f" {text} ")]
    all_words = [w for part in CLAUSE_BREAK.split(text) for w in fold(part).split()]
    english = is_english(all_words)
    marked = any(c.marked for c in clauses)
    stems: list[str] = []
    signs: Signs = {}
    conflicted: set[str] = set()
    first = next((c for c in clauses if c.words), None)
    for clause in clauses:
        mapped = map_synonyms(clause.words, clause.signs, english)
        plain = clause is first and not clause.marked  # "Bouw hoger, dan zijn er meer woningen"
        for word, sign in mapped:
            stems.append(word)
            if marked and not sign and not plain:
                continue
            sign = sign or 1
            if signs.get(word, sign) != sign:
                conflicted.add(word)
            signs[word] = sign
    for word in conflicted:
        del signs[word]
    return Analysed(stems=tuple(stems), signs=signs, english=english)


# ~1-3 kB an entry (a word's endings and beginnings): 4,096 words take ~5-13 MB; 65,536 took
# ~75-210 MB in a process that had compared enough different ideas.
@lru_cache(maxsize=2**12)
def heads(word: str) -> frozenset[str]:
    """The word, its endings of ``MIN_HEAD`` letters or more and its beginnings of
    ``MIN_PREFIX`` or more: a Dutch compound's head is its last part, so "verkeersdrempel" is
    about a "drempel"; and English stems are shorter ("festiv" for "festivals", which Dutch
    stems as "festival"), so a stem that begins another is about the same thing."""
    endings = {word[i:] for i in range(max(1, len(word) - MIN_HEAD + 1))}
    return frozenset(endings | {word[:i] for i in range(MIN_PREFIX, len(word))})


def opposite(a: Analysed, b: Analysed) -> bool:
    """True when one stem (or a compound ending in it) is wished for in one idea and against in
    the other."""
    for word, sign in a.signs.items():
        for other, other_sign in b.signs.items():
            if sign != other_sign and (word in heads(other) or other in heads(word)):
                return True
    return False


def map_synonyms(words: list[str], signs: list[int], english: bool) -> list[tuple[str, int]]:
    """Stem the words and replace each run found in the synonym list by its canonical stem.

    A single word the list does not know under this language's stem is tried under the other
    language's, so "trees" in a text taken for Dutch still meets "boom".
    """
    table = synonyms()
    stems = [stem(w, english) for w in words]
    for i, word in enumerate(words):
        if stems[i] not in table and stem(word, not english) in table:
            stems[i] = stem(word, not english)
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(stems):
        for size in range(min(MAX_PHRASE, len(stems) - i), 0, -1):
            phrase = " ".join(stems[i : i + size])
            if phrase in table or size == 1:
                sign = next((s for s in signs[i : i + size] if s), 0)
                canonical = table.get(phrase, phrase)
                if canonical.startswith("!"):  # an antonym: the same subject, the other way
                    canonical, sign = canonical[1:], -(sign or 1)
                out.append((canonical, sign))
                i += size
                break
    return out


@cache
def synonyms() -> dict[str, str]:
    """The synonym list: each variant's stems (Dutch and English stemmer) → canonical stem."""
    text = resources.files("core.analysis").joinpath(SYNONYM_FILE).read_text(encoding="utf-8")
    return parse_synonyms(text)


def parse_synonyms(text: str) -> dict[str, str]:
    """Read ``canonical = variant, ...`` and ``canonical ! antonym, ...`` (``#``: a comment).

    An antonym maps to ``!`` and the canonical stem: the same subject, wished the other way
    ("aanlijnen" is "losloop" with a minus).
    """
    table: dict[str, str] = {}
    lines = [raw.split("#", 1)[0] for raw in text.splitlines()]
    for line in lines:  # a canonical word stays itself, whatever another language's stem says
        if "=" in line:
            canonical = stem(fold(line.split("=", 1)[0]), english=False)
            table[canonical] = canonical
    for line in (line.strip() for line in lines):
        separator = "=" if "=" in line else "!"
        if separator not in line:
            continue
        head, variants = line.split(separator, 1)
        canonical = stem(fold(head), english=False)
        if separator == "!":
            canonical, head = "!" + canonical, ""
        for variant in [head, *variants.split(",")]:
            words = fold(variant).split()
            content = [w for w in words if w not in STOP_WORDS]
            if len(words) > 1 and content:  # texts lose their stop words before matching
                words = content
            if not words:
                continue
            for english in (False, True):
                key = " ".join(stem(w, english) for w in words)
                if key != canonical:
                    table.setdefault(key, canonical)
    return table
