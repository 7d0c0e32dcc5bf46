"""Reading a file of ideas collected elsewhere (on paper, at a meeting): CSV, checked whole.

Columns: ``text`` (required; ``tekst`` and ``idee`` are understood too), ``wijk`` and
``source`` (``bron``), in any order and case; other columns are ignored. UTF-8 with or without a
byte-order mark; separated by commas, semicolons (what Dutch Excel writes) or tabs, found from
the header line. A file with any problem is refused whole: every problem names its line and
column, in English for the command line and as a message id with values for the web area.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.domain import model
from core.domain.errors import DomainError, InvalidInput
from core.i18n import N_, gettext_for

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
MAX_SOURCE = 100
MAX_PROBLEMS = 20  # named in one refusal; the rest are counted
COLUMNS = {
    "text": "text",
    "tekst": "text",
    "idee": "text",
    "idea": "text",
    "wijk": "wijk",
    "buurt": "wijk",
    "source": "source",
    "bron": "source",
}
DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    msgid: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.msgid.format(**self.values)}"


class InvalidIdeaFile(DomainError):
    """The file cannot be imported; nothing was added. ``problems`` name line and column."""

    code = "invalid_idea_file"

    def __init__(self, problems: Sequence[Problem], more: int = 0) -> None:
        super().__init__(self.code)
        self.problems = list(problems)
        self.more = more  # problems beyond those named

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.more:
            lines.append(f"... and {self.more} more problems")
        return "\n".join(lines)

    def lines(self, language: str) -> list[str]:
        """Each problem in ``language``, naming its line and column (the web area and the
        command line)."""
        catalog = gettext_for(language)
        found = []
        for problem in self.problems:
            text = catalog.gettext(problem.msgid).format(**problem.values)
            if problem.column:
                where = catalog.gettext("Line %(line)s, column %(column)s") % {
                    "line": problem.line,
                    "column": problem.column,
                }
            else:
                where = catalog.gettext("Line %(line)s") % {"line": problem.line}
            found.append(f"{where}: {text}")
        if self.more:
            found.append(catalog.gettext("… and %(n)s more problems.") % {"n": self.more})
        return found


@dataclass(frozen=True)
class IdeaRow:
    line: int
    text: str
    wijk: str | None = None
    source: str | None = None


def decode(data: bytes) -> str:
    """The file's text (UTF-8, a byte-order mark dropped); a wrong encoding names its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidIdeaFile(
            [Problem(line, "", N_("the file is not UTF-8: save it as CSV UTF-8 and try again"))]
        ) from None


def _delimiter(header: str) -> str:
    return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        known = COLUMNS.get(name.strip().strip("\ufeff").lower())
        if known is not None and known not in found:
            found[known] = index
    if "text" not in found:
        raise InvalidIdeaFile([Problem(1, "text", N_("the first line needs a column named text"))])
    return found


def _records(text: str) -> list[tuple[int, list[str]]]:
    """The header and every non-empty record with the line it starts on."""
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((line, record))
            elif not records:
                raise InvalidIdeaFile([Problem(line, "", N_("the first line is empty"))])
            line = reader.line_num + 1
            if len(records) > MAX_ROWS + 1:
                msg = N_("at most {limit} ideas per file")
                raise InvalidIdeaFile([Problem(records[-1][0], "", msg, {"limit": MAX_ROWS})])
    except csv.Error:
        problem = Problem(line, "", N_("this line cannot be read as CSV (check the quotes)"))
        raise InvalidIdeaFile([problem]) from None
    return records


def _cell(record: list[str], index: int | None) -> str:
    return record[index].strip() if index is not None and index < len(record) else ""


def _wijk(raw: str, wijken: Sequence[str]) -> str | None:
    if not raw:
        return None
    if not wijken:
        return raw[:100]
    by_name = {name.casefold(): name for name in wijken}
    return by_name.get(raw.casefold())


def _row(line: int, record: list[str], at: dict[str, int], wijken: Sequence[str]) -> IdeaRow:
    """One idea; ``InvalidIdeaFile`` with every problem of the line."""
    problems: list[Problem] = []
    text = ""
    try:
        text = model.clean_text(_cell(record, at["text"]))
    except InvalidInput as error:
        if error.detail == "too_long":
            limit = error.params.get("limit", model.MAX_TEXT_LENGTH)
            msg = N_("the text is longer than {limit} characters")
            problems.append(Problem(line, "text", msg, {"limit": limit}))
        else:
            problems.append(Problem(line, "text", N_("the text is empty")))
    raw_wijk = _cell(record, at.get("wijk"))
    wijk = _wijk(raw_wijk, wijken)
    if raw_wijk and wijk is None:
        names = ", ".join(wijken)
        msg = N_("unknown wijk {wijk} (known: {names})")
        problems.append(Problem(line, "wijk", msg, {"wijk": raw_wijk[:40], "names": names}))
    source = " ".join(_cell(record, at.get("source")).split())
    if len(source) > MAX_SOURCE:
        msg = N_("the source is longer than {limit} characters")
        problems.append(Problem(line, "source", msg, {"limit": MAX_SOURCE}))
    if problems:
        raise InvalidIdeaFile(problems)
    return IdeaRow(line, text, wijk, source or None)


def read_ideas(data: bytes, wijken: Sequence[str] = ()) -> list[IdeaRow]:
    """Every idea in the file, checked; ``InvalidIdeaFile`` names each problem.

    Args:
        data: the file's bytes.
        wijken: the project's neighbourhood names; when given, a ``wijk`` must be one of them
            (in any case).
    """
    if len(data) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise InvalidIdeaFile(
            [Problem(1, "", N_("the file is larger than {limit} MB"), {"limit": limit})]
        )
    records = _records(decode(data))
    if not records:
        raise InvalidIdeaFile([Problem(1, "text", N_("the first line needs a column named text"))])
    at = _columns(records[0][1])
    rows: list[IdeaRow] = []
    problems: list[Problem] = []
    for line, record in records[1:]:
        try:
            rows.append(_row(line, record, at, wijken))
        except InvalidIdeaFile as error:
            problems.extend(error.problems)
    if problems:
        raise InvalidIdeaFile(problems[:MAX_PROBLEMS], max(0, len(problems) - MAX_PROBLEMS))
    if not rows:
        raise InvalidIdeaFile(
            [Problem(2, "text", N_("the file has no ideas below its first line"))]
        )
    return rows
