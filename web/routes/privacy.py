"""The privacy statement page of an organisation: public, Dutch by default."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from core import views
from core.i18n import N_
from web.deps import LanguageDep, ServicesDep
from web.rendering import render

router = APIRouter()


@router.get("/privacy/{slug}", response_class=HTMLResponse, name="privacy_page")
async def privacy_page(
    request: Request, slug: str, services: ServicesDep, lang: LanguageDep
) -> Response:
    """What inspraak stores for this organisation, why, how long, and how to use one's rights."""
    async with services.reading() as uow:
        statement = await views.privacy_statement(uow, slug.strip().lower())
    if statement is None:
        raise HTTPException(404, N_("Unknown organisation"))
    context = {"org": statement, "min_group": views.MIN_GROUP}
    return render(request, "privacy.html", context, lang)


# Nothing in a logo may run, even when its SVG is opened on its own; it is only ever an image.
LOGO_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=86400",
}


@router.get("/logo/{slug}", name="organisation_logo")
async def organisation_logo(slug: str, services: ServicesDep) -> Response:
    """An organisation's logo (public: it stands on the public summary and report)."""
    async with services.reading() as uow:
        logo = await views.organisation_logo(uow, slug.strip().lower())
    if logo is None:
        raise HTTPException(404, N_("This organisation has no logo."))
    return Response(logo.data, media_type=logo.media_type, headers=LOGO_HEADERS)
