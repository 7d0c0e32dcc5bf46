"""Reminders and the timeline: send a reminder now (after a confirmation that says how many
residents it reaches), and the project's rounds and messages in time, past and planned."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.domain import commands as c
from core.views.schedule import reminder_reach, timeline
from web.deps import (
    FacilitatorDep,
    LanguageDep,
    ServicesDep,
    UserDep,
    project_for,
    round_for,
    send,
)
from web.routes.manage.common import page, router

# A reminder sent by hand gets a number of its own (the minute it was sent), so it never takes
# the place of a planned one (0, 1, ...) and a double click in the same minute sends it once.
MINUTE = 60


@router.get("/projects/{code}/rounds/{key}/remind", response_class=HTMLResponse)
async def confirm_reminder(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Say how many residents a reminder sent now reaches, and ask to confirm it."""
    project = await project_for(services, session, code, change=True)
    rnd = await round_for(services, project, key)
    async with services.reading() as uow:
        reach = await reminder_reach(uow, rnd)
    is_open = rnd.is_open(services.clock())
    return page(
        request, session, lang, "manage/remind.html",
        project=project, round=rnd, reach=reach, is_open=is_open,
    )  # fmt: skip


@router.post("/projects/{code}/rounds/{key}/remind", response_class=HTMLResponse)
async def send_reminder(
    code: str, key: str, services: ServicesDep, session: FacilitatorDep
) -> Response:
    """Queue a reminder now for the residents who have not finished the round."""
    project = await project_for(services, session, code, change=True)
    rnd = await round_for(services, project, key)
    number = int(services.clock().timestamp()) // MINUTE
    queued = await send(services, c.SendReminder(rnd.id or 0, number, session.user.id))
    return RedirectResponse(
        f"/manage/projects/{project.code}/timeline?reminded={int(queued or 0)}&round={key}", 303
    )


@router.get("/projects/{code}/timeline", response_class=HTMLResponse)
async def project_timeline(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """The project's rounds and messages in time: what happened and what is planned."""
    project = await project_for(services, session, code)
    async with services.reading() as uow:
        found = await timeline(uow, project.id or 0, services.clock())
    reminded = request.query_params.get("reminded", "")
    return page(
        request, session, lang, "manage/timeline.html",
        project=project, timeline=found,
        reminded=int(reminded) if reminded.isdigit() else None,
    )  # fmt: skip
