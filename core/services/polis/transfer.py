"""Pol.is export folders in and out of our storage: one project with one statements round.

A service: it writes through ``uow.projects`` and ``uow.imports`` and reads through views.

Import: the folder is read and checked completely before anything is written, then everything
is written in the caller's unit of work with bulk inserts (``uow.imports``), so a malformed file
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

from core.analysis.rounds import RoundVotes, natural_key
from core.domain import model
from core.i18n import N_
from core.services.conversation import make_pseudonym
from core.services.polis.files import (
    PolisConversation,
    PolisStatement,
    PolisVote,
    latest_votes,
    read_comments,
    read_summary,
    read_votes,
)
from core.services.polis.rounds import TransferError
from core.services.polis.writing import summarise
from core.storage.uow import UnitOfWork
from core.views.reading import Analyses
from core.views.votes import load_round_votes, vote_times

CHANNEL = "imported"
ORGANISATION = ("polis-import", "Pol.is import")
MS_THRESHOLD = 10**11  # timestamps above this are milliseconds (Pol.is exports use both)


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
        raise TransferError(N_("a project code needs letters or digits"))
    if await uow.projects.by_code(code) is not None:
        raise TransferError(
            N_("project {code} exists already; choose another --project code"), code=code
        )
    project = await _add_project(uow, conversation, code, title)
    statements = sorted(
        conversation.statements + conversation.moderated_out, key=lambda s: natural_key(s.id)
    )
    round_id = await _add_round(uow, conversation, statements, project.id or 0, round_key)
    item_ids = await uow.imports.add_items(
        round_id, [(s.id, s.text, s.moderated != -1) for s in statements]
    )
    voters = sorted({v.voter_id for v in conversation.votes}, key=natural_key)
    resident_ids = await uow.imports.add_residents(
        project.id or 0,
        [
            (voter, make_pseudonym(secret_key, CHANNEL, voter), _moment(first_votes.get(voter, 0)))
            for voter in voters
        ],
        channel=CHANNEL,
        language=project.language,
        now=project.created_at or uow.clock(),
    )
    rows = [
        (item_ids[v.statement_id], resident_ids[v.voter_id], v.value, _moment(v.timestamp))
        for v in conversation.votes
        if v.statement_id in item_ids
    ]
    await uow.imports.add_votes(round_id, rows)
    return ImportReport(
        project_code=code,
        round_key=round_key,
        statements=len(conversation.statements),
        moderated_out=len(conversation.moderated_out),
        residents=len(voters),
        votes=len(rows),
        ignored_votes=len(conversation.votes) - len(rows),
    )


async def _add_project(
    uow: UnitOfWork, conversation: PolisConversation, code: str, title: str
) -> model.Project:
    summary = dict(conversation.summary)
    project = model.Project(
        code=code,
        title=(title or summary.get("topic") or code)[: model.MAX_TITLE_LENGTH],
        organisation_id=await uow.projects.organisation(*ORGANISATION),
        intro=summary.get("conversation-description", ""),
        language="en",
        settings={"listed": False, "ask_profile": False, "imported_from": "polis"},
        created_at=uow.clock(),
    )
    project.id = await uow.projects.add(project)
    return project


async def _add_round(
    uow: UnitOfWork,
    conversation: PolisConversation,
    statements: list[PolisStatement],
    project_id: int,
    round_key: str,
) -> int:
    """Add the closed statements round; its settings keep what an export writes back."""
    stamps = [v.timestamp for v in conversation.votes] + [s.timestamp for s in statements]
    unit = "ms" if any(s > MS_THRESHOLD for s in stamps) else "s"
    rnd = model.Round(
        project_id=project_id,
        key=round_key,
        kind=model.RoundKind.STATEMENTS,
        question=dict(conversation.summary).get("topic", ""),
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
    return await uow.projects.add_round(rnd)


async def export_conversation(
    uow: UnitOfWork, rnd: model.Round, analyses: Analyses
) -> tuple[PolisConversation, dict[str, int | None]]:
    """Build the Pol.is view of a statements round and our group of each voter."""
    assert rnd.id is not None
    project = await uow.projects.get(rnd.project_id)
    polis: dict[str, Any] = dict(rnd.settings.get("polis") or {})
    unit = polis.get("unit", "ms")

    def stamp(moment: datetime | None) -> int:
        if moment is None:
            return 0
        seconds = moment.timestamp()
        return round(seconds * 1000) if unit == "ms" else int(seconds)

    loaded = await load_round_votes(uow, rnd.id)
    votes = sorted(
        (
            PolisVote(
                voter_id=loaded.resident_labels[resident_id],
                statement_id=loaded.item_labels[item_id],
                value=value,
                timestamp=stamp(moment),
            )
            for resident_id, item_id, value, moment in await vote_times(uow, rnd.id)
        ),
        key=lambda v: (natural_key(v.statement_id), natural_key(v.voter_id)),
    )
    statements = _statements(loaded, votes, polis)
    found = await analyses.result(uow, rnd.id)
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


def _statements(
    loaded: RoundVotes, votes: list[PolisVote], polis: dict[str, Any]
) -> list[PolisStatement]:
    """Every statement of a round in position order, with its agree and disagree counts and the
    author and creation time an import kept in the round's settings."""
    authors: dict[str, str] = polis.get("authors", {})
    created: dict[str, int] = polis.get("created", {})
    agrees: dict[str, int] = {}
    disagrees: dict[str, int] = {}
    for vote in votes:
        if vote.value == 1:
            agrees[vote.statement_id] = agrees.get(vote.statement_id, 0) + 1
        elif vote.value == -1:
            disagrees[vote.statement_id] = disagrees.get(vote.statement_id, 0) + 1
    active = set(loaded.statement_ids)
    return [
        PolisStatement(
            id=label,
            text=loaded.texts[label],
            moderated=1 if label in active else -1,
            author_id=str(authors.get(label, "")),
            timestamp=int(created.get(label, 0)),
            agrees=agrees.get(label, 0),
            disagrees=disagrees.get(label, 0),
        )
        for label in loaded.item_labels.values()
    ]
