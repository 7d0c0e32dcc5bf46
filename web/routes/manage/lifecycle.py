"""A project's whole life in the facilitator area: copy, save as template, close, archive and
delete, each behind a page that says what will happen."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core import views
from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.domain.model import Project
from core.i18n import N_, gettext_for
from core.services.project_spec import InvalidProjectFile
from web import forms
from web.deps import FacilitatorDep, LanguageDep, Services, ServicesDep, Session, project_for, send
from web.routes.manage.common import form_dict, page, router

REFUSALS = {
    "project_has_residents": N_(
        "Residents have joined this project, so it cannot be deleted. Close and archive it "
        "instead: their personal data is erased after the retention period."
    ),
    "project_started": N_(
        "A round of this project has opened, so it cannot be deleted. Close and archive it "
        "instead."
    ),
    "project_not_closed": N_("Only a closed project can be archived. Close it first."),
    "template_name": N_("Give the template a name of at most 200 characters."),
}


def refusal(error: InvalidInput, lang: str) -> str:
    """The facilitator's message for a refused step of a project's life."""
    return gettext_for(lang).gettext(REFUSALS.get(error.detail, N_("That is not possible.")))


async def _life(services: Services, project: Project) -> views.ProjectLife:
    async with services.reading() as uow:
        return await views.project_life(uow, project)


async def _confirm(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    project: Project,
    action: str,
    **context: Any,
) -> Response:
    life = await _life(services, project)
    now = services.clock()
    status = 400 if context.get("error") else 200
    return page(
        request, session, lang, "manage/project_life.html", status_code=status,
        project=project, life=life, action=action, now=now, **context,
    )  # fmt: skip


@router.get("/projects/{code}/copy", response_class=HTMLResponse)
async def copy_form(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Ask for the copy's code and title."""
    project = await project_for(services, session, code, change=True)
    title = gettext_for(lang).gettext("Copy of %(title)s") % {"title": project.title}
    values = {"code": _free_code(project.code), "title": title[:200]}
    return await _confirm(request, services, session, lang, project, "copy", values=values)


def _free_code(code: str) -> str:
    return f"{code[:37]}-2"


@router.post("/projects/{code}/copy", response_class=HTMLResponse)
async def copy_project(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Make a draft copy: rounds, texts and settings, no answers."""
    project = await project_for(services, session, code, change=True)
    form = form_dict(await request.form())
    values = {"code": form.get("code", "").strip(), "title": form.get("title", "").strip()}
    command = c.CopyProject(project.code, values["code"], values["title"], session.user.id)
    try:
        copy = await send(services, command)
    except InvalidProjectFile as error:
        errors = forms.field_errors(error, lang)
        return await _confirm(
            request, services, session, lang, project, "copy", values=values, errors=errors,
            error=True,
        )  # fmt: skip
    return RedirectResponse(f"/manage/projects/{copy.code}?made=copy", 303)


@router.get("/projects/{code}/template", response_class=HTMLResponse)
async def template_form(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Ask for the template's name and description."""
    project = await project_for(services, session, code, change=True)
    values = {"name": project.title, "description": ""}
    return await _confirm(request, services, session, lang, project, "template", values=values)


@router.post("/projects/{code}/template", response_class=HTMLResponse)
async def save_template(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Keep the project's rounds, texts and settings as a template of its organisation."""
    project = await project_for(services, session, code, change=True)
    form = form_dict(await request.form())
    values = {"name": form.get("name", ""), "description": form.get("description", "")}
    command = c.SaveTemplate(project.code, values["name"], values["description"], session.user.id)
    try:
        await send(services, command)
    except InvalidInput as error:
        errors = {"name": [refusal(error, lang)]}
        return await _confirm(
            request, services, session, lang, project, "template", values=values,
            errors=errors, error=True,
        )  # fmt: skip
    return RedirectResponse("/manage/templates?saved=1", 303)


ACTIONS = ("close", "archive", "unarchive", "delete")


async def confirm_action(
    request: Request,
    code: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Say what closing, archiving or deleting the project will do, and ask to confirm."""
    project = await project_for(services, session, code, change=True)
    action = request.url.path.rsplit("/", 1)[-1]
    return await _confirm(request, services, session, lang, project, action)


async def do_action(
    request: Request,
    code: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Close, archive, take out of the archive or delete the project."""
    project = await project_for(services, session, code, change=True)
    action = request.url.path.rsplit("/", 1)[-1]
    commands: dict[str, c.Command] = {
        "close": c.CloseProject(project.code, session.user.id),
        "archive": c.ArchiveProject(project.code, True, session.user.id),
        "unarchive": c.ArchiveProject(project.code, False, session.user.id),
        "delete": c.DeleteProject(project.code, session.user.id),
    }
    try:
        await send(services, commands[action])
    except InvalidInput as error:
        return await _confirm(
            request, services, session, lang, project, action, error=refusal(error, lang)
        )
    if action == "delete":
        return RedirectResponse(f"/manage?deleted={project.code}", 303)
    return RedirectResponse(f"/manage/projects/{project.code}?made={action}", 303)


for _action in ACTIONS:  # explicit paths, so no route of another module is shadowed
    path = f"/projects/{{code}}/{_action}"
    router.add_api_route(path, confirm_action, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(path, do_action, methods=["POST"], response_class=HTMLResponse)
