"""Builders for the outbox and scheduling tests: a project with rounds, subscribed residents."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.domain import commands as c
from core.outbox import OutboxSender
from core.services.project_file import import_project, parse_project_file
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import TestClock, project_toml
from tests.fakes.senders import ScriptedSender, VirtualSleep

ROUNDS = """
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat moet er beter in de buurt?"
state = "draft"
reminders = ["P2D"]

[[rounds]]
key = "cijfers"
kind = "rating"
question = "Hoe belangrijk is dit?"
items = ["Meer bomen", "Minder auto's", "Een speeltuin"]
state = "open"
"""


async def make_project(
    container: Container, rounds: str = ROUNDS, code: str = "TEST", **extra: Any
) -> int:
    text = project_toml(code, rounds)
    for key, value in extra.items():
        text = text.replace("[project]\n", f"[project]\n{key} = {value}\n", 1)
    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(text))
        await uow.commit()
    assert project.id is not None
    return project.id


async def round_id(container: Container, key: str, code: str = "TEST") -> int:
    async with container.uow() as uow:
        project = await uow.projects.by_code(code)
        assert project is not None and project.id is not None
        return next(r.id for r in await uow.projects.rounds(project.id) if r.key == key) or 0


async def subscribe(
    container: Container,
    project_id: int,
    count: int,
    *,
    channel: str = "telegram",
    first: int = 1000,
    language: str = "nl",
) -> list[str]:
    """Create ``count`` consented residents with a contact; return their addresses."""
    addresses = []
    for n in range(first, first + count):
        address = str(n)
        pseudonym = container.conversations.pseudonym(channel, address)
        await container.bus.handle(
            c.GiveConsent(pseudonym, project_id, channel, language, address=address)
        )
        addresses.append(address)
    return addresses


async def outbox_rows(container: Container, **where: Any) -> list[dict[str, Any]]:
    async with container.uow() as uow:
        query = sa.select(t.outbox).order_by(t.outbox.c.id)
        for column, value in where.items():
            query = query.where(t.outbox.c[column] == value)
        return [dict(r._mapping) for r in await uow.conn.execute(query)]


def make_sender(
    container: Container, clock: TestClock, sender: ScriptedSender | None = None, **kwargs: Any
) -> tuple[OutboxSender, ScriptedSender]:
    fake = sender or ScriptedSender(clock)
    options: dict[str, Any] = {"rates": {"telegram": 25.0}, "window": 20}
    options.update(kwargs)
    outbox = OutboxSender(
        container.database, {"telegram": fake}, clock=clock, sleep=VirtualSleep(clock), **options
    )
    return outbox, fake


async def no_quiet_hours(container: Container, project_id: int) -> None:
    """Switch quiet hours off (tests on the real clock must not depend on the hour)."""
    async with container.uow() as uow:
        project = await uow.projects.get(project_id)
        assert project is not None
        project.settings = {**project.settings, "quiet_hours": []}
        await uow.projects.update(project)
        await uow.commit()
