"""Saving a project in the web area tells the scheduler of this process (no 30 s wait)."""

from __future__ import annotations

from core.domain import events as e
from core.services.project_file import export_project
from inspraak.bootstrap import Container
from tests.web.conftest import csrf, csrf_of


def _changes(container: Container) -> list[int]:
    seen: list[int] = []

    async def record(event: e.ProjectScheduleChanged) -> None:
        seen.append(event.project_id)

    container.bus.subscribe(e.ProjectScheduleChanged, record)
    return seen


async def test_editing_a_project_in_the_web_area_reschedules_its_rounds(signed_in, demo):
    changes = _changes(demo)
    page = await signed_in.get("/manage/projects/DEMO/edit")
    response = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": csrf_of(page.text), "title": "Nieuw", "language": "nl",
              "status": "active", "moderation": "post", "quiet_start": "21:00",
              "quiet_end": "09:00"},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project is not None and changes == [project.id]


async def test_uploading_a_project_file_reschedules_its_rounds(signed_in, demo):
    changes = _changes(demo)
    async with demo.uow() as uow:
        text = await export_project(uow, "DEMO")
    files = {"file": ("DEMO.toml", text.encode(), "application/toml")}
    token = await csrf(signed_in)
    response = await signed_in.post("/manage/projects/import", data={"csrf": token}, files=files)
    assert response.status_code == 303, response.text
    assert len(changes) == 1
