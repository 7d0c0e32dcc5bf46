"""Continuing a web chat on Telegram or WhatsApp: the link the web chat offers makes a
single-use carry-over token and sends the resident to the channel's join link with it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from core.domain import commands as c
from core.domain.model import Project
from core.services.conversation import make_pseudonym
from web.deps import ServicesDep
from web.routes.chat import COOKIE

router = APIRouter()

CHANNELS = ("telegram", "whatsapp")


@router.get("/chat/{code}/continue/{channel}", name="chat_continue")
async def chat_continue(
    request: Request, code: str, channel: str, services: ServicesDep
) -> RedirectResponse:
    """Redirect to the channel's join link carrying this chat's resident; back to the chat
    (which says why) when there is no resident or the channel offers no link."""
    parsed = Project.parse_code(code) or "DEMO"
    back = request.app.url_path_for("chat_page", code=parsed) + "#latest"
    token = request.cookies.get(COOKIE) or ""
    target = services.channels.get(channel) if channel in CHANNELS else None
    if not token or target is None or not target.join_link(parsed):
        return RedirectResponse(back, 303)
    pseudonym = make_pseudonym(services.secret_key, "web", token)
    carry = await services.bus.handle(c.IssueCarryOver(pseudonym, parsed, channel))
    link = target.join_link(parsed, carry) if carry else None
    return RedirectResponse(link or back, 303)
