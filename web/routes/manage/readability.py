"""The readability advice of the round form, refreshed by HTMX while the question is typed."""

from __future__ import annotations

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from web.deps import FacilitatorDep, LanguageDep
from web.routes.manage.common import page, router

MAX_QUESTION = 20_000  # longer posts are cut here; the round form explains the real limit


@router.post("/readability", response_class=HTMLResponse)
async def readability(
    request: Request, session: FacilitatorDep, lang: LanguageDep, question: str = Form("")
) -> Response:
    """The advice for the question as typed so far (advice only: nothing is saved)."""
    values = {"question": question[:MAX_QUESTION]}
    return page(request, session, lang, "manage/_readability.html", values=values)
