"""Translations through gettext catalogs compiled by Babel (core/locale/<lang>/LC_MESSAGES).

Message ids are English; ``nl`` is the default language of residents.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
DOMAIN = "messages"


def normalise_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a language tag such as ``en-GB`` onto a supported language."""
    if not code:
        return default
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else default


@lru_cache(maxsize=8)
def translations(language: str) -> gettext.NullTranslations:
    """Return the catalog for ``language`` (falls back to the English message ids).

    ``make install`` compiles the catalogs; a checkout that was not compiled yet reads the
    ``.po`` file directly, so a missing build step never shows residents untranslated text.
    """
    lang = normalise_language(language)
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    if not (folder / f"{DOMAIN}.mo").exists() and (folder / f"{DOMAIN}.po").exists():
        return _from_po(folder / f"{DOMAIN}.po", lang)
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


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
    return translations(normalise_language(language))


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a string for extraction without translating it here."""
    return message
