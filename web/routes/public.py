"""Public pages: the landing page with join links, and a plain results page per project."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from core import views
from web.deps import LanguageDep, ServicesDep
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
    """List the open projects with their join links."""
    async with services.reading() as uow:
        projects = await views.open_projects(uow, services.clock())
    cards = [{**p, "links": join_links(request, services, p["code"])} for p in projects]
    return render(request, "index.html", {"projects": cards}, lang)


@router.get("/results/{code}", response_class=HTMLResponse)
async def results_page(
    request: Request, code: str, services: ServicesDep, lang: LanguageDep
) -> HTMLResponse:
    """Show the results of every round of a project so far (aggregates only)."""
    async with services.reading() as uow:
        results = await views.project_results(uow, code.upper(), services.clock())
    if results is None:
        raise HTTPException(404, "Unknown project")
    return render(request, "results.html", {"results": results}, lang)
