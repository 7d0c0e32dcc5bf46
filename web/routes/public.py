"""Public pages: the landing page with join links and links to the published summaries.

Results are public only on the summary page ``/p/CODE`` once published; the facilitators' live
view is behind the login (``/manage/projects/CODE/results``). The old ``/results/CODE`` address
leads there for a signed-in user and to the summary for everyone else.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core import views
from core.domain.model import Project
from core.i18n import N_
from web.deps import LanguageDep, OptionalSessionDep, ServicesDep
from web.rendering import render

router = APIRouter()


def join_links(request: Request, services: Any, code: str) -> list[dict[str, str]]:
    """Every way to join a project: the web chat, and each channel that offers a link.

    The web chat's link is absolute (it is printed as a QR code), so it is made from the
    configured public address, never from the request's ``Host`` header.
    """
    chat = request.app.url_path_for("chat_page", code=code)
    links = [{"channel": "web", "url": services.settings.base_url() + chat}]
    for name, channel in services.channels.items():
        url = channel.join_link(code)
        if url:
            links.append({"channel": name, "url": url})
    return links


@router.get("/", response_class=HTMLResponse)
async def landing(request: Request, services: ServicesDep, lang: LanguageDep) -> HTMLResponse:
    """List the open projects with their join links, and the published summaries."""
    async with services.reading() as uow:
        projects = await views.open_projects(uow, services.clock())
        summaries = await views.projects_with_summary(uow)
    published = {p["code"] for p in summaries}
    cards = [
        {
            "code": p["code"],
            "title": p["title"],
            "intro": p["intro"],
            "links": join_links(request, services, p["code"]),
            "summary": p["code"] in published,
        }
        for p in projects
    ]
    context = {"projects": cards, "summaries": summaries}
    return render(request, "index.html", context, lang)


@router.get("/results/{code}", name="results_page")
async def results_page(code: str, session: OptionalSessionDep) -> RedirectResponse:
    """The old results address: the live view for a signed-in user, else the summary."""
    code = Project.parse_code(code) or ""  # "%00" and the like are no code
    if not code:
        raise HTTPException(404, N_("Unknown project"))
    if session is not None:
        return RedirectResponse(f"/manage/projects/{code}/results", 303)
    return RedirectResponse(f"/p/{code}", 303)
