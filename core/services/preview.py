"""Trying a project's dialogue without leaving a trace: a preview chat on a throwaway copy.

A facilitator's preview never touches the project's database. Starting one copies the
project (its texts, rounds, items and statements, as a project file holds them) into a
database of its own, a SQLite file in ``<data dir>/previews/<code>/<token>/``; every message of
the preview is handled by the real conversation service against that copy, and stopping the
preview (or two hours without a message) removes the folder. So nothing a facilitator does
in a preview can count in the results, the exports or the number of residents, and no
resident is left behind.

The copy opens what a resident would meet: the rounds that are open now; when none is (a
draft project, or between rounds), every round that has not closed; when every round has
closed, all of them. Times, reminders and the shortlist are left out of the copy, and a round
that takes its items from ideas gets the items it has now as fixed items.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.domain import model
from core.domain.errors import DomainError
from core.messages import Incoming, form_turn
from core.services.bus import DEFAULT_HANDLERS, MessageBus
from core.services.conversation import Conversations
from core.services.project_file import import_project
from core.services.project_spec import file_data, validate_file
from core.storage.database import Database
from core.storage.db import create_all, create_engine
from core.storage.uow import Clock, UnitOfWork, utcnow

__all__ = ["PREVIEW_CHANNEL", "MAX_IDLE_SECONDS", "PreviewEntry", "PreviewGone", "Previews"]

PREVIEW_CHANNEL = "web"  # the copy's visitor speaks as a web-chat resident would
MAX_IDLE_SECONDS = 2 * 3600  # a preview left alone this long is removed
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_DATABASE = "preview.db"


class PreviewGone(DomainError):
    """No such preview (never started, stopped, or removed after two idle hours)."""

    code = "preview_gone"


@dataclass(frozen=True)
class PreviewEntry:
    """One message of the preview's conversation, as the web chat shows it."""

    outgoing: bool
    text: str
    options: list[dict[str, str]]


class Previews:
    """The preview chats of one process, each on its own throwaway copy of a project."""

    def __init__(
        self,
        folder: Path,
        source: Callable[[], UnitOfWork],
        secret_key: str,
        clock: Clock = utcnow,
        public_url: str = "",
    ) -> None:
        self.folder = folder  # <data dir>/previews
        self.source = source  # read-only units of work on the real database
        self.secret_key = secret_key
        self.clock = clock
        self.public_url = public_url

    async def start(self, code: str, language: str | None = None) -> str:
        """Copy project ``code`` and open its conversation; return the preview's token."""
        self.sweep()
        async with self.source() as uow:
            project = await uow.projects.by_code(code)
            if project is None:
                raise PreviewGone(code)
            data = await copy_data(uow, project)
        token = secrets.token_urlsafe(24)
        place = self._place(code, token)
        place.mkdir(parents=True)
        async with self._copy(place) as (database, conversations):
            await create_all(database.engine)
            async with UnitOfWork(database, self.clock) as uow:
                await import_project(uow, validate_file(data))
                await uow.commit()
            start = Incoming.start(code, language_hint=language)
            await conversations.handle(PREVIEW_CHANNEL, token, start, keep_log=True)
        return token

    async def answer(
        self,
        code: str,
        token: str,
        *,
        text: str | None = None,
        choice: str | None = None,
        turn: str | None = None,
    ) -> None:
        """Hand a typed message or a pressed button to the preview's conversation; a form
        posted again with the same ``turn`` (``core.messages.new_turn``) is one message."""
        if choice:
            incoming = Incoming.choice(choice[:64])
        elif text is not None:
            incoming = Incoming.message(text)
        else:
            return
        async with self._copy(self._existing(code, token)) as (_, conversations):
            await conversations.handle(
                PREVIEW_CHANNEL, token, incoming, keep_log=True, dedupe_key=form_turn(turn)
            )

    async def transcript(self, code: str, token: str) -> list[PreviewEntry]:
        """The preview's conversation so far."""
        async with self._copy(self._existing(code, token)) as (_, conversations):
            rows: list[dict[str, Any]] = await conversations.history(PREVIEW_CHANNEL, token)
        return [
            PreviewEntry(bool(r["outgoing"]), str(r["text"]), list(r["options"])) for r in rows
        ]

    def exists(self, code: str, token: str) -> bool:
        return _TOKEN.match(token or "") is not None and self._database(code, token).exists()

    def stop(self, code: str, token: str) -> None:
        """Remove the preview's copy (nothing happens for one that is gone already)."""
        if _TOKEN.match(token or ""):
            shutil.rmtree(self._place(code, token), ignore_errors=True)

    def sweep(self, now: float | None = None) -> int:
        """Remove the previews left alone longer than two hours; return how many."""
        moment = time.time() if now is None else now
        removed = 0
        for place in self.folder.glob("*/*"):
            database = place / _DATABASE
            seen = database.stat().st_mtime if database.exists() else place.stat().st_mtime
            if moment - seen > MAX_IDLE_SECONDS:
                shutil.rmtree(place, ignore_errors=True)
                removed += 1
        return removed

    def _place(self, code: str, token: str) -> Path:
        return self.folder / code / token

    def _database(self, code: str, token: str) -> Path:
        return self._place(code, token) / _DATABASE

    def _existing(self, code: str, token: str) -> Path:
        if not self.exists(code, token):
            raise PreviewGone(code)
        return self._place(code, token)

    @asynccontextmanager
    async def _copy(self, place: Path) -> AsyncIterator[tuple[Database, Conversations]]:
        """The copy's database and a conversation service on it, for one request."""
        database = Database(create_engine(f"sqlite+aiosqlite:///{place / _DATABASE}"))
        clock = self.clock

        def writing() -> UnitOfWork:
            return UnitOfWork(database, clock)

        def reading() -> UnitOfWork:
            return UnitOfWork(database, clock, read_only=True)

        bus = MessageBus(writing, DEFAULT_HANDLERS)
        conversations = Conversations(
            bus, self.secret_key, reading=reading, public_url=self.public_url
        )
        try:
            yield database, conversations
        finally:
            await database.dispose()
        _used(place)


def _used(place: Path) -> None:
    """Mark the preview as used now (the sweep counts idle time from here); a metadata
    update of one local file, too short to hand to a thread."""
    if place.exists():
        (place / _DATABASE).touch()


async def copy_data(uow: UnitOfWork, project: model.Project) -> dict[str, Any]:
    """The project as project-file data for its preview copy (see the module's docstring)."""
    data = await file_data(uow, project)
    rounds = {r.key: r for r in await uow.projects.rounds(project.id or 0)}
    table = {**data["project"], "status": model.ProjectStatus.ACTIVE.value}
    copied = []
    for each in data["rounds"]:
        each = {k: v for k, v in each.items() if k not in _LEFT_OUT}
        rnd = rounds[each["key"]]
        if rnd.items_from:
            texts = list(dict.fromkeys(i.text for i in await uow.projects.items(rnd.id or 0)))
            if not texts:
                continue  # no items yet: nothing to rate in this round
            each["items" if rnd.kind == model.RoundKind.RATING else "statements"] = texts
        copied.append(each)
    states = [r["state"] for r in copied]
    if "open" not in states:  # nothing runs now: open what is still to come (or everything)
        everything_closed = all(state == "closed" for state in states)
        for each in copied:
            if everything_closed or each["state"] != "closed":
                each["state"] = "open"
    return {"project": table, "rounds": copied}


_LEFT_OUT = frozenset({"opens_at", "closes_at", "reminders", "items_from", "shortlist"})
