"""Importing ideas collected elsewhere (on paper, at a meeting) into an ideas round.

Every row goes through the chat's checks: the text is cleaned and limited, a text with
personal details, a link or profanity waits for review, and under pre-moderation every idea
waits. Each row gets a resident of its own: pseudonymous, on the channel ``import``, with the
row's wijk, and no way to reach them (no contact is stored), so they count as participants and
are never sent a message. The whole file is added in one transaction, or nothing is.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.domain.errors import InvalidInput, UnknownItem
from core.domain.screening import flags
from core.services.idea_file import IdeaRow, read_ideas
from core.storage.uow import UnitOfWork

CHANNEL = "import"
DEFAULT_SOURCE = "import"


def pseudonym() -> str:
    """A pseudonym nobody can be traced or reached by."""
    return f"import-{secrets.token_hex(16)}"


def _resident(rnd: model.Round, row: IdeaRow, now: datetime) -> model.Resident:
    return model.Resident(
        pseudonym=pseudonym(),
        project_id=rnd.project_id,
        channel=CHANNEL,
        consent_at=now,
        wijk=row.wijk,
        created_at=now,
    )


def _idea(
    rnd: model.Round, row: IdeaRow, resident_id: int, pre: bool, now: datetime
) -> model.Idea:
    found = flags(row.text)
    waits = pre or bool(found)  # a flagged idea is held whatever the mode
    status = model.ContributionStatus.NEW if waits else model.ContributionStatus.APPROVED
    source = row.source or DEFAULT_SOURCE
    return model.Idea(
        rnd.id or 0, resident_id, row.text, status, created_at=now, flags=found, source=source
    )


async def import_ideas(cmd: c.ImportIdeas, uow: UnitOfWork) -> dict[str, int]:
    """Add every idea of the file, or none; return how many were added and how many wait."""
    rnd = await uow.projects.round(cmd.round_id)
    if rnd is None:
        raise UnknownItem("round")
    if rnd.kind != model.RoundKind.IDEAS:
        raise InvalidInput("not_an_ideas_round")
    project = await uow.projects.get(rnd.project_id)
    settings: dict[str, Any] = project.settings if project else {}
    rows = read_ideas(cmd.data, list(settings.get("wijken") or {}))
    pre = settings.get("moderation") == "pre"
    now = uow.clock()
    people = await uow.residents.add_many([_resident(rnd, row, now) for row in rows])
    ideas = [_idea(rnd, row, who, pre, now) for row, who in zip(rows, people, strict=True)]
    for idea_id in await uow.contributions.add_ideas(ideas):
        uow.emit(e.IdeaSubmitted(idea_id, rnd.id or 0))
    waiting = sum(1 for idea in ideas if idea.status == model.ContributionStatus.NEW)
    return {"added": len(rows), "waiting": waiting}


IMPORT_HANDLERS: dict[type[c.Command], Any] = {c.ImportIdeas: import_ideas}
