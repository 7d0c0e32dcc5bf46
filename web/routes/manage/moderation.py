"""Moderation in the facilitator area: the queue, the log and the decisions."""

from __future__ import annotations

from fastapi import Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core import views
from core.domain import commands as c
from core.domain.errors import DomainError
from core.domain.model import Project, RoundKind
from core.domain.numbers import read_id
from core.domain.screening import flags
from core.i18n import N_
from web.deps import FacilitatorDep, IdPath, LanguageDep, ServicesDep, UserDep, project_for
from web.routes.manage.common import page, router

# What a refused decision means, by the refusal's code (only these reach the page: the
# address carries the code, never a sentence someone could make up).
REFUSALS = {
    "merge": N_("Type the number of the idea to merge into, for example 12."),
    "merged": N_("This idea was already merged into another one."),
    "rejected": N_("An idea cannot be merged into a rejected idea."),
    "held": N_("That idea is waiting for review: approve or correct it first, then merge."),
    "themes": N_("An idea can have at most five themes."),
    "empty": N_("The corrected text is empty."),
    "too_long": N_("The corrected text is too long."),
    "unknown_item": N_("That idea or comment no longer exists."),
}
REFUSED = N_("That did not work. Please try again.")


@router.get("/projects/{code}/moderation", response_class=HTMLResponse)
async def moderation(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """The queue of unreviewed ideas and feedback (flagged ones first) and the log."""
    project = await project_for(services, session, code)
    async with services.reading() as uow:
        queue = await views.moderation_queue(uow, project.id or 0, flag=flags)
        log = await views.moderation_log(uow, project.id or 0)
        rounds = await uow.projects.rounds(project.id or 0)
    mode = project.settings.get("moderation", "post")
    return page(
        request,
        session,
        lang,
        "manage/moderation.html",
        project=project,
        queue=queue,
        log=log,
        mode=mode,
        ideas_rounds=[r for r in rounds if r.kind == RoundKind.IDEAS],
        error=_refusal(request.query_params.get("error", "")),
    )


def _refusal(code: str) -> str:
    """The message id of a refusal's code (translated in the template); "" for none."""
    return REFUSALS.get(code, REFUSED) if code else ""


@router.post("/projects/{code}/moderation/{kind}/{item_id}/{action}")
async def moderate(
    code: str,
    kind: str,
    item_id: IdPath,
    action: str,
    services: ServicesDep,
    session: FacilitatorDep,
    reason: str = Form(""),
    text: str = Form(""),
    into: str = Form(""),
    themes: str = Form(""),
) -> Response:
    """Approve, reject, correct, merge or tag one contribution."""
    project = await project_for(services, session, code, change=True)
    if kind not in ("idea", "feedback"):
        raise HTTPException(404, N_("Unknown kind"))
    async with services.reading() as uow:
        row = await views.contribution_project(uow, kind, item_id)
    if row != project.id:
        raise HTTPException(404, N_("Unknown contribution"))
    command = _command(kind, item_id, action, session.user.id, reason, text, into, themes)
    if command is None:
        return _back(project, "merge")
    try:
        await services.bus.handle(command)
    except DomainError as error:
        return _back(project, error.detail if error.detail in REFUSALS else error.code)
    return _back(project)


def _command(
    kind: str,
    item_id: int,
    action: str,
    uid: int | None,
    reason: str,
    text: str,
    into: str,
    themes: str,
) -> c.Command | None:
    """The command of a decision; ``None`` when a merge does not name an idea by number."""
    if action == "approve":
        return c.ApproveContribution(kind, item_id, uid)
    if action == "reject":
        return c.RejectContribution(kind, item_id, reason or "-", uid)
    if action == "correct":
        return c.CorrectContribution(kind, item_id, text, uid)
    if action == "merge" and kind == "idea":
        target = into.strip().lstrip("#")
        target_id = read_id(target)
        return c.MergeIdeas(item_id, target_id, uid) if target_id is not None else None
    if action == "tag" and kind == "idea":
        return c.TagIdea(item_id, tuple(t for t in themes.split(",") if t.strip()), uid)
    raise HTTPException(404, N_("Unknown action"))


def _back(project: Project, error: str = "") -> Response:
    suffix = f"?error={error}" if error else ""
    return RedirectResponse(f"/manage/projects/{project.code}/moderation{suffix}", 303)
