"""Opening, closing, publishing and taking back a round: each asks first, saying what happens.

``GET .../rounds/{key}/{action}`` shows what the action will do, with the number of residents
it reaches (and, before publishing, what still waits for moderation and a preview); the form
on that page posts to the same address. An action that does not apply to the round's state is
refused by the domain with the reason.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.domain import commands as c
from core.domain.errors import ActionNotAvailable
from core.domain.model import Project, Round, RoundAction
from core.services.round_actions import preview_action
from web.deps import (
    FacilitatorDep,
    LanguageDep,
    Services,
    ServicesDep,
    Session,
    project_for,
    round_for,
    send,
)
from web.routes.manage.common import page, router
from web.routes.manage.shortlist import needs_shortlist

COMMANDS = {
    RoundAction.OPEN: c.OpenRound,
    RoundAction.CLOSE: c.CloseRound,
    RoundAction.PUBLISH: c.PublishResults,
    RoundAction.UNPUBLISH: c.UnpublishResults,
}


async def _confirmation(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    project: Project,
    rnd: Round,
    action: RoundAction,
) -> Response:
    async with services.reading() as uow:
        preview = await preview_action(uow, project, rnd, action, services.clock())
    status = 200 if preview.available else 409
    return page(
        request,
        session,
        lang,
        "manage/round_action.html",
        status_code=status,
        project=project,
        preview=preview,
    )


async def confirm(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Say what the action will do and ask to go ahead."""
    action = RoundAction(request.url.path.rsplit("/", 1)[1])
    project = await project_for(services, session, code, change=True)
    rnd = await round_for(services, project, key)
    if action == RoundAction.OPEN and needs_shortlist(rnd):  # the items are confirmed there
        return RedirectResponse(f"/manage/projects/{project.code}/rounds/{key}/shortlist?open=1")
    return await _confirmation(request, services, session, lang, project, rnd, action)


async def act(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Do the confirmed action; one the round's state does not allow is explained instead."""
    action = RoundAction(request.url.path.rsplit("/", 1)[1])
    project = await project_for(services, session, code, change=True)
    rnd = await round_for(services, project, key)
    if action == RoundAction.OPEN and needs_shortlist(rnd):  # the facilitator sees the items
        return RedirectResponse(
            f"/manage/projects/{project.code}/rounds/{key}/shortlist?open=1", 303
        )
    try:
        await send(services, COMMANDS[action](rnd.id or 0, session.user.id))
    except ActionNotAvailable:
        return await _confirmation(request, services, session, lang, project, rnd, action)
    return RedirectResponse(f"/manage/projects/{project.code}#round-{key}", 303)


for _action in RoundAction:
    _path = "/projects/{code}/rounds/{key}/" + _action.value
    router.add_api_route(_path, confirm, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(_path, act, methods=["POST"], response_class=HTMLResponse)
