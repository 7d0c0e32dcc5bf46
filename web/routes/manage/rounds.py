"""Rounds in the facilitator area: the round form, deleting, the progress of broadcasts.

Opening, closing, publishing and taking results back are in ``round_actions``."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.domain.model import Project
from core.i18n import N_, gettext_for
from core.services.project_spec import InvalidProjectFile, current_file
from core.views.broadcast import broadcast_progress
from web import forms
from web.deps import (
    FacilitatorDep,
    LanguageDep,
    Services,
    ServicesDep,
    Session,
    UserDep,
    project_for,
    round_for,
    send,
)
from web.rendering import render
from web.routes.manage.common import form_dict, router

STATE_BY_ACTION = N_(
    "A round is opened or closed with its button on the dashboard, which first shows who gets "
    "a message. A running or closed round keeps its state here."
)


async def _round_page(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    project: Project,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    editing: bool,
) -> Response:
    async with services.reading() as uow:
        current = await current_file(uow, project)
        rounds = await uow.projects.rounds(project.id or 0)
        stored = next((r for r in rounds if editing and r.key == values["key"]), None)
        answered = await uow.contributions.respondents(stored.id or 0) if stored else 0
    sources = [(r["key"], r["key"]) for r in current["rounds"] if r["kind"] == "ideas"]
    context = {
        "answered": answered,
        "stored_state": stored.state.value if stored else "",
        "session": session,
        "project": project,
        "values": values,
        "errors": errors,
        "editing": editing,
        "sources": sources,
    }
    status = 400 if errors else 200
    return render(request, "manage/round_form.html", context, lang, status_code=status)


@router.get("/projects/{code}/rounds/new", response_class=HTMLResponse)
async def new_round(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Show an empty round form."""
    project = await project_for(services, session, code, change=True)
    values = forms.round_form({"kind": request.query_params.get("kind", "ideas")})
    return await _round_page(request, services, session, lang, project, values, {}, False)


@router.post("/projects/{code}/rounds/new", response_class=HTMLResponse)
async def create_round(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Add a round (checked with the whole project file)."""
    project = await project_for(services, session, code, change=True)
    data = forms.round_data(form_dict(await request.form()))
    command = c.AddRound(project.code, data, session.user.id)
    return await _save_round(request, services, session, lang, project, command, data)


@router.get("/projects/{code}/rounds/{key}", response_class=HTMLResponse)
async def edit_round(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Show a round's form with its current values."""
    project = await project_for(services, session, code, change=True)
    async with services.reading() as uow:
        current = await current_file(uow, project)
    found = next((r for r in current["rounds"] if r["key"] == key), None)
    if found is None:
        raise HTTPException(404, N_("Unknown round"))
    values = forms.round_form(found)
    return await _round_page(request, services, session, lang, project, values, {}, True)


@router.post("/projects/{code}/rounds/{key}", response_class=HTMLResponse)
async def update_round(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Save a round's form; its key stays."""
    project = await project_for(services, session, code, change=True)
    data = forms.round_data({**form_dict(await request.form()), "key": key})
    stored = (await round_for(services, project, key)).state.value
    asked = data.get("state")
    if asked and asked != stored and (asked in ("open", "closed") or stored in ("open", "closed")):
        # opening and closing ask first, with whom it reaches: the round's action pages
        errors = {"state": [gettext_for(lang).gettext(STATE_BY_ACTION)]}
        values = forms.round_form(data)
        return await _round_page(request, services, session, lang, project, values, errors, True)
    command = c.EditRound(project.code, key, data, session.user.id)
    return await _save_round(request, services, session, lang, project, command, data)


async def _save_round(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    project: Project,
    command: c.AddRound | c.EditRound,
    data: dict[str, Any],
) -> Response:
    """Send an added or edited round; when the project file's rules refuse it, show the form
    again with what was typed and the errors beside the fields. The readability button
    (``?check=readability``, the way without JavaScript) shows the form again, saving nothing."""
    editing = isinstance(command, c.EditRound)
    if request.query_params.get("check") == "readability":
        values = forms.round_form(data)
        return await _round_page(request, services, session, lang, project, values, {}, editing)
    try:
        await send(services, command)
    except InvalidProjectFile as error:
        values, errors = forms.round_form(data), forms.field_errors(error, lang)
        return await _round_page(
            request, services, session, lang, project, values, errors, editing
        )
    return RedirectResponse(f"/manage/projects/{project.code}", 303)


@router.post("/projects/{code}/rounds/{key}/delete", response_class=HTMLResponse)
async def delete_round(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Delete a round that has not opened yet; the form says why when it cannot go."""
    project = await project_for(services, session, code, change=True)
    try:
        await send(services, c.DeleteRound(project.code, key, session.user.id))
    except (InvalidProjectFile, InvalidInput) as error:
        _ = gettext_for(lang).gettext
        messages = [_("A round that has opened cannot be deleted.")]
        if isinstance(error, InvalidProjectFile):
            messages = [m for ms in forms.field_errors(error, lang).values() for m in ms]
        values = forms.round_form(await _round_values(services, project, key))
        errors = {forms.TOP: messages}
        return await _round_page(request, services, session, lang, project, values, errors, True)
    return RedirectResponse(f"/manage/projects/{project.code}", 303)


async def _round_values(services: Services, project: Project, key: str) -> dict[str, Any]:
    async with services.reading() as uow:
        current = await current_file(uow, project)
    return next(r for r in current["rounds"] if r["key"] == key)


@router.get("/projects/{code}/rounds/{key}/progress.json")
async def round_progress(
    code: str, key: str, services: ServicesDep, session: UserDep
) -> JSONResponse:
    """Sent, pending, failed and blocked messages of a round, the current rate and an ETA."""
    project = await project_for(services, session, code)
    async with services.reading() as uow:
        progress = await broadcast_progress(uow, project.code, key, services.clock())
    if progress is None:
        raise HTTPException(404, N_("no such round"))
    return JSONResponse(progress.to_json(), headers={"Cache-Control": "no-store"})
