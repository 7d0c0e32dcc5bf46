"""A project's wijken: names and their 4-digit postcodes, checked as one table.

A resident who gives a postcode gets the wijk it belongs to (``wijk_for``); so every wijk needs
at least one postcode, a postcode belongs to at most one wijk and every postcode is a Dutch
4-digit postcode area (1000-9999). A name followed by postcodes without the colon between them
("Noord-Oost 1033, 1034") is the usual slip: the problem says what was probably meant.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from core.domain.numbers import decimal_digits
from core.i18n import N_

MAX_NAME = 100  # residents.wijk holds 100 characters
MAX_WIJKEN = 200
POSTCODE = re.compile(r"^[1-9]\d{3}$")
# "Noord-Oost 1033, 1034": a name with postcodes after it but no colon
_TRAILING_CODES = re.compile(r"^(?P<name>.*?\D)[\s,;]+(?P<codes>\d{4}(?:[\s,;]+\d{4})*)\s*$")


@dataclass(frozen=True)
class WijkProblem:
    """One thing wrong with one wijk of the table: a message id and its values."""

    wijk: str
    msgid: str
    values: dict[str, object] = field(default_factory=dict)


def postcode(text: str) -> str | None:
    """A 4-digit postcode area as stored (digits of any script read); None if it is not one."""
    digits = decimal_digits(str(text).strip())
    return digits if digits is not None and POSTCODE.match(digits) else None


def problems(table: Mapping[str, Iterable[object]]) -> list[WijkProblem]:
    """Everything wrong with a wijken table, in the table's order (empty when it is right)."""
    found: list[WijkProblem] = []
    owner: dict[str, str] = {}
    if len(table) > MAX_WIJKEN:
        found.append(WijkProblem("", N_("give at most {limit} wijken"), {"limit": MAX_WIJKEN}))
    for name, given in table.items():
        codes = [str(code).strip() for code in given]
        found += _name_problems(name, codes)
        for code in codes:
            area = postcode(code)
            if area is None:
                msg = N_("{wijk}: {postcode} is not a 4-digit postcode such as 1033")
                found.append(WijkProblem(name, msg, {"wijk": name, "postcode": code[:20]}))
            elif area in owner and owner[area] != name:
                msg = N_("postcode {postcode} is in both {first} and {wijk}")
                values: dict[str, object] = {"postcode": area, "first": owner[area], "wijk": name}
                found.append(WijkProblem(name, msg, values))
            else:
                owner[area] = name
    return found


def _name_problems(name: str, codes: list[str]) -> list[WijkProblem]:
    clean = name.strip()
    if not clean:
        msg = N_("give a name for the wijk with postcodes {postcodes}")
        return [WijkProblem(name, msg, {"postcodes": ", ".join(codes)[:60]})]
    if len(clean) > MAX_NAME:
        return [
            WijkProblem(
                name, N_("a wijk's name has at most {limit} characters"), {"limit": MAX_NAME}
            )
        ]
    if codes:
        return []
    slip = _TRAILING_CODES.match(clean)
    if slip:
        codes = re.split(r"[\s,;]+", slip["codes"])
        meant = f"{slip['name'].strip()}: {', '.join(codes)}"
        msg = N_("{wijk} has no postcodes; did you mean \u201c{meant}\u201d?")
        return [WijkProblem(name, msg, {"wijk": clean[:60], "meant": meant[:80]})]
    return [WijkProblem(name, N_("give the postcodes of {wijk}"), {"wijk": clean[:60]})]


def normalised(table: Mapping[str, Iterable[object]]) -> dict[str, list[str]]:
    """The table with names trimmed and postcodes as 4 ASCII digits (after ``problems``)."""
    return {
        name.strip(): [postcode(str(code)) or str(code).strip() for code in codes]
        for name, codes in table.items()
    }


def wijk_for(table: Mapping[str, Iterable[object]], code: str) -> str | None:
    """The wijk a 4-digit postcode lies in, or None when no wijk of the table has it."""
    for name, codes in table.items():
        if code in {str(c) for c in codes}:
            return str(name)
    return None


def is_postcode_area(value: str | None) -> bool:
    """Whether a resident's stored wijk is only their postcode area (no wijk had it)."""
    return bool(value) and POSTCODE.match(value or "") is not None


# -- a wijken file: the table and, when given, the inhabitants per wijk -------------------------

NAME_COLUMNS = ("wijk", "naam", "name", "wijknaam")
POSTCODE_COLUMNS = ("postcodes", "postcode", "pc4")
PEOPLE_COLUMNS = ("inwoners", "aantal inwoners", "aantalinwoners", "population", "people")
MAX_PEOPLE = 10_000_000


@dataclass
class WijkenFile:
    """What a wijken file gave: the table, the inhabitants per wijk and what was wrong.

    ``problems`` are (line, message id, values); the table is only used when there are none.
    """

    table: dict[str, list[str]] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    clean = [cell.strip().strip("\ufeff").casefold() for cell in header]
    return next((i for i, cell in enumerate(clean) if cell in names), None)


def read_file(text: str) -> WijkenFile:
    """Read a CSV of wijken: a ``wijk`` column, a ``postcodes`` column (one or more 4-digit
    postcodes per row) and optionally ``inwoners``.

    Semicolons or commas separate the columns. Rows of one wijk are one wijk: a row per
    postcode works as well as a row per wijk; inhabitants given per row add up per wijk.
    """
    found = WijkenFile()
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        found.problems.append((1, N_("the file is empty"), {}))
        return found
    at_name, at_codes = _column(rows[0], NAME_COLUMNS), _column(rows[0], POSTCODE_COLUMNS)
    at_people = _column(rows[0], PEOPLE_COLUMNS)
    if at_name is None or at_codes is None:
        msg = N_("the first line needs the columns wijk and postcodes (and inwoners if you like)")
        found.problems.append((1, msg, {}))
        return found
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        _read_row(found, line, row, at_name, at_codes, at_people)
    if not found.problems:
        found.problems += [(0, p.msgid, p.values) for p in problems(found.table)]
    return found


def _cell(row: list[str], at: int | None) -> str:
    return row[at].strip() if at is not None and at < len(row) else ""


def _read_row(
    found: WijkenFile,
    line: int,
    row: list[str],
    at_name: int,
    at_codes: int,
    at_people: int | None,
) -> None:
    name = _cell(row, at_name)
    codes = [c for c in re.split(r"[\s,;/]+", _cell(row, at_codes)) if c]
    found.table.setdefault(name, [])
    found.table[name] += [c for c in codes if c not in found.table[name]]
    typed = _cell(row, at_people).replace(".", "").replace(" ", "").replace("\u00a0", "")
    if not typed:
        return
    people = decimal_digits(typed)
    if people is None or int(people) > MAX_PEOPLE:
        msg = N_("{value} is not a number of inhabitants")
        found.problems.append((line, msg, {"value": typed[:20]}))
        return
    found.people[name] = found.people.get(name, 0) + int(people)
