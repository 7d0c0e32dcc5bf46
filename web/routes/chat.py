"""The web chat page: plain forms that also work without JavaScript, HTMX when present."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.domain.model import Project
from core.i18n import N_, text_direction
from web.deps import ChatLanguageDep, ServicesDep, WebChatDep
from web.rendering import render

router = APIRouter()

COOKIE = "inspraak_chat"
MAX_FORM_TEXT = 20_000  # longer posts are cut here; the engine explains the 1,000 limit


def _csrf(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), f"chat:{token}".encode(), hashlib.sha256).hexdigest()[:32]


@router.get("/chat/{code}", response_class=HTMLResponse, name="chat_page")
async def chat_page(
    request: Request, code: str, chat: WebChatDep, services: ServicesDep, lang: ChatLanguageDep
) -> Response:
    """Show the conversation; a first visit sees the greeting, stored only once answered."""
    code = _code(code)
    token = request.cookies.get(COOKIE) or ""
    entries = await chat.transcript(token) if token else []
    new = not token
    if new:
        token = chat.new_token()
    if not entries:
        entries = await chat.greeting(token, code, language=lang)
    lang = (await chat.language(token) if not new else None) or lang
    response = _render(request, services, code, token, entries, lang)
    if new:
        _set_cookie(response, services, token)
    if request.query_params.get("lang"):  # a chosen language holds for the answers that follow
        _set_cookie(response, services, lang, name="lang")
    return response


@router.post("/chat/{code}", response_class=HTMLResponse)
async def chat_post(
    request: Request,
    code: str,
    chat: WebChatDep,
    services: ServicesDep,
    lang: ChatLanguageDep,
    csrf: str = Form(""),
    text: str | None = Form(None),
    choice: str | None = Form(None),
) -> Response:
    """Take a typed message or a pressed button, then show the conversation again."""
    code = _code(code)
    token = request.cookies.get(COOKIE)
    secret = services.secret_key
    if not token or not hmac.compare_digest(csrf, _csrf(secret, token)):
        raise HTTPException(403, N_("This form has expired. Please reload the page."))
    typed = text[:MAX_FORM_TEXT] if text is not None else None
    await chat.answer(token, code, text=typed, choice=choice, language=lang)
    if request.headers.get("HX-Request"):
        entries = await chat.transcript(token)
        lang = await chat.language(token) or lang
        return _render(request, services, code, token, entries, lang, partial=True)
    # a relative address: never one made from the request's Host header
    return RedirectResponse(request.app.url_path_for("chat_page", code=code) + "#latest", 303)


def _code(raw: str) -> str:
    """The project code of a chat link; a link that holds none is a page not found."""
    code = Project.parse_code(raw)
    if code is None:
        raise HTTPException(404, N_("Unknown project"))
    return code


def _render(
    request: Request,
    services: ServicesDep,
    code: str,
    token: str,
    entries: list,
    lang: str,
    partial: bool = False,
) -> HTMLResponse:
    csrf = _csrf(services.secret_key, token)
    last = entries[-1] if entries and entries[-1].outgoing else None
    context = {
        "code": code,
        "entries": entries,
        "csrf": csrf,
        "options": last.options if last else [],
        "public_url": services.settings.public_url,
        "dir": text_direction(lang),  # Arabic is read right to left
    }
    return render(request, "_chat.html" if partial else "chat.html", context, lang)


def _set_cookie(response: Response, services: ServicesDep, value: str, name: str = COOKIE) -> None:
    secure = services.settings.base_url().startswith("https://")
    response.set_cookie(
        name, value, max_age=180 * 24 * 3600, httponly=True, samesite="lax", secure=secure
    )
