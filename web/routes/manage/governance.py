"""Admins only: the audit log (read and export) and the organisations' privacy settings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core import views
from core.domain import commands as c
from core.domain import policy
from core.domain.audit import ACTIONS
from core.domain.errors import InvalidInput
from core.i18n import N_, gettext_for
from web.deps import LanguageDep, Services, ServicesDep, Session, UserDep, send
from web.exports import DIALECTS, audit_csv
from web.routes.manage.common import form_dict, page, router


async def require_admin(session: UserDep) -> Session:
    """An admin: facilitators and viewers neither read the audit log nor edit privacy texts."""
    if not policy.may_govern(session.user):
        raise HTTPException(403, N_("Only an admin may see this page."))
    return session


AdminDep = Annotated[Session, Depends(require_admin)]


async def record_export(
    services: Services, session: Session, code: str, export: str, round_key: str = ""
) -> None:
    """Note in the audit log that this user downloads a project's data."""
    await send(services, c.RecordExport(session.user.id or 0, code, export, round_key))


def _filters(request: Request) -> tuple[str | None, str | None]:
    project = request.query_params.get("project", "").strip().upper() or None
    action = request.query_params.get("action", "").strip()
    return project, action if action in ACTIONS else None


@router.get("/audit", response_class=HTMLResponse, name="audit_log")
async def audit_log(
    request: Request, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """Who did what and when, newest first, 50 a page; filter by project and action."""
    project, action = _filters(request)
    raw_page = request.query_params.get("page", "1")
    number = int(raw_page) if raw_page.isascii() and raw_page.isdigit() else 1
    async with services.reading() as uow:
        found = await views.audit_page(uow, min(number, 10**6), project, action)
    filters = {"project": project or "", "action": action or ""}
    context: dict[str, Any] = {"log": found, "filters": filters, "actions": ACTIONS}
    return page(request, session, lang, "manage/audit.html", **context)


@router.get("/audit.csv")
async def audit_export(
    request: Request, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """Download the audit log (as filtered) as CSV; the download is itself recorded.

    Dutch Excel's dialect by default in Dutch; ``?dialect=rfc4180`` for the plain standard."""
    project, action = _filters(request)
    await record_export(services, session, "", "audit.csv")
    async with services.reading() as uow:
        rows = await views.audit_rows(uow, project, action)
    headers = {"Content-Disposition": 'attachment; filename="audit-log.csv"'}
    dialect = request.query_params.get("dialect", "")
    if dialect not in DIALECTS:
        dialect = "excel" if lang == "nl" else "rfc4180"
    text = audit_csv(rows, ACTIONS, lang, dialect)
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/organisations", response_class=HTMLResponse, name="organisations")
async def organisations(
    request: Request, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """Every organisation, with its privacy contact and links to its privacy statement."""
    async with services.reading() as uow:
        orgs = await views.organisations(uow)
    return page(request, session, lang, "manage/organisations.html", orgs=orgs)


async def organisation_or_404(services: Services, slug: str) -> views.PrivacyStatement:
    async with services.reading() as uow:
        found = await views.privacy_statement(uow, slug)
    if found is None:
        raise HTTPException(404, N_("Unknown organisation"))
    return found


def _privacy_form(
    request: Request,
    session: Session,
    lang: str,
    org: views.PrivacyStatement,
    values: dict[str, Any],
    errors: dict[str, list[str]],
) -> Response:
    context: dict[str, Any] = {"org": org, "values": values, "errors": errors}
    context["saved"] = request.query_params.get("saved") == "1"
    return page(request, session, lang, "manage/privacy_form.html", **context)


@router.get("/organisations/{slug}/privacy", response_class=HTMLResponse)
async def privacy_form(
    request: Request, slug: str, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """The privacy contact and the organisation's own text on its privacy statement."""
    org = await organisation_or_404(services, slug)
    values = {"contact": org.contact, "text": org.text}
    return _privacy_form(request, session, lang, org, values, {})


@router.post("/organisations/{slug}/privacy", response_class=HTMLResponse)
async def save_privacy(
    request: Request, slug: str, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """Save the privacy contact and text; a field too long is refused with a message."""
    org = await organisation_or_404(services, slug)
    form = form_dict(await request.form())
    values = {"contact": form.get("contact", ""), "text": form.get("text", "")}
    command = c.UpdatePrivacySettings(org.slug, values["contact"], values["text"], session.user.id)
    try:
        await send(services, command)
    except InvalidInput as error:
        _ = gettext_for(lang).gettext
        errors = (
            {"contact": [_("Use one line of at most 254 characters.")]}
            if error.detail == "contact_too_long"
            else {"text": [_("Use at most 5,000 characters.")]}
        )
        response = _privacy_form(request, session, lang, org, values, errors)
        response.status_code = 400
        return response
    return RedirectResponse(f"/manage/organisations/{org.slug}/privacy?saved=1", 303)
