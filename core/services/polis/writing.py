"""Write Pol.is export folders: the same four files with Pol.is's headers and column order.

Text cells that a spreadsheet would take for a formula are written with a leading single quote
(:mod:`core.spreadsheet_safety`), so an export opened in Excel is safe;
:mod:`core.services.polis.files` reads them back without it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from core.analysis.rounds import natural_key
from core.services.polis.files import (
    COMMENTS_HEADER,
    PARTICIPANTS_HEADER,
    SUMMARY_KEYS,
    VOTES_HEADER,
    PolisConversation,
    PolisStatement,
    PolisVote,
)
from core.spreadsheet_safety import neutralise_row


def write_conversation(
    folder: str | Path,
    conversation: PolisConversation,
    groups: Mapping[str, int | None] | None = None,
) -> None:
    """Write all four Pol.is files for a conversation into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    statements = sorted(
        conversation.statements + conversation.moderated_out, key=lambda s: natural_key(s.id)
    )
    write_comments(folder / "comments.csv", statements)
    write_votes(folder / "votes.csv", conversation.votes)
    voted = {v.statement_id for v in conversation.votes}
    columns = [s.id for s in statements if s.id in voted]
    authors = [s.author_id for s in statements]
    write_participants_votes(
        folder / "participants-votes.csv", conversation.votes, columns, groups or {}, authors
    )
    summary = conversation.summary or summarise(conversation, groups or {})
    write_summary(folder / "summary.csv", summary)


def write_comments(path: str | Path, statements: Iterable[PolisStatement]) -> None:
    """Write ``comments.csv`` in Pol.is's column order."""
    rows = (
        (
            s.timestamp,
            s.datetime or _polis_datetime(s.timestamp),
            s.id,
            s.author_id,
            s.agrees,
            s.disagrees,
            s.moderated,
            s.text,
        )
        for s in statements
    )
    _write(Path(path), COMMENTS_HEADER, rows)


def write_votes(path: str | Path, votes: Iterable[PolisVote]) -> None:
    """Write ``votes.csv`` in Pol.is's column order."""
    rows = (
        (
            v.timestamp,
            v.datetime or _polis_datetime(v.timestamp),
            v.statement_id,
            v.voter_id,
            v.value,
        )
        for v in votes
    )
    _write(Path(path), VOTES_HEADER, rows)


def write_participants_votes(
    path: str | Path,
    votes: Iterable[PolisVote],
    statement_ids: Sequence[str],
    groups: Mapping[str, int | None],
    statement_authors: Iterable[str] = (),
) -> None:
    """Write ``participants-votes.csv``: one row per voter, one column per statement.

    Args:
        path: file to write.
        votes: latest vote per (voter, statement).
        statement_ids: the statement columns, in order.
        groups: opinion group per voter; missing or ``None`` leaves ``group-id`` blank.
        statement_authors: author id of each statement, to count ``n-comments``.
    """
    by_voter: dict[str, dict[str, int]] = {}
    for vote in votes:
        by_voter.setdefault(vote.voter_id, {})[vote.statement_id] = vote.value
    authored: dict[str, int] = {}
    for author in statement_authors:
        authored[author] = authored.get(author, 0) + 1
    rows = []
    for voter in sorted(by_voter, key=natural_key):
        own = by_voter[voter]
        group = groups.get(voter)
        rows.append(
            (
                voter,
                "" if group is None else group,
                authored.get(voter, 0),
                len(own),
                sum(1 for v in own.values() if v == 1),
                sum(1 for v in own.values() if v == -1),
                *(own.get(sid, "") for sid in statement_ids),
            )
        )
    _write(Path(path), (*PARTICIPANTS_HEADER, *statement_ids), rows)


def write_summary(path: str | Path, pairs: Iterable[tuple[str, str]]) -> None:
    """Write the key/value rows of ``summary.csv`` (no header, as Pol.is)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(neutralise_row(pair) for pair in pairs)
    Path(path).write_text(buffer.getvalue(), encoding="utf-8")


def summarise(
    conversation: PolisConversation,
    groups: Mapping[str, int | None],
    topic: str = "",
    url: str = "",
    description: str = "",
) -> tuple[tuple[str, str], ...]:
    """Compute Pol.is's summary facts from plain data."""
    voters = {v.voter_id for v in conversation.votes}
    authors = {s.author_id for s in conversation.statements + conversation.moderated_out}
    group_ids = {g for g in groups.values() if g is not None}
    values = (
        topic,
        url,
        str(len(voters)),
        str(len(voters)),
        str(sum(1 for g in groups.values() if g is not None) or len(voters)),
        str(len(authors)),
        str(len(conversation.statements)),
        str(len(group_ids)),
        description,
    )
    return tuple(zip(SUMMARY_KEYS, values, strict=True))


def _polis_datetime(timestamp_ms: int) -> str:
    """Format a timestamp like Pol.is does (``Mon Jul 17 16:10:15 UTC 2017``), in UTC."""
    moment = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(neutralise_row(row) for row in rows)
