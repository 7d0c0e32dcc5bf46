"""Admins only: an organisation's logo, shown on its summaries and reports."""

from __future__ import annotations

from typing import Any

from fastapi import File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core import views
from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.domain.logo import MAX_BYTES
from core.i18n import N_, gettext_for
from web.deps import LanguageDep, Services, ServicesDep, send
from web.routes.manage.common import form_dict, page, router
from web.routes.manage.governance import AdminDep, organisation_or_404

MESSAGES = {
    "logo_empty": N_("Choose an image file."),
    "logo_too_large": N_("The image is too large: at most 200 kB."),
    "logo_not_an_image": N_("This is not a PNG, JPEG or SVG image."),
}


async def _organisation(services: Services, slug: str) -> dict[str, Any]:
    """The organisation, and its logo's version (its change in seconds) when it has one."""
    found = await organisation_or_404(services, slug)
    async with services.reading() as uow:
        logo = await views.organisation_logo(uow, found.slug)
    version = int(logo.updated_at.timestamp()) if logo else None
    return {"org": found, "logo_version": version}


@router.get("/organisations/{slug}/logo", response_class=HTMLResponse)
async def logo_form(
    request: Request, slug: str, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """The organisation's logo: see it, replace it or remove it."""
    context = await _organisation(services, slug)
    saved = request.query_params.get("saved") == "1"
    return page(request, session, lang, "manage/logo_form.html", saved=saved, error="", **context)


@router.post("/organisations/{slug}/logo", response_class=HTMLResponse)
async def save_logo(
    request: Request,
    slug: str,
    services: ServicesDep,
    session: AdminDep,
    lang: LanguageDep,
    file: UploadFile | None = File(None),
) -> Response:
    """Store the uploaded image (checked by its bytes), or remove the logo."""
    context = await _organisation(services, slug)
    org = context["org"]
    remove = form_dict(await request.form()).get("remove") == "1"
    data = None if remove else (await file.read(MAX_BYTES + 1) if file is not None else b"")
    try:
        await send(services, c.SetLogo(org.slug, data, session.user.id))
    except InvalidInput as error:
        message = gettext_for(lang).gettext(MESSAGES.get(error.detail, MESSAGES["logo_empty"]))
        response = page(
            request,
            session,
            lang,
            "manage/logo_form.html",
            status_code=400,
            saved=False,
            error=message,
            **context,
        )
        return response
    return RedirectResponse(f"/manage/organisations/{org.slug}/logo?saved=1", 303)
