"""The public summary page ``/p/CODE``: published rounds only, charts as SVG, printable;
and the same page as a PDF report, ``/p/CODE/rapport.pdf``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from core import views
from core.domain.model import Project
from core.domain.screening import flags
from core.i18n import N_
from core.views.opinions import opinion_summaries
from core.views.population import public_representation
from web.deps import LanguageDep, Services, ServicesDep
from web.report import report_page, report_pdf

router = APIRouter()


def shareable(text: str) -> bool:
    """A quote may be shown publicly only when its text has no flags at all.

    The summary view already leaves out held comments (stored flags, not approved); the
    public page quotes no comment with personal details, a link or profanity, approved or not.
    """
    return not flags(text)


async def summary_context(
    services: Services,
    code: str,
    lang: str,
    *,
    preview: bool = False,
    with_round: str | None = None,
) -> dict[str, Any] | None:
    """The summary page's data, or None when there is nothing to show (public or preview)."""
    async with services.reading() as uow:
        summary = await views.public_summary(
            uow,
            code,
            services.clock(),
            quote_filter=shareable,
            preview=preview,
            with_round=with_round,
        )
        if summary is None:
            return None
        statements = [r.id for r in summary.rounds if r.kind == "statements"]
        opinions = await opinion_summaries(uow, services.analyses, statements, lang)
        rep = await public_representation(uow, code)
    return {"summary": summary, "opinions": opinions, "rep": rep}


@router.get("/p/{code}", response_class=HTMLResponse, name="summary_page")
async def summary_page(
    request: Request, code: str, services: ServicesDep, lang: LanguageDep
) -> HTMLResponse:
    """Show what residents said, once the facilitator has published results."""
    return report_page(request, await _published(services, code, lang), lang)


@router.get("/p/{code}/rapport.pdf", name="summary_pdf")
async def summary_pdf(
    request: Request, code: str, services: ServicesDep, lang: LanguageDep
) -> Response:
    """The summary as a PDF report for the council, made on the server."""
    return await report_pdf(request, services, await _published(services, code, lang), lang)


async def _published(services: Services, code: str, lang: str) -> dict[str, Any]:
    """The public summary's data; 404 while nothing of the project is published."""
    context = await summary_context(services, Project.normalise_code(code), lang)
    if context is None:
        raise HTTPException(404, N_("No published results for this project."))
    return context
