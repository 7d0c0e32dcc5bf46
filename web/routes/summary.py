"""The public summary page ``/p/CODE``: published rounds only, charts as SVG, printable."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from core import views
from core.domain.model import Project
from core.domain.screening import flags
from core.views.opinions import opinion_summaries
from core.views.population import public_representation
from web.deps import LanguageDep, ServicesDep
from web.rendering import render

router = APIRouter()


def shareable(text: str) -> bool:
    """A quote may be shown publicly only when its text has no flags at all.

    The summary view already leaves out held comments (stored flags, not approved); the
    public page quotes no comment with personal details, a link or profanity, approved or not.
    """
    return not flags(text)


@router.get("/p/{code}", response_class=HTMLResponse, name="summary_page")
async def summary_page(
    request: Request, code: str, services: ServicesDep, lang: LanguageDep
) -> HTMLResponse:
    """Show what residents said, once the facilitator has published results."""
    async with services.reading() as uow:
        summary = await views.public_summary(
            uow, Project.normalise_code(code), services.clock(), quote_filter=shareable
        )
        if summary is None:
            raise HTTPException(404, "No published results for this project.")
        statements = [r.id for r in summary.rounds if r.kind == "statements"]
        opinions = await opinion_summaries(uow, services.analyses, statements, lang)
        rep = await public_representation(uow, Project.normalise_code(code))
    context = {"summary": summary, "opinions": opinions, "rep": rep}
    return render(request, "summary.html", context, lang)
