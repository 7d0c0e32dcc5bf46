"""Population figures per wijk and age band, and reading them from CBS's StatLine CSV.

A project's figures say how many people live in each of its wijken and in each of the age
bands the profile step asks (``model.AGE_BANDS``). They are entered in the web area or read from
CBS's "Kerncijfers wijken en buurten" as StatLine exports it: semicolon-separated, one row per
region, columns named like ``AantalInwoners_5`` whose number suffix changes per edition, so
columns are found by the part before the suffix.

CBS counts ages 0-15, 15-25, 25-45, 45-65 and 65+ (the lower bound included); the profile
step's bands are <18, 18-29, 30-44, 45-64 and 65+. Only 45-64 and 65+ line up; the three younger
bands cut through CBS's groups, so they are not imported and are left for the facilitator to
enter (``AGE_NOT_FROM_CBS``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from core.domain.errors import DomainError
from core.domain.model import AGE_BANDS
from core.i18n import N_

WIJK = "wijk"
AGE = "age_band"
DIMENSIONS = (WIJK, AGE)
MAX_FIGURE = 10_000_000  # more people than live in the Netherlands' largest gemeente, many times

# CBS column (before its number suffix) -> the profile step's age band it equals.
AGE_FROM_CBS = {"k_45Tot65Jaar": "45-64", "k_65JaarOfOuder": "65+"}
AGE_NOT_FROM_CBS = tuple(b for b in AGE_BANDS if b not in AGE_FROM_CBS.values())
CBS_AGE_COLUMNS = ("k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar", *AGE_FROM_CBS)
_MISSING = {"", ".", "x", "-", "?"}  # CBS writes "." for a figure it keeps secret or lacks


class InvalidPopulation(DomainError):
    """A population figure that is not a whole number of people; ``problems`` per field."""

    code = "invalid_population"

    def __init__(self, problems: Mapping[tuple[str, str], str]) -> None:
        super().__init__(self.code)
        self.problems = dict(problems)


class CbsFileError(DomainError):
    """The uploaded file is not a StatLine CSV of the "Kerncijfers wijken en buurten"."""

    code = "cbs_file"


@dataclass
class Figures:
    """People per wijk and per age band; a group without a figure is left out."""

    wijk: dict[str, int] = field(default_factory=dict)
    age_band: dict[str, int] = field(default_factory=dict)

    def of(self, dimension: str) -> dict[str, int]:
        return self.wijk if dimension == WIJK else self.age_band


def parse_figure(text: str) -> int | None:
    """A figure as typed: ``None`` when empty; dots and spaces as thousands separators are fine.

    Raises ``ValueError`` with a message id when it is not a whole number from 0 up.
    """
    cleaned = re.sub(r"[\s.\u00a0]", "", text or "")
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValueError(N_("Enter a whole number of people, such as 1250."))
    value = int(cleaned)
    if value > MAX_FIGURE:
        raise ValueError(N_("That is more people than a gemeente has."))
    return value


def field_name(dimension: str, index: int) -> str:
    """The form field of a group: ``wijk-0`` for the first wijk, ``age_band-4`` for 65+."""
    return f"{dimension}-{index}"


def read_form(
    wijken: Iterable[str], fields: Mapping[str, str]
) -> tuple[Figures, dict[tuple[str, str], str]]:
    """Figures from a form with a field per group (``field_name``), empty fields left out.

    Returns the figures and, per (dimension, group) typed wrongly, a message id.
    """
    figures, problems = Figures(), {}
    for dimension, groups in ((WIJK, list(wijken)), (AGE, list(AGE_BANDS))):
        for index, group in enumerate(groups):
            try:
                value = parse_figure(fields.get(field_name(dimension, index), ""))
            except ValueError as error:
                problems[(dimension, group)] = str(error)
                continue
            if value is not None:
                figures.of(dimension)[group] = value
    return figures, problems


def check(figures: Figures, wijken: Iterable[str]) -> None:
    """Raise ``InvalidPopulation`` unless every figure is a known group's whole number."""
    known = {WIJK: set(wijken), AGE: set(AGE_BANDS)}
    problems: dict[tuple[str, str], str] = {}
    for dimension in DIMENSIONS:
        for group, value in figures.of(dimension).items():
            if group not in known[dimension]:
                problems[(dimension, group)] = N_("This group is not in the project.")
            elif isinstance(value, bool) or not isinstance(value, int):
                problems[(dimension, group)] = N_("Enter a whole number of people, such as 1250.")
            elif not 0 <= value <= MAX_FIGURE:
                problems[(dimension, group)] = N_("That is more people than a gemeente has.")
    if problems:
        raise InvalidPopulation(problems)


