"""Service tests on the fake unit of work: no database, the service's own rules only."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bots.telegram.registry import HANDLERS as BOT_HANDLERS
from core.domain import model
from core.services.bus import DEFAULT_HANDLERS, MessageBus
from tests.factories import TestClock
from tests.fakes.uow import FakeDatabase


@pytest.fixture
def clock() -> TestClock:
    return TestClock()


@pytest.fixture
def db(clock: TestClock) -> FakeDatabase:
    return FakeDatabase(clock)


@pytest.fixture
def bus(db: FakeDatabase) -> MessageBus:
    handlers = {**DEFAULT_HANDLERS, **BOT_HANDLERS}
    return MessageBus(db.uow, handlers)  # type: ignore[arg-type]  # the fake has the unit's shape


@dataclass
class Plan:
    """A project with an ideas round, a rating round drawing on it, statements and feedback."""

    project_id: int
    ideas: int
    rating: int
    statements: int
    feedback: int
    statement_items: list[int]


async def make_plan(
    db: FakeDatabase,
    *,
    moderation: str = "post",
    max_ideas: int | None = None,
    wijken: dict[str, list[str]] | None = None,
) -> Plan:
    settings: dict[str, object] = {"moderation": moderation}
    if wijken is not None:
        settings["wijken"] = wijken
    kinds = model.RoundKind
    async with db.uow() as uow:
        org = await uow.projects.organisation("gemeente-a", "Gemeente A")
        project_id = await uow.projects.add(model.Project("PLAN", "Plan", org, settings=settings))
        rounds = [
            model.Round(project_id, "ideeen", kinds.IDEAS, 0, max_per_resident=max_ideas),
            model.Round(project_id, "beoordelen", kinds.RATING, 1, items_from="ideeen"),
            model.Round(project_id, "stellingen", kinds.STATEMENTS, 2),
            model.Round(project_id, "terugblik", kinds.FEEDBACK, 3),
        ]
        ids = []
        for rnd in rounds:
            rnd.state = model.RoundState.OPEN
            ids.append(await uow.projects.add_round(rnd))
        items = [
            await uow.projects.add_item(model.Item(ids[2], text, position))
            for position, text in enumerate(["Meer groen", "Minder auto's"])
        ]
        await uow.commit()
    return Plan(project_id, *ids, items)


async def shortlisted(db: FakeDatabase, round_id: int, *idea_ids: int) -> None:
    """Put ideas on a rating round as a fixed shortlist would (the shortlist itself reads SQL:
    tests/integration/test_shortlist.py)."""
    async with db.uow() as uow:
        for idea_id in idea_ids:
            await uow.projects.add_item_for_idea(round_id, idea_id, db.tables.ideas[idea_id].text)
        await uow.commit()
