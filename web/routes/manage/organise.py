"""The organise page of an ideas round: suggested groups, bulk decisions with one
confirmation, merging a group into one idea, themes, and undo.

Every form works without JavaScript (a confirmation page, then POST-redirect-GET back to the
block's anchor) and with HTMX (the confirmation inline, then only the block is replaced, so the
page keeps its scroll position). Reading the forms: :mod:`web.routes.manage.organise_forms`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.domain import commands as c
from core.domain.errors import DomainError
from core.domain.model import Project, Round, RoundKind
from core.i18n import N_
from core.views.organise import chosen_ideas, organise_board
from core.views.organise_page import STRICTNESS, block_of, organise_page
from web.deps import (
    FacilitatorDep,
    LanguageDep,
    Services,
    ServicesDep,
    Session,
    UserDep,
    project_for,
    round_for,
)
from web.routes.manage.common import page, router
from web.routes.manage.organise_forms import (
    REFUSALS,
    BulkForm,
    back_query,
    block_anchor,
    filters_from,
    refusal,
    strictness_from,
)


async def _ideas_round(
    services: Services, session: Session, code: str, key: str, change: bool
) -> tuple[Project, Round]:
    project = await project_for(services, session, code, change=change)
    rnd = await round_for(services, project, key)
    if rnd.kind != RoundKind.IDEAS:
        raise HTTPException(404, N_("Unknown round"))
    return project, rnd


GROUPS_WAIT = 2.0  # seconds a page waits for a round's first clustering before saying so


def _base(project: Project, rnd: Round) -> str:
    return f"/manage/projects/{project.code}/rounds/{rnd.key}/ordenen"


@router.get("/projects/{code}/rounds/{key}/ordenen", response_class=HTMLResponse)
async def organise(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: UserDep,
    lang: LanguageDep,
) -> Response:
    """The organise page: waiting ideas, suggested groups (or search results), themes."""
    project, rnd = await _ideas_round(services, session, code, key, change=False)
    params = request.query_params
    filters = filters_from(params)
    strict = strictness_from(params)
    number = params.get("pagina", "1")
    async with services.reading() as uow:
        board = await organise_board(uow, rnd.id or 0)
    clusters = (
        []
        if filters.active
        else await services.similar_ideas.clusters_within(
            services.reading, rnd.id or 0, STRICTNESS[strict], GROUPS_WAIT
        )
    )
    chosen_page = int(number) if number.isdigit() and len(number) < 6 else 1
    expand = params.get("groep", "")[:20]
    groups = None if clusters is None else [cl.ideas for cl in clusters]
    loose = {i for cl in clusters or [] for i in cl.ideas if cl.loose(i)}
    view = organise_page(board, groups, filters, strict, chosen_page, expand)
    return page(
        request,
        session,
        lang,
        "manage/organise.html",
        **_context(project, rnd, board),
        view=view,
        loose=loose,
        query=back_query(params),
        paging=back_query(params, page=False),
        done=_done(params),
        error=refusal(params.get("fout", "")),
    )


def _context(project: Project, rnd: Round, board: Any) -> dict[str, Any]:
    return {"project": project, "rnd": rnd, "board": board, "base": _base(project, rnd)}


def _done(params: Any) -> tuple[str, int] | None:
    kind, n = params.get("gedaan", ""), params.get("n", "0")
    return (kind, int(n)) if kind and n.isdigit() and len(n) < 6 else None


@router.post("/projects/{code}/rounds/{key}/ordenen/ideeen", response_class=HTMLResponse)
async def organise_ideas(
    request: Request,
    code: str,
    key: str,
    services: ServicesDep,
    session: FacilitatorDep,
    lang: LanguageDep,
) -> Response:
    """Approve, reject, merge or tag the chosen ideas: first a confirmation, then the action."""
    project, rnd = await _ideas_round(services, session, code, key, change=True)
    form = BulkForm.read(await request.form())
    htmx = request.headers.get("HX-Request") == "true"
    if form.cancelled:
        if htmx:
            return await _block(request, services, session, lang, project, rnd, form, quiet=True)
        return _back(project, rnd, form.back, form.block)
    problem = form.problem()
    if problem and not htmx:
        return _back(project, rnd, form.back, form.block, fout=problem)
    if htmx and (problem or not form.confirmed):
        return await _block(request, services, session, lang, project, rnd, form, error=problem)
    async with services.reading() as uow:
        chosen = await chosen_ideas(uow, rnd.id or 0, form.ids)
    if not form.confirmed:
        texts = {i: text for i, (text, _) in chosen.items()}
        return page(
            request, session, lang, "manage/organise_confirm.html",
            **_context(project, rnd, None), form=form, texts=texts,
        )  # fmt: skip
    try:
        result = await services.bus.handle(form.command(rnd.id or 0, session.user.id, chosen))
    except DomainError as error:
        code_ = _code(error)
        if htmx:
            return await _block(request, services, session, lang, project, rnd, form, error=code_)
        return _back(project, rnd, form.back, form.block, fout=code_)
    count = result if form.action in ("approve", "reject") else len(form.ids)
    if htmx:
        return await _block(
            request, services, session, lang, project, rnd, form, done=(form.action, count)
        )
    return _back(project, rnd, form.back, form.block, gedaan=form.action, n=str(count))


async def _block(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    project: Project,
    rnd: Round,
    form: BulkForm,
    error: str = "",
    done: tuple[str, int] | None = None,
    quiet: bool = False,
) -> Response:
    """The block of ideas the form was in, as it is now (HTMX: it replaces only that block)."""
    async with services.reading() as uow:
        board = await organise_board(uow, rnd.id or 0)
    block = block_of(board, form.block, form.kind, form.shown, form.number)
    return page(
        request, session, lang, "manage/_organise_update.html",
        **_context(project, rnd, board), block=block, form=form,
        pending=None if (error or done or quiet or form.confirmed) else form,
        error=refusal(error), done=done, query=form.back, oob=done is not None,
    )  # fmt: skip


def _code(error: DomainError) -> str:
    """The refusal's code the page knows a message for."""
    return error.detail if error.detail in REFUSALS else error.code


def _back(project: Project, rnd: Round, back: str, block: str, **message: str) -> Response:
    query = back + ("&" if back else "") + urlencode(message)
    return RedirectResponse(f"{_base(project, rnd)}?{query}#{block}", 303)


@router.post("/projects/{code}/rounds/{key}/ordenen/themas", response_class=HTMLResponse)
async def organise_themes(
    request: Request, code: str, key: str, services: ServicesDep, session: FacilitatorDep
) -> Response:
    """Make, rename or delete a theme of the round."""
    project, rnd = await _ideas_round(services, session, code, key, change=True)
    form = await request.form()
    action, name = str(form.get("action", "")), str(form.get("name", ""))
    theme = str(form.get("theme", ""))
    back = back_query(form)
    theme_id = int(theme) if theme.isdigit() and len(theme) < 10 else 0
    command: c.Command
    if action == "create":
        command = c.CreateTheme(rnd.id or 0, name, session.user.id)
    elif action == "rename":
        command = c.RenameTheme(rnd.id or 0, theme_id, name, session.user.id)
    elif action == "delete":
        command = c.DeleteTheme(rnd.id or 0, theme_id, session.user.id)
    else:
        return _back(project, rnd, back, "themes", fout="action")
    try:
        await services.bus.handle(command)
    except DomainError as error:
        return _back(project, rnd, back, "themes", fout=_code(error))
    return _back(project, rnd, back, "themes", gedaan=f"theme_{action}", n="1")


@router.post("/projects/{code}/rounds/{key}/ordenen/herstel", response_class=HTMLResponse)
async def organise_undo(
    request: Request, code: str, key: str, services: ServicesDep, session: FacilitatorDep
) -> Response:
    """Undo the round's last organise action (the one the page showed)."""
    project, rnd = await _ideas_round(services, session, code, key, change=True)
    form = await request.form()
    action = str(form.get("action_id", ""))
    back = back_query(form)
    anchor = block_anchor(str(form.get("block", "undo")))  # undone from a group: back to it
    if not action.isdigit() or len(action) > 12:
        return _back(project, rnd, back, anchor, fout="undo_gone")
    try:
        await services.bus.handle(c.UndoOrganise(rnd.id or 0, int(action), session.user.id))
    except DomainError as error:
        return _back(project, rnd, back, anchor, fout=_code(error))
    return _back(project, rnd, back, anchor, gedaan="undo", n="1")
