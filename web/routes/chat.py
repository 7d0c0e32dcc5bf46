"""The web chat page: plain forms that also work without JavaScript, HTMX when present.

After a resident erased everything, the chat says so and stores nothing until they type START:
the browser keeps that moment (and the resident's language) in a cookie of its own, and gets a
fresh chat token, so nothing of the erased conversation is linked to what comes after.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core import views
from core.domain.model import Project
from core.i18n import N_, RESIDENT_LANGUAGES, text_direction
from web.deps import ChatLanguageDep, ServicesDep, WebChatDep
from web.rendering import render

router = APIRouter()

COOKIE = "inspraak_chat"
ERASED_COOKIE = "inspraak_chat_erased"  # the language of a resident who erased everything
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
    erased = _erased(request) if not entries else None
    if erased:
        entries = chat.erased(erased)
    elif not entries:
        entries = await chat.greeting(token, code, language=lang)
    lang = erased or (await chat.language(token) if not new else None) or lang
    page = _Page(code, token, entries, lang, erased=erased is not None)
    response = await _render(request, services, chat, page)
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
    turn: str | None = Form(None),  # the form's one-time token: posted twice, one answer
) -> Response:
    """Take a typed message or a pressed button, then show the conversation again."""
    code = _code(code)
    token = request.cookies.get(COOKIE)
    secret = services.secret_key
    if not token or not hmac.compare_digest(csrf, _csrf(secret, token)):
        raise HTTPException(403, N_("This form has expired. Please reload the page."))
    typed = text[:MAX_FORM_TEXT] if text is not None else None
    erased = _erased(request)
    if erased and not await chat.transcript(token):  # nothing stored since the erasure
        if not chat.starts_again(typed):
            page = _Page(code, token, chat.erased(erased), lang, erased=True)
            return await _respond(request, services, chat, page)
        await chat.start(token, code, language=erased, turn=turn)
        response = await _respond(request, services, chat, _Page(code, token, [], lang))
        response.delete_cookie(ERASED_COOKIE)
        return response
    answered = await chat.answer(token, code, text=typed, choice=choice, language=lang, turn=turn)
    if answered.erased:
        fresh = chat.new_token()  # nothing links the erased conversation to a new one
        page = _Page(code, fresh, chat.erased(answered.language), lang, erased=True)
        response = await _respond(request, services, chat, page)
        _set_cookie(response, services, fresh)
        _set_cookie(response, services, answered.language, name=ERASED_COOKIE, session=True)
        return response
    response = await _respond(request, services, chat, _Page(code, token, [], lang))
    if erased:
        response.delete_cookie(ERASED_COOKIE)
    return response


class _Page:
    """What one rendering of the chat shows."""

    def __init__(
        self, code: str, token: str, entries: list[Any], lang: str = "nl", erased: bool = False
    ) -> None:
        self.code, self.token, self.entries = code, token, entries
        self.lang, self.erased = lang, erased


async def _respond(
    request: Request, services: ServicesDep, chat: WebChatDep, page: _Page
) -> Response:
    """The answer to a post: the conversation again (HTMX), or back to the page (plain form)."""
    if not request.headers.get("HX-Request"):
        # a relative address: never one made from the request's Host header
        url = request.app.url_path_for("chat_page", code=page.code) + "#latest"
        return RedirectResponse(url, 303)
    if not page.erased:
        page.entries = await chat.transcript(page.token)
        page.lang = await chat.language(page.token) or page.lang
    return await _render(request, services, chat, page, partial=True)


def _code(raw: str) -> str:
    """The project code of a chat link; a link that holds none is a page not found."""
    code = Project.parse_code(raw)
    if code is None:
        raise HTTPException(404, N_("Unknown project"))
    return code


def _erased(request: Request) -> str | None:
    """The language of a resident who erased everything in this browser (None: nobody did)."""
    value = request.cookies.get(ERASED_COOKIE)
    return value if value in RESIDENT_LANGUAGES else None


async def _render(
    request: Request,
    services: ServicesDep,
    chat: WebChatDep,
    page: _Page,
    partial: bool = False,
) -> HTMLResponse:
    entries = page.entries
    last = entries[-1] if entries and entries[-1].outgoing else None
    options = last.options if last else []
    offered = [] if chat.others_offered([last] if last else []) else chat.others_offered(entries)
    async with services.reading() as uow:
        published = await views.has_public_summary(uow, page.code)
    context = {
        "code": page.code,
        "entries": entries,
        "turn_start": _turn_start(entries),
        "csrf": _csrf(services.secret_key, page.token),
        # a turn per form: a button pressed while a typed text is still on its way is new
        "option_turn": chat.new_turn(),
        "text_turn": chat.new_turn(),
        "options": options,
        "others": offered[:1],  # the newest; none when the question offers it already
        "erased": page.erased,
        "results_url": request.app.url_path_for("summary_page", code=page.code)
        if published
        else None,
        "public_url": services.settings.public_url,
        "partial": partial,  # the script puts the cursor back itself (not on a tapped phone)
        "dir": text_direction(page.lang),  # Arabic is read right to left
    }
    return render(request, "_chat.html" if partial else "chat.html", context, page.lang)


def _turn_start(entries: list[Any]) -> int:
    """Where the newest turn begins: the first reply after the resident's last message."""
    for index in range(len(entries) - 1, -1, -1):
        if not entries[index].outgoing:
            return min(index + 1, len(entries) - 1)
    return 0


def _set_cookie(
    response: Response,
    services: ServicesDep,
    value: str,
    name: str = COOKIE,
    session: bool = False,
) -> None:
    secure = services.settings.served_over_https()
    max_age = None if session else 180 * 24 * 3600
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure)
