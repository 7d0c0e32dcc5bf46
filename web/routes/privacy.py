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
