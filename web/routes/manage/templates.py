"""Starting a project from a template: the shipped ones and the organisation's own."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core import views
from core.domain import commands as c
from core.domain import policy
from core.i18n import N_
from core.services import templates
from core.services.project_spec import InvalidProjectFile
from web import forms
from web.deps import FacilitatorDep, LanguageDep, Services, ServicesDep, Session, send
from web.routes.manage.common import form_dict, page, router
from web.routes.manage.projects import _organisations


async def _own(services: Services, session: Session) -> list[dict[str, Any]]:
    async with services.reading() as uow:
        return await views.own_templates(uow, policy.readable_scope(session.user))


@router.get("/templates", response_class=HTMLResponse)
async def template_list(
    request: Request, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """The templates to start a project from."""
    own = await _own(services, session)
    saved = request.query_params.get("saved") == "1"
    return page(
        request, session, lang, "manage/templates.html",
        shipped=templates.SHIPPED, own=own, saved=saved,
    )  # fmt: skip


async def _chosen(services: Services, session: Session, name: str) -> dict[str, Any]:
    """The template ``name`` as the page shows it (404 when unknown or not this user's)."""
    found = templates.shipped(name)
    if found is not None:
        return {"key": name, "name": found.name, "description": found.description}
    for own in await _own(services, session):
        if name == f"{templates.OWN_PREFIX}{own['id']}":
            return {"key": name, "name": own["name"], "description": own["description"]}
    raise HTTPException(404, N_("Unknown template"))


async def _new_page(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    chosen: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, list[str]],
) -> Response:
    orgs = await _organisations(services, session)
    return page(
        request, session, lang, "manage/template_new.html", status_code=400 if errors else 200,
        chosen=chosen, values=values, errors=errors, orgs=orgs,
    )  # fmt: skip


@router.get("/templates/{name}/new", response_class=HTMLResponse)
async def new_from_template(
    request: Request, name: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Ask for the new project's code, title and (for admins) organisation."""
    chosen = await _chosen(services, session, name)
    orgs = await _organisations(services, session)
    values = {"code": "", "title": "", "organisation": orgs[0]["slug"] if orgs else ""}
    return await _new_page(request, services, session, lang, chosen, values, {})


@router.post("/templates/{name}/new", response_class=HTMLResponse)
async def create_from_template(
    request: Request, name: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Create a draft project from the template."""
    chosen = await _chosen(services, session, name)
    form = form_dict(await request.form())
    values = {k: form.get(k, "").strip() for k in ("code", "title", "organisation")}
    if not policy.chooses_organisation(session.user):
        orgs = await _organisations(services, session)
        values["organisation"] = orgs[0]["slug"] if orgs else ""
    try:
        project = await send(services, c.CreateFromTemplate(name, values, session.user.id))
    except InvalidProjectFile as error:
        errors = forms.field_errors(error, lang)
        return await _new_page(request, services, session, lang, chosen, values, errors)
    return RedirectResponse(f"/manage/projects/{project.code}?made=template", 303)


@router.post("/templates/{number}/delete")
async def delete_template(number: int, services: ServicesDep, session: FacilitatorDep) -> Response:
    """Remove one of the organisation's own templates."""
    await send(services, c.DeleteTemplate(number, session.user.id))
    return RedirectResponse("/manage/templates", 303)
