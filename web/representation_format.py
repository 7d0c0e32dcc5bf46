"""Numbers of the representativeness figures in the page's language (Dutch: decimal comma)."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent


def percent(value: float | None, language: str) -> str:
    """0.0123 as "1,2 %" in Dutch, "1.2%" in English; a dash for no value."""
    if value is None:
        return "–"
    return str(
        format_percent(value, "#,##0.0 %" if language == "nl" else "#,##0.0%", locale=language)
    )


def decimal(value: float | int | None, language: str, places: int = 1) -> str:
    """A number with ``places`` decimals (0 for counts, with thousands separators)."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(format_decimal(value, pattern, locale=language))
