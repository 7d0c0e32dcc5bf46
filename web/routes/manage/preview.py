"""The preview chat: a facilitator tries a project's dialogue on a throwaway copy.

Plain forms that work without JavaScript, HTMX when present; the preview's token lives in a
cookie that only this project's preview pages receive.
"""

from __future__ import annotations

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.domain.model import Project
from core.messages import new_turn
from core.services.preview import PreviewGone
from web.deps import FacilitatorDep, LanguageDep, Services, ServicesDep, Session, project_for
from web.routes.manage.common import page, router

COOKIE = "inspraak_preview"
MAX_FORM_TEXT = 20_000  # longer posts are cut here; the engine explains the 1,000 limit


def _path(project: Project) -> str:
    return f"/manage/projects/{project.code}/try"


@router.get("/projects/{code}/try", response_class=HTMLResponse, name="preview_chat")
async def preview_chat(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """The preview's conversation so far, or the page that starts one."""
    project = await project_for(services, session, code, change=True)
    token = request.cookies.get(COOKIE, "")
    if not services.previews.exists(project.code, token):
        stopped = request.query_params.get("stopped") == "1"
        template = "manage/preview_chat.html"
        return page(request, session, lang, template, project=project, stopped=stopped)
    return await _show(request, services, session, lang, project, token)


@router.post("/projects/{code}/try/new", response_class=HTMLResponse)
async def start_preview(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep, lang: LanguageDep
) -> Response:
    """Start a fresh preview on a new copy of the project (the previous one is removed)."""
    project = await project_for(services, session, code, change=True)
    services.previews.stop(project.code, request.cookies.get(COOKIE, ""))
    token = await services.previews.start(project.code, lang)
    response = RedirectResponse(_path(project) + "#latest", 303)
    secure = services.settings.served_over_https()
    response.set_cookie(
        COOKIE, token, path=_path(project), httponly=True, samesite="strict", secure=secure
    )
    return response


@router.post("/projects/{code}/try", response_class=HTMLResponse)
async def answer_preview(
    request: Request,
    code: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
    text: str | None = Form(None),
    choice: str | None = Form(None),
    turn: str | None = Form(None),  # the form's one-time token: posted twice, one answer
) -> Response:
    """Take a typed message or a pressed button in the preview, then show it again."""
    project = await project_for(services, session, code, change=True)
    token = request.cookies.get(COOKIE, "")
    typed = text[:MAX_FORM_TEXT] if text is not None else None
    try:
        await services.previews.answer(project.code, token, text=typed, choice=choice, turn=turn)
    except PreviewGone:  # stopped meanwhile, or removed after two idle hours
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": _path(project)})
        return RedirectResponse(_path(project), 303)
    if request.headers.get("HX-Request"):
        return await _show(request, services, session, lang, project, token, partial=True)
    return RedirectResponse(_path(project) + "#latest", 303)


@router.post("/projects/{code}/try/stop")
async def stop_preview(
    request: Request, code: str, services: ServicesDep, session: FacilitatorDep
) -> Response:
    """End the preview: its copy and everything typed in it are removed."""
    project = await project_for(services, session, code, change=True)
    services.previews.stop(project.code, request.cookies.get(COOKIE, ""))
    response = RedirectResponse(_path(project) + "?stopped=1", 303)
    response.delete_cookie(COOKIE, path=_path(project))
    return response


async def _show(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    project: Project,
    token: str,
    partial: bool = False,
) -> Response:
    entries = await services.previews.transcript(project.code, token)
    # the buttons of the question still open (a reply such as "choose one" has none)
    last = None
    for entry in reversed(entries):
        if not entry.outgoing:
            break
        if entry.options:
            last = entry
            break
    template = "manage/_preview_chat.html" if partial else "manage/preview_chat.html"
    context = {
        "project": project,
        "entries": entries,
        "options": last.options if last else [],
        "public_url": services.settings.public_url,
        "running": True,
        "option_turn": new_turn(),  # a turn per form, as in the web chat
        "text_turn": new_turn(),
    }
    return page(request, session, lang, template, **context)
