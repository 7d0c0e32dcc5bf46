"""The retention period in the project form and the project file; closing starts it."""

from __future__ import annotations

from core.services.project_file import export_project, parse_project_file
from tests.web.conftest import csrf_of

FORM = {"title": "Groen", "language": "nl", "status": "active", "moderation": "post",
        "quiet_start": "21:00", "quiet_end": "09:00", "wijken": ""}  # fmt: skip


async def test_the_project_form_sets_the_retention_period_and_refuses_a_bad_one(
    signed_in, demo, clock
):
    page = (await signed_in.get("/manage/projects/DEMO/edit")).text
    assert 'name="retention_days" type="number" value="365"' in page
    assert "Persoonsgegevens bewaren" in page
    bad = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": csrf_of(page), **FORM, "retention_days": "0"},
    )
    assert bad.status_code == 400 and "Geef een getal van minstens 1." in bad.text
    response = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": csrf_of(page), **FORM, "retention_days": "90"},
    )
    assert response.status_code == 303, response.text
    closing = await signed_in.get("/manage/projects/DEMO/close")  # closing asks first
    closed = await signed_in.post(
        "/manage/projects/DEMO/close", data={"csrf": csrf_of(closing.text)}
    )
    assert closed.status_code == 303, closed.text
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        exported = await export_project(uow, "DEMO")
    assert project is not None
    assert project.retention_days == 90 and project.closed_at == clock()
    assert "retention_days = 90" in exported
    assert parse_project_file(exported).project.retention_days == 90