@dataclass
class CbsImport:
    """What a CBS file gave: the figures, the wijken it did not know, the bands it cannot fill."""

    figures: Figures
    unmatched: list[str]  # wijk rows of the file whose name is no wijk of the project
    missing: list[str]  # project wijken the file has no row (or no figure) for
    age_from: str  # "wijken" (summed over the matched wijken), "gemeente" or ""
    age_not_imported: tuple[str, ...] = AGE_NOT_FROM_CBS


def _columns(header: list[str]) -> dict[str, int]:
    """Column positions by name without CBS's number suffix (``AantalInwoners_5``)."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        base = re.sub(r"_\d+$", "", name.strip().strip('"').lstrip("\ufeff"))
        found.setdefault(base, index)
    return found


def _number(text: str) -> int | None:
    text = text.strip().strip('"').strip()
    if text in _MISSING:
        return None
    try:
        return parse_figure(text)
    except ValueError:
        return None


def _key(name: str) -> str:
    """A region name compared loosely: case, spacing and a "Wijk 03 " prefix do not count."""
    name = re.sub(r"^wijk\s+\d+\s+", "", name.strip().lower())
    return re.sub(r"\s+", " ", name)


def read_cbs(text: str, wijken: Iterable[str]) -> CbsImport:
    """Read a StatLine CSV of the "Kerncijfers wijken en buurten" for a project's wijken.

    Wijk rows (``SoortRegio`` "Wijk") are matched to the project's wijken by name; their
    ``AantalInwoners`` become the wijk figures. The age bands that line up with CBS's groups
    are summed over the matched wijken, or taken from the gemeente's row when none matched.
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    if not rows:
        raise CbsFileError(N_("The file is empty."))
    cols = _columns(rows[0])
    for needed in ("WijkenEnBuurten", "SoortRegio", "AantalInwoners"):
        if needed not in cols:
            raise CbsFileError(
                N_("This is not a CBS file of wijken and buurten: no column {name}."), name=needed
            )
    names = {_key(w): w for w in wijken}
    figures, unmatched, gemeente_age = Figures(), [], {}
    age_sum: dict[str, int] = {}
    age_rows: dict[str, int] = {}  # per band, how many matched wijken had a figure for it
    for row in rows[1:]:
        if len(row) < len(rows[0]):
            continue
        kind = row[cols["SoortRegio"]].strip().lower()
        region = row[cols["WijkenEnBuurten"]].strip()
        ages = {
            band: n
            for column, band in AGE_FROM_CBS.items()
            if column in cols and (n := _number(row[cols[column]])) is not None
        }
        if kind.startswith("gemeente"):
            gemeente_age = ages
        elif kind.startswith("wijk"):
            wijk = names.get(_key(region))
            people = _number(row[cols["AantalInwoners"]])
            if wijk is None:
                unmatched.append(region)
            elif people is not None:
                figures.wijk[wijk] = people
                for band, n in ages.items():
                    age_sum[band] = age_sum.get(band, 0) + n
                    age_rows[band] = age_rows.get(band, 0) + 1
    complete = {b: n for b, n in age_sum.items() if age_rows[b] == len(figures.wijk)}
    figures.age_band, age_from = (complete, "wijken") if figures.wijk else (gemeente_age, "")
    if not figures.wijk and gemeente_age:
        age_from = "gemeente"
    missing = [w for w in names.values() if w not in figures.wijk]
    return CbsImport(figures, unmatched, missing, age_from)
