"""The facilitator area: projects and rounds in forms, the live dashboard, results, exports."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from core import views
from core.analysis.summary import opinion_summaries
from core.broadcast_view import broadcast_progress
from core.domain import commands as c
from core.domain.accounts import Role
from core.domain.errors import DomainError, ProjectFileError
from core.domain.model import Project
from core.i18n import gettext_for
from core.services.moderation import flags
from core.services.project_file import export_project, import_project, parse_project_file
from web import forms
from web.deps import (
    FacilitatorDep,
    LanguageDep,
    Services,
    ServicesDep,
    Session,
    UserDep,
    project_for,
    verify_csrf,
)
from web.exports import results_workbook
from web.rendering import render
from web.routes.public import join_links
from web.routes.qr import qr_response

router = APIRouter(prefix="/manage", dependencies=[Depends(verify_csrf)])

TOML_LIMIT = 512 * 1024


def page(request: Request, session: Session, lang: str, template: str, **context: Any) -> Any:
    return render(request, template, {"session": session, **context}, lang)


@router.get("", response_class=HTMLResponse, name="manage_home")
async def projects(
    request: Request, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """List the projects this user may see."""
    user = session.user
    scope = None if user.role == Role.ADMIN else (user.organisation_id or -1)
    async with services.reading() as uow:
        found = await views.projects_for(uow.conn, scope)
    changed = request.query_params.get("changed") == "1"
    return page(request, session, lang, "manage/projects.html", projects=found, changed=changed)


async def _organisations(services: Services, session: Session) -> list[dict[str, Any]]:
    async with services.reading() as uow:
        orgs = await views.organisations(uow.conn)
    if session.user.role == Role.ADMIN:
        return orgs
    return [o for o in orgs if o["id"] == session.user.organisation_id]


async def _current_file(services: Services, code: str) -> dict[str, Any]:
    async with services.reading() as uow:
        text = await export_project(uow, code)
    return parse_project_file(text).model_dump()


def _project_page(
    request: Request,
    session: Session,
    lang: str,
    values: dict[str, Any],
    orgs: list[dict[str, Any]],
    errors: dict[str, list[str]],
    project: Project | None = None,
) -> Response:
    context = {
        "session": session,
        "values": values,
        "orgs": orgs,
        "errors": errors,
        "project": project,
    }
    status = 400 if errors else 200
    return render(request, "manage/project_form.html", context, lang, status_code=status)


@router.get("/projects/new", response_class=HTMLResponse)
async def new_project(
    request: Request, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Show an empty project form."""
    orgs = await _organisations(services, session)
    values = forms.project_form({"organisation": orgs[0]["slug"] if orgs else ""})
    return _project_page(request, session, lang, values, orgs, {})


async def _save_file(  # type: ignore[no-untyped-def]
    services: Services, data: dict[str, Any], round_index: int | None = None, lang: str = "nl"
):
    spec, errors = forms.validate(data, round_index, lang)
    if spec is None:
        return None, errors
    async with services.uow() as uow:
        project, _ = await import_project(uow, spec)
        await uow.commit()
        events = uow.collect_events()
    await services.bus.publish(events)  # ProjectScheduleChanged: the scheduler moves its jobs
    return project, {}


