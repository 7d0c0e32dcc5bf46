"""Read Pol.is export folders as plain data.

A Pol.is export holds ``comments.csv``, ``votes.csv``, ``participants-votes.csv`` and
``summary.csv``. Reading keeps statements that were not moderated out (``moderated == -1``) and
replays the votes in time order so the latest vote per (voter, statement) wins. Text cells that
a spreadsheet would take for a formula were written with a leading single quote
(:mod:`core.services.polis.writing`) and are read back without it
(:mod:`core.spreadsheet_safety`), so a round-trip is exact.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from core.analysis.polis import Vote
from core.analysis.rounds import natural_key
from core.domain.numbers import read_number
from core.i18n import N_, Said
from core.spreadsheet_safety import restore

COMMENTS_HEADER = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
# Newer Pol.is exports (2024 on) drop ``datetime`` from comments.csv and add these columns.
COMMENTS_OPTIONAL = ("datetime", "is-meta", "is-seed", "group-informed-consensus")
VOTES_HEADER = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANTS_HEADER = (
    "participant",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)
SUMMARY_KEYS = (
    "topic",
    "url",
    "views",
    "voters",
    "voters-in-conv",
    "commenters",
    "comments",
    "groups",
    "conversation-description",
)


class PolisFormatError(ValueError):
    """A Pol.is export file does not have the expected shape: ``said`` names file, line and
    column in any language; ``str()`` is English."""

    def __init__(self, msgid: str, **values: object) -> None:
        self.said = Said(msgid, values)
        super().__init__(str(self.said))


@dataclass(frozen=True)
class PolisStatement:
    """One row of ``comments.csv``."""

    id: str
    text: str
    moderated: int
    author_id: str = ""
    timestamp: int = 0
    datetime: str = ""
    agrees: int = 0
    disagrees: int = 0


@dataclass(frozen=True)
class PolisVote:
    """One vote event of ``votes.csv``; value 1 agree, -1 disagree, 0 pass."""

    voter_id: str
    statement_id: str
    value: int
    timestamp: int = 0
    datetime: str = ""


@dataclass(frozen=True)
class PolisConversation:
    """A Pol.is export: statements in play, moderated-out ones, latest votes, summary."""

    statements: tuple[PolisStatement, ...]
    moderated_out: tuple[PolisStatement, ...]
    votes: tuple[PolisVote, ...]
    summary: tuple[tuple[str, str], ...] = ()

    @property
    def statement_ids(self) -> list[str]:
        """Ids of the statements in play."""
        return [s.id for s in self.statements]

    @property
    def moderated_out_ids(self) -> list[str]:
        """Ids of the statements moderated out."""
        return [s.id for s in self.moderated_out]

    def vote_triples(self) -> list[Vote]:
        """Votes as ``(voter_id, statement_id, value)`` for ``core.analysis.polis.analyse``."""
        return [(v.voter_id, v.statement_id, v.value) for v in self.votes]


def read_conversation(folder: str | Path) -> PolisConversation:
    """Read ``comments.csv`` and ``votes.csv`` (and ``summary.csv`` when present).

    Raises:
        PolisFormatError: naming the file, line and column of the first problem.
    """
    folder = Path(folder)
    statements = read_comments(folder / "comments.csv")
    votes = read_votes(folder / "votes.csv")
    summary = read_summary(folder / "summary.csv") if (folder / "summary.csv").exists() else ()
    return PolisConversation(
        statements=tuple(s for s in statements if s.moderated != -1),
        moderated_out=tuple(s for s in statements if s.moderated == -1),
        votes=tuple(latest_votes(votes)),
        summary=summary,
    )


def read_comments(path: str | Path) -> list[PolisStatement]:
    """Read every row of ``comments.csv``, sorted by comment id."""
    rows = []
    for line, row in _rows(Path(path), COMMENTS_HEADER, optional=COMMENTS_OPTIONAL):
        rows.append(
            PolisStatement(
                id=_id(path, line, row, "comment-id"),
                text=row["comment-body"],
                moderated=_int_in(path, line, row, "moderated", (1, 0, -1)),
                author_id=row["author-id"].strip(),
                timestamp=_int(path, line, row, "timestamp"),
                datetime=row.get("datetime", ""),
                agrees=_int(path, line, row, "agrees"),
                disagrees=_int(path, line, row, "disagrees"),
            )
        )
    rows.sort(key=lambda s: natural_key(s.id))
    return rows


def read_votes(path: str | Path) -> list[PolisVote]:
    """Read every vote event of ``votes.csv`` in file order."""
    votes = []
    values = {"1": 1, "0": 0, "-1": -1}
    for line, row in _rows(Path(path), VOTES_HEADER):
        value = values.get(row["vote"])
        if value is None:
            value = _int_in(path, line, row, "vote", (1, 0, -1))
        votes.append(
            PolisVote(
                voter_id=_id(path, line, row, "voter-id"),
                statement_id=_id(path, line, row, "comment-id"),
                value=value,
                timestamp=_int(path, line, row, "timestamp"),
                datetime=row["datetime"],
            )
        )
    return votes


def read_summary(path: str | Path) -> tuple[tuple[str, str], ...]:
    """Read the key/value rows of ``summary.csv``."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        pairs = []
        for row in reader:
            if len(row) != 2:
                raise PolisFormatError(
                    N_("{file} line {line}: expected 2 fields, got {count}"),
                    file=path.name,
                    line=reader.line_num,
                    count=len(row),
                )
            pairs.append((restore(row[0]), restore(row[1])))
    return tuple(pairs)


