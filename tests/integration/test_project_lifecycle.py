"""A project's whole life as commands: delete what never started, close and archive, copy,
start from a shipped or an own template; every step audited, refusals change nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core.domain import commands as c
from core.domain import model
from core.domain.errors import InvalidInput, UnknownItem
from core.domain.policy import NotAllowed
from core.services import templates
from core.services.project_file import export_project, import_project, parse_project_file
from core.services.project_spec import InvalidProjectFile, validate_file
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.integration.test_project_commands import user_id

PARK = """
[project]
code = "PARK"
title = "Het park"
organisation = "gemeente-test"
moderation = "pre"
wijken = { "Noord" = ["1031"] }

[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat wil je in het park?"
state = "open"
reminders = ["P2D"]

[[rounds]]
key = "cijfers"
kind = "rating"
items_from = "ideeen"
items = ["Meer bankjes", "Een speeltuin"]
criteria = ["Belang"]
opens_at = "2026-12-20T09:00:00+01:00"
"""


async def park(container: Container, toml: str = PARK) -> model.Project:
    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(toml, "park.toml"))
        await uow.commit()
    return project


async def join(container: Container, project: model.Project) -> None:
    async with container.uow() as uow:
        now = datetime(2026, 12, 2, tzinfo=UTC)
        await uow.residents.add(model.Resident("p1", project.id or 0, "test", now))
        await uow.commit()


async def audit_actions(container: Container) -> list[tuple[str, str]]:
    async with container.uow() as uow:
        rows = await uow.conn.execute(
            sa.select(t.audit_log.c.action, t.audit_log.c.target).order_by(t.audit_log.c.id)
        )
        return [(r.action, r.target) for r in rows]


async def test_a_copy_has_the_rounds_texts_and_settings_as_drafts_and_no_answers(container):
    source = await park(container)
    await join(container, source)
    me = await user_id(container, "facilitator", "gemeente-test")
    copy = await container.bus.handle(c.CopyProject("park", "park2", "", me))
    async with container.uow() as uow:
        text = await export_project(uow, "PARK2")
        rounds = await uow.projects.rounds(copy.id)
        assert not await uow.projects.has_residents(copy.id)
    spec = parse_project_file(text).model_dump()
    assert spec["project"]["title"] == "Het park"
    assert spec["project"]["status"] == "draft"
    assert spec["project"]["moderation"] == "pre"
    assert spec["project"]["wijken"] == {"Noord": ["1031"]}
    assert [r.state for r in rounds] == [model.RoundState.DRAFT, model.RoundState.DRAFT]
    assert [r.opens_at for r in rounds] == [None, None]
    assert spec["rounds"][0]["reminders"] == ["P2D"]
    assert spec["rounds"][1]["items"] == ["Meer bankjes", "Een speeltuin"]
    assert spec["rounds"][1]["items_from"] == "ideeen"
    assert ("project.copy", "project:PARK2") in await audit_actions(container)


async def test_a_copy_needs_a_free_code(container):
    await park(container)
    with pytest.raises(InvalidProjectFile) as refused:
        await container.bus.handle(c.CopyProject("PARK", "park"))
    assert refused.value.problems[0]["type"] == "code_taken"


async def test_a_project_that_never_started_is_deleted_with_its_rounds(container):
    await park(container)
    copy = await container.bus.handle(c.CopyProject("PARK", "KOPIE"))
    me = await user_id(container, "facilitator", "gemeente-test")
    await container.bus.handle(c.DeleteProject("kopie", me))
    async with container.uow() as uow:
        assert await uow.projects.by_code("KOPIE") is None
        assert await uow.projects.rounds(copy.id) == []
    assert ("project.delete", "project:KOPIE") in await audit_actions(container)


async def test_a_project_that_ran_or_that_residents_joined_is_not_deleted(container):
    source = await park(container)  # its ideas round is open
    with pytest.raises(InvalidInput, match="project_started"):
        await container.bus.handle(c.DeleteProject("PARK"))
    draft = await container.bus.handle(c.CopyProject("PARK", "KOPIE"))
    await join(container, draft)
    with pytest.raises(InvalidInput, match="project_has_residents"):
        await container.bus.handle(c.DeleteProject("KOPIE"))
    async with container.uow() as uow:
        assert await uow.projects.by_code("PARK") == source
        assert await uow.projects.by_code("KOPIE") is not None


async def test_another_organisation_may_not_delete_copy_or_close(container):
    await park(container)
    other = await user_id(container, "facilitator", "gemeente-anders")
    for command in (
        c.DeleteProject("PARK", other),
        c.CopyProject("PARK", "MIJN", "", other),
        c.CloseProject("PARK", other),
        c.SaveTemplate("PARK", "Park", "", other),
    ):
        with pytest.raises(NotAllowed):
            await container.bus.handle(command)


async def test_closing_closes_open_rounds_stops_planned_ones_and_starts_retention(
    container, clock
):
    project = await park(container)
    await container.bus.handle(c.CloseProject("PARK"))
    async with container.uow() as uow:
        closed = await uow.projects.get(project.id)
        rounds = await uow.projects.rounds(project.id)
    assert closed.status == model.ProjectStatus.CLOSED
    assert closed.closed_at == clock()
    assert [r.state for r in rounds] == [model.RoundState.CLOSED, model.RoundState.DRAFT]


async def test_only_a_closed_project_is_archived_and_reopening_takes_it_out(container):
    await park(container)
    with pytest.raises(InvalidInput, match="project_not_closed"):
        await container.bus.handle(c.ArchiveProject("PARK"))
    await container.bus.handle(c.CloseProject("PARK"))
    await container.bus.handle(c.ArchiveProject("PARK"))
    async with container.reading() as uow:
        from core import views

        listed = await views.projects_for(uow, None)
    assert [(p["code"], p["archived"]) for p in listed] == [("PARK", True)]
    await container.bus.handle(c.ArchiveProject("PARK", archived=False))
    await container.bus.handle(c.ArchiveProject("PARK"))
    await container.bus.handle(c.UpdateProject("PARK", {"status": "active"}))
    async with container.uow() as uow:
        project = await uow.projects.by_code("PARK")
    assert "archived" not in project.settings


@pytest.mark.parametrize("template", [t.slug for t in templates.SHIPPED])
def test_every_shipped_template_is_a_valid_project_with_four_rounds(template):
    data = templates.shipped(template).data()
    spec = validate_file(
        templates.new_project_data(data, {"code": "X1", "organisation": "gemeente-test"})
    )
    assert [r.kind for r in spec.rounds] == ["ideas", "rating", "statements", "feedback"]
    assert spec.project.language == "nl" and spec.project.intro
    assert all(r.state is None and r.opens_at is None for r in spec.rounds)


async def test_a_project_starts_from_a_shipped_template_as_a_draft(container):
    me = await user_id(container, "facilitator", "gemeente-test")
    project = {"code": "visie", "title": "", "organisation": "gemeente-test"}
    made = await container.bus.handle(c.CreateFromTemplate("omgevingsvisie", project, me))
    async with container.uow() as uow:
        rounds = await uow.projects.rounds(made.id)
    assert made.status == model.ProjectStatus.DRAFT
    assert made.title == "Omgevingsvisie: onze gemeente in 2040"
    assert [r.key for r in rounds] == ["ideeen", "prioriteren", "keuzes", "reactie"]
    assert ("project.from_template", "project:VISIE") in await audit_actions(container)
    with pytest.raises(UnknownItem):
        await container.bus.handle(c.CreateFromTemplate("bestaat-niet", project, me))


async def test_an_own_template_keeps_the_project_and_starts_new_ones(container):
    await park(container)
    me = await user_id(container, "facilitator", "gemeente-test")
    number = await container.bus.handle(c.SaveTemplate("PARK", "Ons parkformat", "", me))
    project = {"code": "PARK-ZUID", "title": "Het park in Zuid", "organisation": "gemeente-test"}
    made = await container.bus.handle(c.CreateFromTemplate(f"own:{number}", project, me))
    async with container.uow() as uow:
        text = await export_project(uow, made.code)
    spec = parse_project_file(text)
    assert spec.project.title == "Het park in Zuid" and spec.project.moderation == "pre"
    assert [r.state for r in spec.rounds] == ["draft", "draft"]
    other = await user_id(container, "facilitator", "gemeente-anders")
    with pytest.raises(NotAllowed):
        await container.bus.handle(c.CreateFromTemplate(f"own:{number}", project, other))
    with pytest.raises(NotAllowed):
        await container.bus.handle(c.DeleteTemplate(number, other))
    await container.bus.handle(c.DeleteTemplate(number, me))
    with pytest.raises(UnknownItem):
        await container.bus.handle(c.CreateFromTemplate(f"own:{number}", project, me))
