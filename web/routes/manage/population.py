"""Population figures of a project: a table to fill in, a CBS file to import, the switch that
shows results reweighted."""

from __future__ import annotations

from typing import Any

from fastapi import File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.domain import commands as c
from core.domain.model import AGE_BANDS, Project
from core.domain.population import (
    DIMENSIONS,
    CbsFileError,
    CbsImport,
    Figures,
    InvalidPopulation,
    field_name,
    read_cbs,
    read_form,
)
from core.i18n import N_, gettext_for
from core.services.project_spec import InvalidProjectFile
from core.views.population import representation
from web.deps import FacilitatorDep, LanguageDep, Services, ServicesDep, Session, project_for, send
from web.routes.manage.common import form_dict, page, router

CSV_LIMIT = 2 * 1024 * 1024  # CBS's file for all of the Netherlands is about 1 MB per edition


def _wijken(project: Project) -> list[str]:
    return list(project.settings.get("wijken") or {})


def _values(project: Project, figures: Figures) -> dict[str, str]:
    """The form's fields filled with the stored figures."""
    values = {"reweight": project.settings.get("reweight") or ""}
    for dimension, groups in (("wijk", _wijken(project)), ("age_band", AGE_BANDS)):
        for index, group in enumerate(groups):
            people = figures.of(dimension).get(group)
            values[field_name(dimension, index)] = "" if people is None else str(people)
    return values


async def _page(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    project: Project,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    imported: CbsImport | None = None,
    file_error: str = "",
) -> Response:
    async with services.reading() as uow:
        shown = await representation(uow, project)
    context: dict[str, Any] = {
        "project": project,
        "wijken": _wijken(project),
        "age_bands": AGE_BANDS,
        "rep": shown,
        "values": values or _values(project, shown.figures),
        "errors": errors or {},
        "imported": imported,
        "file_error": file_error,
        "saved": request.query_params.get("saved") == "1",
    }
    status = 400 if errors or file_error else 200
    response = page(
        request, session, lang, "manage/population.html", status_code=status, **context
    )
    return response


@router.get("/projects/{code}/population", response_class=HTMLResponse)
async def population(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Show the population table with participation beside it."""
    project = await project_for(services, session, code, change=True)
    return await _page(request, services, session, lang, project)


@router.post("/projects/{code}/population", response_class=HTMLResponse)
async def save_population(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Save the table; a field typed wrongly gets its message and nothing is saved."""
    project = await project_for(services, session, code, change=True)
    form = form_dict(await request.form())
    figures, problems = read_form(_wijken(project), form)
    gettext = gettext_for(lang).gettext
    errors = {_field(project, dim, group): [gettext(m)] for (dim, group), m in problems.items()}
    reweight = form.get("reweight") or None
    if reweight not in (None, *DIMENSIONS):
        errors["reweight"] = [gettext("Choose one of the options.")]
    if errors:
        return await _page(request, services, session, lang, project, values=form, errors=errors)
    try:
        await send(
            services, c.SetPopulation(project.code, _as_dict(figures), "form", session.user.id)
        )
        if reweight != project.settings.get("reweight"):
            await send(
                services, c.UpdateProject(project.code, {"reweight": reweight}, session.user.id)
            )
    except (InvalidPopulation, InvalidProjectFile):
        errors = {"__all__": [gettext("The figures do not fit this project's groups.")]}
        return await _page(request, services, session, lang, project, values=form, errors=errors)
    return RedirectResponse(f"/manage/projects/{project.code}/population?saved=1", 303)


@router.post("/projects/{code}/population/cbs", response_class=HTMLResponse)
async def import_cbs(
    request: Request,
    code: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
    file: UploadFile | None = File(None),
) -> Response:
    """Read a CBS StatLine CSV; its figures replace those of the groups it has, others stay."""
    project = await project_for(services, session, code, change=True)
    gettext = gettext_for(lang).gettext
    raw = await file.read(CSV_LIMIT + 1) if file is not None else b""
    try:
        if not raw:
            raise CbsFileError(N_("Choose the CSV file you downloaded from CBS StatLine."))
        if len(raw) > CSV_LIMIT:
            raise CbsFileError(N_("The file is too large (at most 2 MB)."))
        imported = read_cbs(_decode(raw), _wijken(project))
    except CbsFileError as error:
        message = gettext(error.detail).format(**error.params)
        return await _page(request, services, session, lang, project, file_error=message)
    async with services.reading() as uow:
        current = (await representation(uow, project)).figures
    merged = Figures(
        {**current.wijk, **imported.figures.wijk},
        {**current.age_band, **imported.figures.age_band},
    )
    await send(services, c.SetPopulation(project.code, _as_dict(merged), "cbs", session.user.id))
    project = await project_for(services, session, code, change=True)
    return await _page(request, services, session, lang, project, imported=imported)


def _decode(raw: bytes) -> str:
    """StatLine writes UTF-8 (sometimes with a BOM); older downloads are Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _field(project: Project, dimension: str, group: str) -> str:
    groups = _wijken(project) if dimension == "wijk" else list(AGE_BANDS)
    return field_name(dimension, groups.index(group))


def _as_dict(figures: Figures) -> dict[str, dict[str, int]]:
    return {"wijk": dict(figures.wijk), "age_band": dict(figures.age_band)}