def read_participant_groups(path: str | Path) -> dict[str, int | None]:
    """Read the ``group-id`` column of ``participants-votes.csv`` (blank = not clustered)."""
    groups: dict[str, int | None] = {}
    for line, row in _rows(Path(path), PARTICIPANTS_HEADER, extra_columns=True):
        pid = _id(path, line, row, "participant")
        groups[pid] = None if not row["group-id"].strip() else _int(path, line, row, "group-id")
    return groups


def latest_votes(votes: Iterable[PolisVote]) -> list[PolisVote]:
    """Replay votes in time order and keep the latest per (voter, statement).

    Equal timestamps keep file order, so the later row wins.
    """
    latest: dict[tuple[str, str], PolisVote] = {}
    for vote in sorted(votes, key=attrgetter("timestamp")):
        latest[(vote.statement_id, vote.voter_id)] = vote
    order = sorted(latest, key=lambda pair: (natural_key(pair[0]), natural_key(pair[1])))
    return [latest[pair] for pair in order]


def _rows(
    path: Path,
    header: Sequence[str],
    extra_columns: bool = False,
    optional: Sequence[str] = (),
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each record, checking header and field counts.

    Every column of ``header`` must be there, except those in ``optional``; other columns are
    refused unless ``extra_columns`` or named in ``optional``.
    """
    name = path.name
    if not path.exists():
        raise PolisFormatError(N_("{file}: file not found"), file=name)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        try:
            names = next(reader)
        except StopIteration:
            raise PolisFormatError(
                N_("{file} line 1: empty file, expected a header"), file=name
            ) from None
        for column in header:
            if column not in names and column not in optional:
                raise PolisFormatError(
                    N_('{file} line 1, column "{column}": missing from header'),
                    file=name,
                    column=column,
                )
        unexpected = [c for c in names if c not in header and c not in optional]
        if not extra_columns and (unexpected or len(set(names)) != len(names)):
            raise PolisFormatError(
                N_('{file} line 1, column "{column}": unexpected column'),
                file=name,
                column=unexpected[0] if unexpected else names[-1],
            )
        line = reader.line_num
        for record in reader:
            start, line = line + 1, reader.line_num
            if not record:
                continue
            if len(record) != len(names):
                column = names[len(record)] if len(record) < len(names) else names[-1]
                raise PolisFormatError(
                    N_(
                        '{file} line {line}, column "{column}": expected {expected} fields, '
                        "got {count}"
                    ),
                    file=name,
                    line=start,
                    column=column,
                    expected=len(names),
                    count=len(record),
                )
            yield start, dict(zip(names, map(restore, record), strict=True))


def _int(path: str | Path, line: int, row: Mapping[str, str], column: str) -> int:
    raw = row[column].strip()
    number = read_number(raw, signed=True)
    if number is None:
        raise PolisFormatError(
            N_('{file} line {line}, column "{column}": expected a whole number, got "{raw}"'),
            file=Path(path).name,
            line=line,
            column=column,
            raw=raw,
        )
    return number


def _int_in(
    path: str | Path, line: int, row: Mapping[str, str], column: str, allowed: Sequence[int]
) -> int:
    raw = row[column].strip()
    number = read_number(raw, signed=True)
    if number is not None and number in allowed:
        return number
    raise PolisFormatError(
        N_('{file} line {line}, column "{column}": expected {allowed} or {last}, got "{raw}"'),
        file=Path(path).name,
        line=line,
        column=column,
        allowed=", ".join(str(a) for a in allowed[:-1]),
        last=allowed[-1],
        raw=raw,
    )


def _id(path: str | Path, line: int, row: Mapping[str, str], column: str) -> str:
    raw = row[column]
    if raw and not raw[0].isspace() and not raw[-1].isspace():
        return raw
    raw = raw.strip()
    if not raw:
        raise PolisFormatError(
            N_('{file} line {line}, column "{column}": empty id'),
            file=Path(path).name,
            line=line,
            column=column,
        )
    return raw
