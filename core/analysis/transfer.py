"""Pol.is export folders in and out of our storage: one project with one statements round.

Import: the folder is read and checked completely before anything is written, then everything
is written in the caller's unit of work with bulk inserts (``executemany``), so a malformed file
writes nothing and a 30,000-vote conversation imports in about a second.

- Statements in play become active items; statements moderated out (``-1``) become *inactive*
  items: residents never see them and the analysis treats them as Pol.is does (columns zeroed,
  votes still count towards a participant's activity), and an export writes them back as ``-1``.
- Votes are replayed in time order; the latest per (voter, statement) is stored, with its time.
- Every voter becomes a resident of channel ``imported``: pseudonym = HMAC of
  ``imported:<voter-id>`` (:func:`core.services.conversation.make_pseudonym`), external id = the
  voter id, consent = the time of their first vote. Items keep the comment id as external id.
- The comment authors and times, the timestamp unit and the summary go into the round's
  settings (``settings["polis"]``) so an export can write them back.

Export writes the four Pol.is files with ``participants-votes.csv`` carrying our own group ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core.analysis.polis_io import (
    PolisConversation,
    PolisStatement,
    PolisVote,
    latest_votes,
    natural_key,
    read_comments,
    read_summary,
    read_votes,
    summarise,
)
from core.analysis.service import RoundAnalyses, load_round_votes
from core.domain import model
from core.domain.errors import DomainError
from core.services.conversation import make_pseudonym
from core.services.uow import UnitOfWork
from core.storage import tables as t

CHANNEL = "imported"
ORGANISATION = ("polis-import", "Pol.is import")
MS_THRESHOLD = 10**11  # timestamps above this are milliseconds (Pol.is exports use both)


class TransferError(DomainError):
    """A Pol.is import or export that cannot be done (the CLI reports it in one line)."""

    code = "polis_transfer"


@dataclass(frozen=True)
class ImportReport:
    project_code: str
    round_key: str
    statements: int
    moderated_out: int
    residents: int
    votes: int
    ignored_votes: int = 0


def _moment(timestamp: int) -> datetime:
    seconds = timestamp / 1000 if timestamp > MS_THRESHOLD else float(timestamp)
    return datetime.fromtimestamp(seconds, tz=UTC)


def read_folder(folder: Path) -> tuple[PolisConversation, dict[str, int]]:
    """Read and check a Pol.is export folder; also return each voter's first vote time.

    Raises:
        PolisFormatError: naming the file, line and column of the first problem.
    """
    statements = read_comments(folder / "comments.csv")
    raw = read_votes(folder / "votes.csv")
    summary = read_summary(folder / "summary.csv") if (folder / "summary.csv").exists() else ()
    first: dict[str, int] = {}
    for vote in raw:
        if vote.voter_id not in first or vote.timestamp < first[vote.voter_id]:
            first[vote.voter_id] = vote.timestamp
    conversation = PolisConversation(
        statements=tuple(s for s in statements if s.moderated != -1),
        moderated_out=tuple(s for s in statements if s.moderated == -1),
        votes=tuple(latest_votes(raw)),
        summary=summary,
    )
    return conversation, first


async def import_conversation(
    uow: UnitOfWork,
    conversation: PolisConversation,
    first_votes: dict[str, int],
    *,
    code: str,
    secret_key: str,
    round_key: str = "polis",
    title: str = "",
) -> ImportReport:
    """Write a read-and-checked Pol.is conversation as a new project (caller commits).

    Raises:
        TransferError: when a project with this code exists already.
    """
    code = model.Project.normalise_code(code)
    if not code:
        raise TransferError("a project code needs letters or digits")
    if await uow.projects.by_code(code) is not None:
        raise TransferError(f"project {code} exists already; choose another --project code")
    now = uow.clock()
    summary = dict(conversation.summary)
    organisation_id = await uow.projects.organisation(*ORGANISATION)
    project = model.Project(
        code=code,
        title=(title or summary.get("topic") or code)[: model.MAX_TITLE_LENGTH],
        organisation_id=organisation_id,
        intro=summary.get("conversation-description", ""),
        language="en",
        settings={"listed": False, "ask_profile": False, "imported_from": "polis"},
        created_at=now,
    )
    project_id = await uow.projects.add(project)
    statements = sorted(
        conversation.statements + conversation.moderated_out, key=lambda s: natural_key(s.id)
    )
    stamps = [v.timestamp for v in conversation.votes] + [s.timestamp for s in statements]
    unit = "ms" if any(s > MS_THRESHOLD for s in stamps) else "s"
    rnd = model.Round(
        project_id=project_id,
        key=round_key,
        kind=model.RoundKind.STATEMENTS,
        question=summary.get("topic", ""),
        state=model.RoundState.CLOSED,
        settings={
            "polis": {
                "unit": unit,
                "summary": [list(pair) for pair in conversation.summary],
                "authors": {s.id: s.author_id for s in statements},
                "created": {s.id: s.timestamp for s in statements},
            }
        },
    )
    round_id = await uow.projects.add_round(rnd)
    conn = uow.conn
    if statements:
        await conn.execute(
            t.items.insert(),
            [
                {
                    "round_id": round_id,
                    "text": s.text,
                    "position": position,
                    "external_id": s.id,
                    "active": s.moderated != -1,
                }
                for position, s in enumerate(statements)
            ],
        )
    voters = sorted({v.voter_id for v in conversation.votes}, key=natural_key)
    if voters:
        await conn.execute(
            t.residents.insert(),
            [
                {
                    "pseudonym": make_pseudonym(secret_key, CHANNEL, voter),
                    "project_id": project_id,
                    "channel": CHANNEL,
                    "consent_at": _moment(first_votes.get(voter, 0)),
                    "language": project.language,
                    "status": model.ResidentStatus.ACTIVE.value,
                    "external_id": voter,
                    "created_at": now,
                }
                for voter in voters
            ],
        )
    item_ids = {
        str(ext): int(own)
        for own, ext in await conn.execute(
            sa.select(t.items.c.id, t.items.c.external_id).where(t.items.c.round_id == round_id)
        )
    }
    resident_ids = {
        str(ext): int(own)
        for own, ext in await conn.execute(
            sa.select(t.residents.c.id, t.residents.c.external_id).where(
                t.residents.c.project_id == project_id
            )
        )
    }
    rows = [
        {
            "round_id": round_id,
            "item_id": item_ids[v.statement_id],
            "resident_id": resident_ids[v.voter_id],
            "value": v.value,
            "created_at": _moment(v.timestamp),
        }
        for v in conversation.votes
        if v.statement_id in item_ids
    ]
    if rows:
        await conn.execute(t.votes.insert(), rows)
    return ImportReport(
        project_code=code,
        round_key=round_key,
        statements=len(conversation.statements),
        moderated_out=len(conversation.moderated_out),
        residents=len(voters),
        votes=len(rows),
        ignored_votes=len(conversation.votes) - len(rows),
    )


async def find_round(uow: UnitOfWork, code: str, key: str | None) -> model.Round:
    """The statements round ``key`` of project ``code`` (the only one when ``key`` is None).

    Raises:
        TransferError: naming what is missing.
    """
    project = await uow.projects.by_code(model.Project.normalise_code(code))
    if project is None or project.id is None:
        raise TransferError(f"no project with code {code}")
    rounds = await uow.projects.rounds(project.id)
    statements = [r for r in rounds if r.kind == model.RoundKind.STATEMENTS]
    if key is None and len(statements) == 1:
        return statements[0]
    found = next((r for r in rounds if r.key == key), None)
    if found is None:
        known = ", ".join(r.key for r in statements) or "none"
        raise TransferError(
            f"project {project.code} has no statements round {key or ''} "
            f"(statements rounds: {known}); use --round KEY".replace("  ", " ")
        )
    if found.kind != model.RoundKind.STATEMENTS:
        raise TransferError(f"round {found.key} of {project.code} is not a statements round")
    return found


async def export_conversation(
    uow: UnitOfWork, rnd: model.Round, analyses: RoundAnalyses
) -> tuple[PolisConversation, dict[str, int | None]]:
    """Build the Pol.is view of a statements round and our group of each voter."""
    assert rnd.id is not None
    conn = uow.conn
    project = await uow.projects.get(rnd.project_id)
    polis: dict[str, Any] = dict(rnd.settings.get("polis") or {})
    unit = polis.get("unit", "ms")
    authors: dict[str, str] = polis.get("authors", {})
    created: dict[str, int] = polis.get("created", {})

    def stamp(moment: datetime | None) -> int:
        if moment is None:
            return 0
        seconds = moment.timestamp()
        return round(seconds * 1000) if unit == "ms" else int(seconds)

    loaded = await load_round_votes(conn, rnd.id)
    labels = loaded.item_labels
    vote_rows = (
        await conn.execute(
            sa.select(
                t.votes.c.resident_id, t.votes.c.item_id, t.votes.c.value, t.votes.c.created_at
            ).where(t.votes.c.round_id == rnd.id)
        )
    ).all()
    votes = sorted(
        (
            PolisVote(
                voter_id=loaded.resident_labels[int(r.resident_id)],
                statement_id=labels[int(r.item_id)],
                value=int(r.value),
                timestamp=stamp(r.created_at),
            )
            for r in vote_rows
        ),
        key=lambda v: (natural_key(v.statement_id), natural_key(v.voter_id)),
    )
    agrees: dict[str, int] = {}
    disagrees: dict[str, int] = {}
    for vote in votes:
        if vote.value == 1:
            agrees[vote.statement_id] = agrees.get(vote.statement_id, 0) + 1
        elif vote.value == -1:
            disagrees[vote.statement_id] = disagrees.get(vote.statement_id, 0) + 1
    active = set(loaded.statement_ids)
    statements = [
        PolisStatement(
            id=label,
            text=loaded.texts[label],
            moderated=1 if label in active else -1,
            author_id=str(authors.get(label, "")),
            timestamp=int(created.get(label, 0)),
            agrees=agrees.get(label, 0),
            disagrees=disagrees.get(label, 0),
        )
        for label in labels.values()
    ]
    found = await analyses.result(conn, rnd.id)
    groups: dict[str, int | None] = {
        member: group.id for group in found.result.groups for member in group.members
    }
    conversation = PolisConversation(
        statements=tuple(s for s in statements if s.moderated != -1),
        moderated_out=tuple(s for s in statements if s.moderated == -1),
        votes=tuple(votes),
    )
    summary = summarise(
        conversation,
        groups,
        topic=project.title if project else "",
        description=project.intro if project else "",
    )
    return (
        PolisConversation(
            conversation.statements, conversation.moderated_out, conversation.votes, summary
        ),
        groups,
    )
