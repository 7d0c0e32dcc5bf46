"""Editing projects and rounds as commands: checked whole, all or nothing, by the policy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.domain import commands as c
from core.domain import events as e
from core.domain.errors import InvalidInput
from core.domain.policy import NotAllowed
from core.services import accounts
from core.services.project_file import export_project, import_project, parse_project_file
from core.services.project_spec import InvalidProjectFile
from inspraak.bootstrap import Container
from tests.factories import project_toml

PROJECT = {"code": "park", "title": "Het park", "organisation": "gemeente-test"}
IDEAS = {"key": "ideeen", "kind": "ideas", "question": "Wat wil je?"}
RATING = {"key": "cijfers", "kind": "rating", "items_from": "ideeen", "criteria": ["Belang"]}


async def user_id(container: Container, role: str, organisation: str) -> int:
    async with container.uow() as uow:
        user, _ = await accounts.create_user(uow, f"{role}@{organisation}.nl", role, organisation)
        await uow.commit()
    return user.id or 0


def published(container: Container) -> list[int]:
    seen: list[int] = []

    async def record(event: e.ProjectScheduleChanged) -> None:
        seen.append(event.project_id)

    container.bus.subscribe(e.ProjectScheduleChanged, record)
    return seen


async def test_a_project_is_created_edited_and_given_rounds_and_the_scheduler_hears_each(
    container: Container,
):
    changes = published(container)
    created = await container.bus.handle(c.CreateProject(PROJECT))
    await container.bus.handle(c.UpdateProject("PARK", {"title": "Het nieuwe park"}))
    await container.bus.handle(c.AddRound("PARK", IDEAS))
    await container.bus.handle(c.AddRound("PARK", RATING))
    await container.bus.handle(c.EditRound("PARK", "ideeen", {**IDEAS, "question": "Wat?"}))
    async with container.uow() as uow:
        project = await uow.projects.by_code("PARK")
        rounds = await uow.projects.rounds(created.id)
    assert project is not None and project.title == "Het nieuwe park"
    assert [(r.key, r.question) for r in rounds] == [("ideeen", "Wat?"), ("cijfers", "")]
    assert changes == [created.id] * 5


async def test_an_edit_that_breaks_a_rule_changes_nothing(container: Container):
    await container.bus.handle(c.CreateProject(PROJECT))
    await container.bus.handle(c.AddRound("PARK", IDEAS))
    async with container.uow() as uow:
        before = await export_project(uow, "PARK")
    changes = published(container)
    late = {
        **IDEAS,
        "question": "Iets anders",
        "opens_at": datetime(2026, 12, 21, tzinfo=UTC),
        "closes_at": datetime(2026, 12, 20, tzinfo=UTC),
    }
    with pytest.raises(InvalidProjectFile) as refused:
        await container.bus.handle(c.EditRound("PARK", "ideeen", late))
    assert refused.value.round_index == 0
    assert [p["loc"] for p in refused.value.problems] == [("rounds", 0)]
    with pytest.raises(InvalidProjectFile):
        await container.bus.handle(c.AddRound("PARK", {**RATING, "items_from": "later"}))
    with pytest.raises(InvalidProjectFile):
        await container.bus.handle(c.UpdateProject("PARK", {"quiet_hours": ("25:00", "09:00")}))
    async with container.uow() as uow:
        assert await export_project(uow, "PARK") == before
    assert changes == []


async def test_a_code_in_use_is_refused_beside_the_code_field(container: Container):
    await container.bus.handle(c.CreateProject(PROJECT))
    with pytest.raises(InvalidProjectFile) as refused:
        await container.bus.handle(c.CreateProject({**PROJECT, "title": "Tweede"}))
    assert [(p["loc"], p["type"]) for p in refused.value.problems] == [
        (("project", "code"), "code_taken")
    ]


async def test_a_facilitator_of_another_organisation_is_refused_by_the_policy(
    container: Container,
):
    await container.bus.handle(c.CreateProject(PROJECT))
    await container.bus.handle(c.AddRound("PARK", IDEAS))
    outsider = await user_id(container, "facilitator", "gemeente-elders")
    async with container.uow() as uow:
        before = await export_project(uow, "PARK")
    refused = [
        c.UpdateProject("PARK", {"title": "Overgenomen"}, outsider),
        c.AddRound("PARK", {**IDEAS, "key": "meer"}, outsider),
        c.EditRound("PARK", "ideeen", {**IDEAS, "question": "Van ons?"}, outsider),
        c.DeleteRound("PARK", "ideeen", outsider),
        c.CreateProject({**PROJECT, "code": "ANDER"}, outsider),
    ]
    for command in refused:
        with pytest.raises(NotAllowed):
            await container.bus.handle(command)
    spec = parse_project_file(project_toml("PARK").replace("Testproject", "Overgenomen"))
    with pytest.raises(NotAllowed):
        await container.bus.handle(c.ImportProject(spec.model_dump(), outsider))
    async with container.uow() as uow:
        assert await export_project(uow, "PARK") == before
        assert await uow.projects.by_code("ANDER") is None


async def test_a_facilitator_edits_the_projects_of_their_own_organisation(container: Container):
    await container.bus.handle(c.CreateProject(PROJECT))
    insider = await user_id(container, "facilitator", "gemeente-test")
    viewer = await user_id(container, "viewer", "gemeente-test")
    done = await container.bus.handle(c.UpdateProject("PARK", {"title": "Van ons"}, insider))
    assert done.title == "Van ons"
    with pytest.raises(NotAllowed):
        await container.bus.handle(c.UpdateProject("PARK", {"title": "Gelezen"}, viewer))


async def test_a_round_that_never_opened_can_be_deleted_unless_another_draws_on_it(
    container: Container,
):
    await container.bus.handle(c.CreateProject(PROJECT))
    for spec in (IDEAS, RATING, {**IDEAS, "key": "later"}):
        await container.bus.handle(c.AddRound("PARK", spec))
    with pytest.raises(InvalidProjectFile):
        await container.bus.handle(c.DeleteRound("PARK", "ideeen"))
    await container.bus.handle(c.DeleteRound("PARK", "cijfers"))
    async with container.uow() as uow:
        project = await uow.projects.by_code("PARK")
        rounds = await uow.projects.rounds(project.id)
    assert [(r.key, r.position) for r in rounds] == [("ideeen", 0), ("later", 1)]
    await container.bus.handle(c.OpenRound(rounds[0].id))
    with pytest.raises(InvalidInput):
        await container.bus.handle(c.DeleteRound("PARK", "ideeen"))


async def test_the_command_line_import_runs_the_import_command_in_the_callers_transaction(
    container: Container,
):
    spec = parse_project_file(project_toml("PARK"))
    async with container.uow() as uow:
        project, notes = await import_project(uow, spec)
        assert uow.collect_events() == [e.ProjectScheduleChanged(project.id)]
    async with container.uow() as uow:
        assert await uow.projects.by_code("PARK") is None  # not committed: nothing written
    assert [str(note) for note in notes] == ["created project PARK"]
