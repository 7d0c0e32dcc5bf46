"""Projects in the facilitator area: the list, the project form, project files."""

from __future__ import annotations

from typing import Any

from fastapi import File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core import views
from core.domain import commands as c
from core.domain import policy
from core.domain.errors import ProjectFileError
from core.domain.model import Project
from core.domain.policy import Permission
from core.domain.wijken import read_file as read_wijken
from core.i18n import N_, gettext_for
from core.services.project_file import export_project, parse_project_file
from core.services.project_spec import InvalidProjectFile, current_file
from web import forms
from web.deps import (
    FacilitatorDep,
    LanguageDep,
    Services,
    ServicesDep,
    Session,
    UserDep,
    project_for,
    send,
)
from web.rendering import render
from web.routes.manage.common import form_dict, page, router
from web.routes.manage.governance import record_export

TOML_LIMIT = 512 * 1024
CLOSE_BY_ACTION = N_(
    "A project is closed with Close project on its dashboard, which first says which rounds "
    "close and when the personal data is erased."
)


@router.get("", response_class=HTMLResponse, name="manage_home")
async def projects(
    request: Request, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """List the projects this user may see."""
    found = await _listed(services, session)
    changed = request.query_params.get("changed") == "1"
    return page(request, session, lang, "manage/projects.html", projects=found, changed=changed)


async def _listed(services: Services, session: Session) -> list[dict[str, Any]]:
    async with services.reading() as uow:
        return await views.projects_for(uow, policy.readable_scope(session.user))


async def _organisations(services: Services, session: Session) -> list[dict[str, Any]]:
    """The organisations this user may put a project in."""
    async with services.reading() as uow:
        orgs = await views.organisations(uow)
    return [o for o in orgs if policy.allows(session.user, Permission.EDIT, o["id"])]


def _project_page(
    request: Request,
    session: Session,
    lang: str,
    values: dict[str, Any],
    orgs: list[dict[str, Any]],
    errors: dict[str, list[str]],
    project: Project | None = None,
    **extra: Any,
) -> Response:
    context = {
        "session": session,
        "values": values,
        "orgs": orgs,
        "errors": errors,
        "project": project,
        "wijken_imported": request.query_params.get("wijken", ""),
        # a wrong wijk gets its message beside its own row too
        "row_errors": forms.wijk_row_errors(values["wijken_table"], lang) if errors else {},
        **extra,
    }
    status = 400 if errors or extra.get("file_errors") else 200
    return render(request, "manage/project_form.html", context, lang, status_code=status)


@router.get("/projects/new", response_class=HTMLResponse)
async def new_project(
    request: Request, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Show an empty project form."""
    orgs = await _organisations(services, session)
    values = forms.project_form({"organisation": orgs[0]["slug"] if orgs else ""})
    return _project_page(request, session, lang, values, orgs, {})


@router.post("/projects/new", response_class=HTMLResponse)
async def create_project(
    request: Request, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Create a project from the form (checked by the project file's rules)."""
    form = form_dict(await request.form())
    orgs = await _organisations(services, session)
    if not policy.chooses_organisation(session.user):
        form["organisation"] = orgs[0]["slug"] if orgs else ""
    data = forms.project_data(form, None)
    try:
        project = await send(services, c.CreateProject(data, session.user.id))
    except InvalidProjectFile as error:
        errors = forms.field_errors(error, lang)
        return _project_page(request, session, lang, forms.project_form(data), orgs, errors)
    return RedirectResponse(f"/manage/projects/{project.code}", 303)


@router.get("/projects/{code}/edit", response_class=HTMLResponse)
async def edit_project(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Show the project form with its current values."""
    project = await project_for(services, session, code, change=True)
    async with services.reading() as uow:
        current = await current_file(uow, project)
    orgs = await _organisations(services, session)
    values = forms.project_form(current["project"])
    return _project_page(request, session, lang, values, orgs, {}, project)


@router.post("/projects/{code}/edit", response_class=HTMLResponse)
async def update_project(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Save the project form; the code and (for facilitators) the organisation stay."""
    project = await project_for(services, session, code, change=True)
    changes = forms.project_changes(form_dict(await request.form()))
    changes.pop("code", None)
    if not policy.chooses_organisation(session.user):
        changes.pop("organisation", None)
    if changes.get("status") == "closed" and project.status.value != "closed":
        # closing asks first (which rounds close, when the data goes): CloseProject's page
        orgs = await _organisations(services, session)
        async with services.reading() as uow:
            current = await current_file(uow, project)
        values = forms.project_form({**current["project"], **changes})
        errors = {"status": [gettext_for(lang).gettext(CLOSE_BY_ACTION)]}
        return _project_page(request, session, lang, values, orgs, errors, project)
    try:
        await send(services, c.UpdateProject(project.code, changes, session.user.id))
    except InvalidProjectFile as error:
        orgs = await _organisations(services, session)
        values = forms.project_form(dict(error.data["project"]))
        errors = forms.field_errors(error, lang)
        return _project_page(request, session, lang, values, orgs, errors, project)
    return RedirectResponse(f"/manage/projects/{project.code}", 303)


@router.post("/projects/import", response_class=HTMLResponse)
async def import_file(
    request: Request,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
    file: UploadFile = File(...),
) -> Response:
    """Create or update a project from an uploaded TOML project file."""
    _ = gettext_for(lang).gettext
    raw = await file.read(TOML_LIMIT + 1)
    try:
        if len(raw) > TOML_LIMIT:
            raise ProjectFileError(_("The file is larger than 512 kB."))
        spec = parse_project_file(raw.decode("utf-8"), file.filename or "upload")
    except UnicodeDecodeError:
        return await _refused(request, services, session, lang, _("The file is not UTF-8 text."))
    except ProjectFileError as problem:
        return await _refused(request, services, session, lang, problem.describe(lang))
    try:
        command = c.ImportProject(spec.model_dump(), session.user.id)
        project, _notes = await send(services, command)
    except InvalidProjectFile as error:
        rounds = spec.rounds
        messages = [
            _("Round %(key)s: %(message)s") % {"key": rounds[p["loc"][1]].key, "message": m}
            if len(p["loc"]) > 2 and p["loc"][0] == "rounds"
            else m
            for p, m in ((p, forms.problem_message(p, lang)) for p in error.problems)
        ]
        return await _refused(request, services, session, lang, " ".join(messages))
    return RedirectResponse(f"/manage/projects/{project.code}", 303)


async def _refused(
    request: Request, services: Services, session: Session, lang: str, error: str
) -> Response:
    context = {"session": session, "projects": await _listed(services, session)}
    context["import_error"] = error
    return render(request, "manage/projects.html", context, lang, status_code=400)


@router.get("/projects/{code}/export.toml")
async def export_file(code: str, services: ServicesDep, session: UserDep) -> Response:
    """Download the project as a TOML project file."""
    project = await project_for(services, session, code)
    await record_export(services, session, project.code, "project.toml")
    async with services.reading() as uow:
        text = await export_project(uow, project.code)
    headers = {"Content-Disposition": f'attachment; filename="{project.code}.toml"'}
    return Response(text, media_type="application/toml; charset=utf-8", headers=headers)


@router.post("/projects/{code}/wijken", response_class=HTMLResponse)
async def import_wijken(
    request: Request,
    code: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
    file: UploadFile | None = File(None),
) -> Response:
    """Replace the wijken (and the inhabitants per wijk) from a CSV file; a wrong line is
    named and nothing changes."""
    project = await project_for(services, session, code, change=True)
    _ = gettext_for(lang).gettext
    raw = await file.read(TOML_LIMIT + 1) if file is not None else b""
    found = read_wijken(raw.decode("utf-8-sig", errors="replace")) if raw else None
    problems = [_("Choose a CSV file with the columns wijk and postcodes.")]
    if found is not None and len(raw) > TOML_LIMIT:
        problems = [_("The file is larger than 512 kB.")]
    elif found is not None:
        problems = [
            _file_problem(_, line, msgid, values) for line, msgid, values in found.problems
        ]
    if found is None or problems:
        async with services.reading() as uow:
            current = await current_file(uow, project)
        orgs = await _organisations(services, session)
        values = forms.project_form(current["project"])
        return _project_page(
            request, session, lang, values, orgs, {}, project, file_errors=problems
        )
    command = c.ImportWijken(project.code, found.table, found.people, session.user.id)
    await send(services, command)
    return RedirectResponse(f"/manage/projects/{project.code}/edit?wijken={len(found.table)}", 303)


def _file_problem(_: Any, line: int, msgid: str, values: dict[str, object]) -> str:
    message = _(msgid).format(**values)
    return (
        _("Line %(line)s: %(message)s") % {"line": line, "message": message} if line else message
    )
