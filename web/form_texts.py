"""Project texts in several languages on the project and round forms.

Each text field (``question``) has a field per further language (``question__en``); list
fields (``items``, ``statements``, ``criteria``) take one line per Dutch line, in the same
order, an empty line where a translation is missing. They become the project file's tables
(``{ nl = "...", en = "..." }``), checked by the same rules as a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.texts import LocalText, base, translations_of
from core.i18n import LANGUAGE_NAMES

# The languages a text may be translated into, after Dutch, with their own names.
TRANSLATIONS = tuple((code, name) for code, name in LANGUAGE_NAMES.items() if code != "nl")
RIGHT_TO_LEFT = ("ar",)


def field_name(name: str, lang: str) -> str:
    return f"{name}__{lang}"


def text_from_form(form: Mapping[str, str], name: str, strip: bool = True) -> LocalText:
    """A text field and its translations as a plain string or a table of languages."""
    dutch = form.get(name, "")
    others = {lang: form.get(field_name(name, lang), "") for lang, _ in TRANSLATIONS}
    others = {lang: text.strip() if strip else text for lang, text in others.items()}
    if not any(t.strip() for t in others.values()):
        return dutch.strip() if strip else dutch
    return {"nl": dutch.strip() if strip else dutch, **{k: v for k, v in others.items() if v}}


def lines_from_form(form: Mapping[str, str], name: str) -> list[LocalText]:
    """A list field (one per line) with its translations, line by line.

    A translation line beyond the Dutch lines is kept without its Dutch text, so the rules
    refuse it ("needs its Dutch text") beside the field instead of dropping it unseen.
    """
    dutch = _lines(form.get(name, ""))
    translated = {lang: _aligned(form.get(field_name(name, lang), "")) for lang, _ in TRANSLATIONS}
    count = max([len(dutch), *(len(lines) for lines in translated.values())])
    result: list[LocalText] = []
    for index in range(count):
        text = dutch[index] if index < len(dutch) else ""
        others = {
            lang: lines[index]
            for lang, lines in translated.items()
            if index < len(lines) and lines[index]
        }
        result.append({"nl": text, **others} if others else text)
    return result


def form_values(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """Form values for the translations of ``names`` in a project file's table."""
    values: dict[str, str] = {}
    for name in names:
        value = data.get(name)
        if isinstance(value, list):
            for lang, _ in TRANSLATIONS:
                lines = [translations_of(v).get(lang, "") for v in value]
                values[field_name(name, lang)] = "\n".join(lines).rstrip("\n")
        else:
            for lang, _ in TRANSLATIONS:
                values[field_name(name, lang)] = translations_of(value or "").get(lang, "")
    return values


def dutch(value: LocalText | list[LocalText] | None) -> Any:
    """The Dutch text of a value (each one's, for a list)."""
    if isinstance(value, list):
        return [base(v) for v in value]
    return base(value) if value is not None else None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _aligned(text: str) -> list[str]:
    """The lines of a translation, empty ones kept (they stand for a missing translation)."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines
