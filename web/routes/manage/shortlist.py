"""The shortlist (a round's items from its organised ideas round) and importing ideas."""

from __future__ import annotations

from typing import Any

from fastapi import File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.domain.model import Project, Round, RoundAction, RoundKind
from core.i18n import N_, gettext_for
from core.services import shortlist as service
from core.services.idea_file import MAX_BYTES, InvalidIdeaFile
from core.services.round_actions import preview_action
from core.views import shortlist as views
from web.deps import (
    FacilitatorDep,
    LanguageDep,
    Services,
    ServicesDep,
    Session,
    project_for,
    round_for,
    rounds_of,
    send,
)
from web.routes.manage.common import page, router

TOP_ERROR = N_("Give a number from 1 to 500, or leave it empty for all.")


def _top(raw: str) -> tuple[int | None, bool]:
    """The top N typed in the form (None: all) and whether it was understood."""
    text = raw.strip()
    if not text:
        return None, True
    if text.isdigit() and 1 <= int(text) <= service.MAX_TOP:
        return int(text), True
    return None, False


async def _source(services: Services, project: Project, rnd: Round) -> Round:
    if not rnd.items_from:
        raise HTTPException(404, N_("This round takes no items from an ideas round."))
    return await round_for(services, project, rnd.items_from)


async def _shortlist_page(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    project: Project,
    rnd: Round,
    themes: list[str],
    top_text: str,
    **extra: Any,
) -> Response:
    source = await _source(services, project, rnd)
    top, understood = _top(top_text)
    async with services.reading() as uow:
        found = await views.candidates(uow, source.id or 0)
        names = await views.round_themes(uow, source.id or 0)
        current = [i for i in await uow.projects.items(rnd.id or 0) if i.idea_id]
        opening = await preview_action(uow, project, rnd, RoundAction.OPEN, services.clock())
    chosen = views.choose(found, themes, top)
    context = {
        "project": project,
        "rnd": rnd,
        "source": source,
        "candidates": chosen,
        "all_count": len(found),
        "ideas_count": sum(c.ideas for c in chosen),
        "theme_names": names,
        "themes": themes,
        "top": top_text,
        "top_error": None if understood else gettext_for(lang).gettext(TOP_ERROR),
        "stored": service.choice(rnd),
        "current": len(current),
        "reach": opening.reach,  # residents told when it opens from here
        "open_after": request.query_params.get("open") == "1" or extra.pop("open_after", False),
        **extra,
    }
    status = 400 if not understood else 200
    response: Response = page(
        request, session, lang, "manage/shortlist.html", status_code=status, **context
    )
    return response


@router.get("/projects/{code}/rounds/{key}/shortlist", response_class=HTMLResponse)
async def shortlist(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """The items the round would get from its ideas round, for a choice of themes and top N."""
    project = await project_for(services, session, code, change=True)
    rnd = await round_for(services, project, key)
    params = request.query_params
    stored = service.choice(rnd)
    if "top" in params or "themes" in params or params.get("chosen") == "1":
        themes, top = params.getlist("themes"), params.get("top", "")
    else:
        themes, top = stored["themes"], str(stored["top"] or "")
    applied = params.get("applied") == "1"
    return await _shortlist_page(
        request, services, session, lang, project, rnd, themes, top, applied=applied
    )


@router.post("/projects/{code}/rounds/{key}/shortlist", response_class=HTMLResponse)
async def apply_shortlist(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Fix the round's items to the list shown; open the round too when asked."""
    project = await project_for(services, session, code, change=True)
    rnd = await round_for(services, project, key)
    form = await request.form()
    themes = [str(v) for v in form.getlist("themes")]
    top_text = str(form.get("top", ""))
    top, understood = _top(top_text)
    opening = form.get("open") == "1"
    if not understood:
        return await _shortlist_page(
            request, services, session, lang, project, rnd, themes, top_text, open_after=opening
        )
    await _source(services, project, rnd)
    await send(services, c.ApplyShortlist(rnd.id or 0, tuple(themes), top, session.user.id))
    if opening:
        await send(services, c.OpenRound(rnd.id or 0, session.user.id))
        return RedirectResponse(f"/manage/projects/{project.code}#round-{key}", 303)
    return RedirectResponse(
        f"/manage/projects/{project.code}/rounds/{key}/shortlist?applied=1", 303
    )


def needs_shortlist(rnd: Round) -> bool:
    """Whether opening ``rnd`` should show its shortlist first (none was fixed yet)."""
    draws = rnd.kind in (RoundKind.RATING, RoundKind.STATEMENTS) and bool(rnd.items_from)
    return draws and not service.applied(rnd)


# --- importing ideas ------------------------------------------------------------------------


async def _ideas_round(services: Services, project: Project, key: str) -> Round:
    rnd = await round_for(services, project, key)
    if rnd.kind != RoundKind.IDEAS:
        raise HTTPException(404, N_("Ideas can only be imported into an ideas round."))
    return rnd


async def _import_page(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    project: Project,
    rnd: Round,
    **context: Any,
) -> Response:
    drawing = [r for r in await rounds_of(services, project) if r.items_from == rnd.key]
    status = 400 if context.get("problems") else 200
    response: Response = page(
        request,
        session,
        lang,
        "manage/import_ideas.html",
        status_code=status,
        project=project,
        rnd=rnd,
        drawing=drawing,
        wijken=list(project.settings.get("wijken") or {}),
        max_mb=MAX_BYTES // (1024 * 1024),
        **context,
    )
    return response


@router.get("/import-ideas/{code}/{key}", response_class=HTMLResponse)
async def import_form(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """The form to upload a CSV file of ideas collected on paper or at a meeting."""
    project = await project_for(services, session, code, change=True)
    rnd = await _ideas_round(services, project, key)
    return await _import_page(request, services, session, lang, project, rnd)


@router.post("/import-ideas/{code}/{key}", response_class=HTMLResponse)
async def import_ideas(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
    file: UploadFile | None = File(None),
) -> Response:
    """Add every idea of the file, or none: the page names each problem's line and column."""
    project = await project_for(services, session, code, change=True)
    rnd = await _ideas_round(services, project, key)
    gettext = gettext_for(lang).gettext
    data = await file.read(MAX_BYTES + 1) if file is not None else b""
    if not data:
        problems = [gettext("Choose the CSV file with the ideas.")]
        return await _import_page(
            request, services, session, lang, project, rnd, problems=problems
        )
    try:
        result = await send(services, c.ImportIdeas(rnd.id or 0, data, session.user.id))
    except InvalidIdeaFile as error:
        return await _import_page(
            request, services, session, lang, project, rnd, problems=error.lines(lang)
        )
    except InvalidInput:
        raise HTTPException(404, N_("Ideas can only be imported into an ideas round.")) from None
    return await _import_page(request, services, session, lang, project, rnd, imported=result)
