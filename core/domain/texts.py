"""Texts a project gives in several languages: a Dutch text and its translations.

A project file writes such a text as a plain string or as a table of languages
(``{ nl = "...", en = "..." }``, Dutch required). The Dutch text is the one stored in the
project, its rounds and its items, and the one results, summaries and reports use; the
translations are kept beside it (in the project's and the round's ``settings``) and shown to
residents who chose that language. A language without a translation gets the Dutch text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.domain import model

BASE_LANGUAGE = "nl"

# A text of a project file: a plain string, or a table of languages with ``nl`` in it.
LocalText = str | dict[str, str]

# language -> the text in that language (never ``nl``: that is the text itself)
Translations = dict[str, str]


def base(value: LocalText) -> str:
    """The Dutch text: the string itself, or the table's ``nl``."""
    return value if isinstance(value, str) else value.get(BASE_LANGUAGE, "")


def translations_of(value: LocalText) -> Translations:
    """The translations of a text (empty for a plain string)."""
    if isinstance(value, str):
        return {}
    return {lang: text for lang, text in value.items() if lang != BASE_LANGUAGE and text}


def table(text: str, translations: Mapping[str, str] | None) -> LocalText:
    """A text as a project file writes it: a plain string without translations, else a table
    with the Dutch text first."""
    others = {lang: t for lang, t in (translations or {}).items() if t}
    return {BASE_LANGUAGE: text, **others} if others else text


def local(text: str, translations: Mapping[str, str] | None, language: str | None) -> str:
    """``text`` in ``language`` when it was translated, else as given."""
    if not language or not translations:
        return text
    return translations.get(language) or text


def stored(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The translations kept in a project's or a round's ``settings``: a project's ``intro``;
    a round's ``question`` (translations) and its ``items`` and ``criteria`` (each Dutch text
    with its translations)."""
    texts = settings.get("texts")
    return dict(texts) if isinstance(texts, dict) else {}


def for_chat(project: model.Project, rounds: Iterable[model.Round]) -> dict[str, Translations]:
    """One table for the chat: each Dutch text of a project residents read (its intro, the
    rounds' questions, items and criteria) with its translations."""
    found: dict[str, Translations] = {}
    intro = stored(project.settings).get("intro")
    if project.intro and intro:
        found[project.intro] = dict(intro)
    for rnd in rounds:
        texts = stored(rnd.settings)
        if rnd.question and texts.get("question"):
            found[rnd.question] = dict(texts["question"])
        for group in ("items", "criteria"):
            for text, translated in (texts.get(group) or {}).items():
                if translated:
                    found[text] = dict(translated)
    return found


def in_round(rnd: model.Round, text: str, language: str | None) -> str:
    """A round's question, or one of its items or criteria, in ``language`` where translated."""
    texts = stored(rnd.settings)
    if text == rnd.question:
        return local(text, texts.get("question"), language)
    for group in ("items", "criteria"):
        translated = (texts.get(group) or {}).get(text)
        if translated:
            return local(text, translated, language)
    return text
