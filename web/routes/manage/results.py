"""A project's dashboard, results and exports in the facilitator area."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from core import views
from core.analysis.spread import RULE
from core.domain.model import Project
from core.views.opinions import opinion_summaries
from web.deps import LanguageDep, Services, ServicesDep, UserDep, project_for
from web.report import report_page, report_pdf
from web.routes.manage.common import page, router
from web.routes.public import join_links
from web.routes.qr import qr_response
from web.routes.summary import summary_context


async def _dashboard(services: Services, project: Project) -> views.Dashboard:
    async with services.reading() as uow:
        return await views.dashboard(uow, project.id or 0, services.clock())


@router.get("/projects/{code}", response_class=HTMLResponse, name="dashboard")
async def dashboard(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """The live dashboard of a project (HTMX refreshes the numbers; a link does without JS)."""
    project = await project_for(services, session, code)
    board = await _dashboard(services, project)
    links = join_links(request, services, project.code)
    context: dict[str, Any] = {"project": project, "board": board, "links": links}
    return page(request, session, lang, "manage/dashboard.html", **context)


@router.get("/projects/{code}/qr/{channel}.{kind}", name="manage_qr_code")
async def qr_code(
    request: Request, code: str, channel: str, kind: str, services: ServicesDep, session: UserDep
) -> Response:
    """A join link's QR code (PNG or SVG) for posters, also before the project is public."""
    project = await project_for(services, session, code)
    return qr_response(request, services, project.code, channel, kind, "private, max-age=3600")


@router.get("/projects/{code}/live", response_class=HTMLResponse)
async def dashboard_live(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """The numbers of the dashboard alone, for HTMX polling."""
    project = await project_for(services, session, code)
    board = await _dashboard(services, project)
    return page(request, session, lang, "manage/_live.html", project=project, board=board)


async def _results(services: Services, project: Project) -> views.ProjectResults:
    async with services.reading() as uow:
        results = await views.project_results(uow, project.code, services.clock())
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
                    await views.breakdown(uow, rnd, dim, ids) for dim in ("wijk", "age_band")
                ]
        statements = [r.id for r in found.rounds if r.kind == "statements"]
        opinions = await opinion_summaries(uow, services.analyses, statements, lang)
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
        rule=RULE,
    )


@router.get("/projects/{code}/preview", response_class=HTMLResponse, name="summary_preview")
async def summary_preview(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """The public summary page as it will appear once every opened round is published (with
    ``?round=KEY``: once that round is published too, the others as they are)."""
    project = await project_for(services, session, code)
    with_round = request.query_params.get("round") or None
    context = await summary_context(
        services, project.code, lang, preview=True, with_round=with_round
    )
    if context is None:
        return page(request, session, lang, "manage/preview_empty.html", project=project)
    response = report_page(request, context, lang)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@router.get("/projects/{code}/preview/rapport.pdf", name="summary_preview_pdf")
async def summary_preview_pdf(
    request: Request, code: str, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """The preview as a PDF report, marked as a preview on every page."""
    project = await project_for(services, session, code)
    context = await summary_context(services, project.code, lang, preview=True)
    if context is None:
        return page(request, session, lang, "manage/preview_empty.html", project=project)
    return await report_pdf(request, services, context, lang)