def _form_dict(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/projects/new", response_class=HTMLResponse)
async def create_project(
    request: Request, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Create a project from the form (validated like a project file)."""
    form = _form_dict(await request.form())
    orgs = await _organisations(services, session)
    if session.user.role != Role.ADMIN:
        form["organisation"] = orgs[0]["slug"] if orgs else ""
    data = forms.project_data(form, None)
    errors: dict[str, list[str]] = {}
    async with services.uow() as uow:
        taken = await uow.projects.by_code(Project.normalise_code(data.get("code", "")))
    if taken is not None:
        errors["code"] = [gettext_for(lang).gettext("This code is already in use.")]
        return _project_page(request, session, lang, forms.project_form(data), orgs, errors)
    project, errors = await _save_file(services, {"project": data, "rounds": []}, lang=lang)
    if errors:
        return _project_page(request, session, lang, forms.project_form(data), orgs, errors)
    return RedirectResponse(f"/manage/projects/{project.code}", 303)


@router.get("/projects/{code}/edit", response_class=HTMLResponse)
async def edit_project(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Show the project form with its current values."""
    project = await project_for(services, session, code, change=True)
    current = await _current_file(services, project.code)
    orgs = await _organisations(services, session)
    values = forms.project_form(current["project"])
    return _project_page(request, session, lang, values, orgs, {}, project)


@router.post("/projects/{code}/edit", response_class=HTMLResponse)
async def update_project(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Save the project form; the code and (for facilitators) the organisation stay."""
    project = await project_for(services, session, code, change=True)
    current = await _current_file(services, project.code)
    form = _form_dict(await request.form())
    form["code"] = project.code
    if session.user.role != Role.ADMIN:
        form["organisation"] = current["project"]["organisation"]
    current["project"] = forms.project_data(form, current["project"])
    saved, errors = await _save_file(services, current, lang=lang)
    if errors:
        orgs = await _organisations(services, session)
        values = forms.project_form(current["project"])
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
    error = ""
    try:
        if len(raw) > TOML_LIMIT:
            raise ProjectFileError(_("The file is larger than 512 kB."))
        spec = parse_project_file(raw.decode("utf-8"), file.filename or "upload")
        async with services.uow() as uow:
            existing = await uow.projects.by_code(Project.normalise_code(spec.project.code))
            org = await uow.projects.organisation(spec.project.organisation)
            if session.user.role != Role.ADMIN and (
                org != session.user.organisation_id
                or (existing and existing.organisation_id != session.user.organisation_id)
            ):
                raise HTTPException(403, "This project belongs to another organisation.")
            project, _notes = await import_project(uow, spec)
            await uow.commit()
            events = uow.collect_events()
        await services.bus.publish(events)
    except UnicodeDecodeError:
        error = _("The file is not UTF-8 text.")
    except ProjectFileError as problem:
        error = str(problem)
    if error:
        user = session.user
        scope = None if user.role == Role.ADMIN else (user.organisation_id or -1)
        async with services.uow() as uow:
            found = await views.projects_for(uow.conn, scope)
        context = {"session": session, "projects": found, "import_error": error}
        return render(request, "manage/projects.html", context, lang, status_code=400)
    return RedirectResponse(f"/manage/projects/{project.code}", 303)


@router.get("/projects/{code}/export.toml")
async def export_file(code: str, services: ServicesDep, session: UserDep) -> Response:
    """Download the project as a TOML project file."""
    project = await project_for(services, session, code)
    async with services.reading() as uow:
        text = await export_project(uow, project.code)
    headers = {"Content-Disposition": f'attachment; filename="{project.code}.toml"'}
    return Response(text, media_type="application/toml; charset=utf-8", headers=headers)


async def _dashboard(services: Services, project: Project) -> views.Dashboard:
    async with services.reading() as uow:
        return await views.dashboard(uow.conn, project.id or 0, services.clock())


@router.get("/projects/{code}", response_class=HTMLResponse, name="dashboard")
async def dashboard(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """The live dashboard of a project (HTMX refreshes the numbers; a link does without JS)."""
    project = await project_for(services, session, code)
    board = await _dashboard(services, project)
    links = join_links(request, services, project.code)
    context = {"project": project, "board": board, "links": links}
    return page(request, session, lang, "manage/dashboard.html", **context)


@router.get("/projects/{code}/qr/{channel}.{kind}", name="manage_qr_code")
async def qr_code(
    request: Request, code: str, channel: str, kind: str, services: ServicesDep, session: UserDep
) -> Response:
    """A join link's QR code (PNG or SVG) for posters, also before the project is public."""
    project = await project_for(services, session, code)
    return qr_response(request, services, project.code, channel, kind, "private, max-age=3600")


@router.get("/projects/{code}/rounds/{key}/progress.json")
async def round_progress(
    code: str, key: str, services: ServicesDep, session: UserDep
) -> JSONResponse:
    """Sent, pending, failed and blocked messages of a round, the current rate and an ETA."""
    project = await project_for(services, session, code)
    async with services.reading() as uow:
        progress = await broadcast_progress(uow, project.code, key, services.clock())
    if progress is None:
        raise HTTPException(404, "no such round")
    return JSONResponse(progress.to_json(), headers={"Cache-Control": "no-store"})


@router.get("/projects/{code}/live", response_class=HTMLResponse)
async def dashboard_live(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """The numbers of the dashboard alone, for HTMX polling."""
    project = await project_for(services, session, code)
    board = await _dashboard(services, project)
    return page(request, session, lang, "manage/_live.html", project=project, board=board)


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
    current = await _current_file(services, project.code)
    sources = [(r["key"], r["key"]) for r in current["rounds"] if r["kind"] == "ideas"]
    context = {
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
    """Add a round (validated with the whole project file)."""
    project = await project_for(services, session, code, change=True)
    current = await _current_file(services, project.code)
    data = forms.round_data(_form_dict(await request.form()))
    current["rounds"].append(data)
    saved, errors = await _save_file(services, current, len(current["rounds"]) - 1, lang)
    if errors:
        values = forms.round_form(_displayable(data))
        return await _round_page(request, services, session, lang, project, values, errors, False)
    return RedirectResponse(f"/manage/projects/{project.code}", 303)


def _displayable(data: dict[str, Any]) -> dict[str, Any]:
    """Form data that failed validation, ready to show again (bad dates stay as typed)."""
    shown = dict(data)
    for name in ("opens_at", "closes_at"):
        if isinstance(shown.get(name), str):
            shown[name] = None
    return shown


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
    current = await _current_file(services, project.code)
    found = next((r for r in current["rounds"] if r["key"] == key), None)
    if found is None:
        raise HTTPException(404, "Unknown round")
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
    current = await _current_file(services, project.code)
    index = next((i for i, r in enumerate(current["rounds"]) if r["key"] == key), None)
    if index is None:
        raise HTTPException(404, "Unknown round")
    form = _form_dict(await request.form())
    form["key"] = key
    data = forms.round_data(form)
    current["rounds"][index] = data
    saved, errors = await _save_file(services, current, index, lang)
    if errors:
        values = forms.round_form(_displayable(data))
        return await _round_page(request, services, session, lang, project, values, errors, True)
    return RedirectResponse(f"/manage/projects/{project.code}", 303)


ROUND_ACTIONS = {"open": c.OpenRound, "close": c.CloseRound, "publish": c.PublishResults}


@router.post("/projects/{code}/rounds/{key}/{action}")
async def round_action(
    code: str, key: str, action: str, services: ServicesDep, session: FacilitatorDep
) -> Response:
    """Open or close a round now, or publish its results on the summary page."""
    project = await project_for(services, session, code, change=True)
    if action not in ROUND_ACTIONS:
        raise HTTPException(404, "Unknown action")
    async with services.uow() as uow:
        rounds = {r.key: r for r in await uow.projects.rounds(project.id or 0)}
    if key not in rounds:
        raise HTTPException(404, "Unknown round")
    await services.bus.handle(ROUND_ACTIONS[action](rounds[key].id or 0))
    return RedirectResponse(f"/manage/projects/{project.code}#round-{key}", 303)


async def _results(services: Services, project: Project) -> views.ProjectResults:
    async with services.reading() as uow:
        results = await views.project_results(uow.conn, project.code, services.clock())
    assert results is not None
    return results


@router.get("/projects/{code}/results", response_class=HTMLResponse)
async def results(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """Every round's results with spread, plots and breakdowns (groups of 10 or more)."""
    project = await project_for(services, session, code)
    found = await _results(services, project)
    breakdowns: dict[int, list[views.Breakdown]] = {}
    async with services.reading() as uow:
        for rnd in found.rounds:
            rnd.items = rnd.items[:50]
            if rnd.kind != "ideas":
                ids = [i.item_id for i in rnd.items]
                breakdowns[rnd.id] = [
                    await views.breakdown(uow.conn, rnd, dim, ids) for dim in ("wijk", "age_band")
                ]
        published = [r.id for r in found.rounds if r.kind == "statements" and r.published]
        opinions = await opinion_summaries(uow.conn, services.analyses, published, lang)
    return page(
        request,
        session,
        lang,
        "manage/results.html",
        project=project,
        results=found,
        breakdowns=breakdowns,
        opinions=opinions,
        min_group=views.MIN_GROUP,
    )


@router.get("/projects/{code}/results.xlsx")
async def results_xlsx(code: str, services: ServicesDep, session: UserDep) -> Response:
    """Download every round as an XLSX workbook (a summary sheet and a sheet per round)."""
    project = await project_for(services, session, code)
    data = results_workbook(await _results(services, project))
    headers = {"Content-Disposition": f'attachment; filename="{project.code}-results.xlsx"'}
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, media_type=media, headers=headers)


@router.get("/projects/{code}/rounds/{key}/results.csv")
async def round_csv(code: str, key: str, services: ServicesDep, session: UserDep) -> Response:
    """Download one round's results as CSV."""
    project = await project_for(services, session, code)
    found = await _results(services, project)
    chosen = [r for r in found.rounds if r.key == key]
    if not chosen:
        raise HTTPException(404, "Unknown round")
    text = views.results_csv(dataclasses.replace(found, rounds=chosen))
    headers = {"Content-Disposition": f'attachment; filename="{project.code}-{key}.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


# --- moderation ---


@router.get("/projects/{code}/moderation", response_class=HTMLResponse)
async def moderation(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """The queue of unreviewed ideas and feedback (flagged ones first) and the log."""
    project = await project_for(services, session, code)
    async with services.reading() as uow:
        queue = await views.moderation_queue(uow.conn, project.id or 0, flag=flags)
        log = await views.moderation_log(uow.conn, project.id or 0)
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
        error=request.query_params.get("error", ""),
    )


@router.post("/projects/{code}/moderation/{kind}/{item_id}/{action}")
async def moderate(
    code: str,
    kind: str,
    item_id: int,
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
        raise HTTPException(404, "Unknown kind")
    async with services.uow() as uow:
        row = await views.contribution_project(uow.conn, kind, item_id)
    if row != project.id:
        raise HTTPException(404, "Unknown contribution")
    uid = session.user.id
    command: c.Command
    if action == "approve":
        command = c.ApproveContribution(kind, item_id, uid)
    elif action == "reject":
        command = c.RejectContribution(kind, item_id, reason or "-", uid)
    elif action == "correct":
        command = c.CorrectContribution(kind, item_id, text, uid)
    elif action == "merge" and kind == "idea":
        if not into.strip().lstrip("#").isdigit():
            return _back(project, "merge")
        command = c.MergeIdeas(item_id, int(into.strip().lstrip("#")), uid)
    elif action == "tag" and kind == "idea":
        command = c.TagIdea(item_id, tuple(t for t in themes.split(",") if t.strip()), uid)
    else:
        raise HTTPException(404, "Unknown action")
    try:
        await services.bus.handle(command)
    except DomainError as error:
        return _back(project, error.detail or error.code)
    return _back(project)


def _back(project: Project, error: str = "") -> Response:
    suffix = f"?error={error}" if error else ""
    return RedirectResponse(f"/manage/projects/{project.code}/moderation{suffix}", 303)
