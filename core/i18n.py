"""Translations through gettext catalogs compiled by Babel (core/locale/<lang>/LC_MESSAGES).

Message ids are English; ``nl`` is the default language of residents. Two gettext domains:

* ``messages``: every text, complete in Dutch and English (the facilitator area, pages,
  exports and the resident dialogue);
* ``dialogue``: what residents read in the chat, in the further languages residents may
  choose (:data:`DIALOGUE_LANGUAGES`). A text missing there falls back to English.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("nl", "en")  # the facilitator area and the public pages
DIALOGUE_LANGUAGES = ("tr", "ar", "pl", "uk")  # the resident dialogue's further languages
RESIDENT_LANGUAGES = (*LANGUAGES, *DIALOGUE_LANGUAGES)
RIGHT_TO_LEFT = frozenset({"ar"})
# Each language by its own name, as the language choice in the chat shows it.
LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "pl": "Polski",
    "uk": "Українська",
}
DEFAULT_LANGUAGE = "nl"
DOMAIN = "messages"
DIALOGUE_DOMAIN = "dialogue"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DATETIME_FORMAT = "d MMM yyyy HH:mm"  # 2 dec 2026 11:00 (Dutch), 2 Dec 2026 11:00 (English)


def normalise_language(
    code: str | None, default: str = DEFAULT_LANGUAGE, allowed: tuple[str, ...] = LANGUAGES
) -> str:
    """Map a language tag such as ``en-GB`` onto a supported language (of ``allowed``: the
    page languages unless told otherwise)."""
    if not code:
        return default
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in allowed else default


def resident_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a language tag onto a language residents may choose for the chat."""
    return normalise_language(code, default, RESIDENT_LANGUAGES)


def text_direction(language: str | None) -> str:
    """``rtl`` for a language written right to left (Arabic), else ``ltr``."""
    return "rtl" if resident_language(language) in RIGHT_TO_LEFT else "ltr"


@lru_cache(maxsize=16)
def translations(language: str) -> gettext.NullTranslations:
    """Return the catalog for ``language`` (falls back to the English message ids).

    A dialogue language reads its ``dialogue`` catalog over the English one. ``make install``
    compiles the catalogs; a checkout that was not compiled yet reads the ``.po`` file
    directly, so a missing build step never shows residents untranslated text.
    """
    lang = resident_language(language)
    if lang in DIALOGUE_LANGUAGES:
        catalog = _catalog(DIALOGUE_DOMAIN, lang)
        catalog.add_fallback(translations("en"))
        return catalog
    return _catalog(DOMAIN, lang)


def _catalog(domain: str, lang: str) -> gettext.NullTranslations:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    if not (folder / f"{domain}.mo").exists() and (folder / f"{domain}.po").exists():
        return _from_po(folder / f"{domain}.po", lang)
    return gettext.translation(domain, localedir=LOCALE_DIR, languages=[lang], fallback=True)


def _from_po(path: Path, lang: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(language: str | None) -> gettext.NullTranslations:
    """The catalog of a page language or a resident's language (Dutch when unknown)."""
    return translations(resident_language(language))


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a string for extraction without translating it here."""
    return message


@dataclass(frozen=True)
class Said:
    """A sentence to be read later, in whichever language its reader has: a message id and the
    values it is formatted with. ``str()`` gives the English sentence (for logs and tests)."""

    msgid: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.msgid.format(**self.values)

    def in_language(self, language: str | None) -> str:
        """The sentence in ``language``."""
        return gettext_for(language).gettext(self.msgid).format(**self.values)


def local_time(value: datetime) -> datetime:
    """A stored time (UTC; naive from SQLite means UTC) in Amsterdam time, to the second."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(AMSTERDAM).replace(microsecond=0)


def format_when(value: datetime | None, language: str | None = None) -> str:
    """A moment as people in the Netherlands read it: Amsterdam time, the language's words."""
    if value is None:
        return ""
    lang = resident_language(language)
    return format_datetime(local_time(value), DATETIME_FORMAT, locale=lang)


def format_number(value: float | None, language: str | None = None, digits: int = 1) -> str:
    """A number with the language's decimal sign (a comma in Dutch), ``digits`` decimals."""
    if value is None:
        return "\u2013"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=resident_language(language))


def format_day(value: datetime | None, language: str | None = None) -> str:
    """A day in Amsterdam time, written out: 2 december 2026 (Dutch) or December 2, 2026."""
    if value is None:
        return ""
    day = local_time(value).date()
    return format_date(day, format="long", locale=resident_language(language))


def format_share(value: float | None, language: str | None = None) -> str:
    """A share as a percentage with one decimal: 0.0123 is "1,2 %" in Dutch, "1.2%" in English."""
    if value is None:
        return "\u2013"
    lang = resident_language(language)
    return format_percent(value, "#,##0.0 %" if lang == "nl" else "#,##0.0%", locale=lang)
