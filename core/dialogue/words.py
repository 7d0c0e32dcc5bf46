"""The words typed answers are read by: tables per language, so adding a language is adding rows.

* ``WORDS``: per language, the words and short phrases for each :class:`Meaning`;
* ``FILLERS``: per language, words that may follow a yes or a no without changing it
  ("nee, *verder*", "ja *graag*");
* ``OPTION_MEANINGS``: what each kind of option means (an agree button is also a "yes");
* ``OPTION_WORDS``: extra names for a kind of option (the languages by name);
* ``COMMAND_WORDS``: per language, the typed words of the requests that work everywhere.

Words of every language are understood whatever the resident's language: a Dutch resident
who types "yes" means yes. :mod:`core.dialogue.understanding` reads text with these tables.
"""

from __future__ import annotations

from enum import StrEnum


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
