"""Admins only: the accounts of the web area (invite, change, disable, enable, remove)."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core import views
from core.domain import commands as c
from core.domain.accounts import Role
from core.domain.errors import InvalidInput
from core.i18n import N_, gettext_for
from core.services.accounts import AccountExists
from core.views.users import UserRow, users
from web.deps import IdPath, LanguageDep, Services, ServicesDep, Session, send
from web.routes.account import mail_on
from web.routes.manage.common import form_dict, page, router
from web.routes.manage.governance import AdminDep

ROLES = (
    (Role.FACILITATOR.value, N_("Facilitator: runs the projects of their organisation")),
    (Role.VIEWER.value, N_("Viewer: reads the projects of their organisation")),
    (Role.ADMIN.value, N_("Admin: everything, every organisation")),
)


def _problem(lang: str, detail: str) -> tuple[str, str]:
    """The field and the message for a refused account form."""
    _ = gettext_for(lang).gettext
    return {
        "email": ("email", _("Enter an e-mail address such as naam@gemeente.nl.")),
        "role": ("role", _("Choose one of the roles.")),
        "organisation_required": (
            "organisation",
            _("Choose the organisation: only an admin works for all of them."),
        ),
        "unknown_organisation": ("organisation", _("Choose one of the organisations.")),
        "exists": ("email", _("There is already an account with this e-mail address.")),
    }.get(detail, ("email", _("This did not work. Please check the form.")))


async def _context(services: Services, lang: str) -> dict[str, Any]:
    _ = gettext_for(lang).gettext
    async with services.reading() as uow:
        orgs = await views.organisations(uow)
    choices = [("", _("None (admins only)"))] + [(o["slug"], o["name"]) for o in orgs]
    return {"roles": [(v, _(t)) for v, t in ROLES], "orgs": choices}


async def _list(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> Response:
    async with services.reading() as uow:
        found = await users(uow)
    context = await _context(services, lang)
    context.update(
        users=found,
        values=values or {"email": "", "role": "facilitator", "organisation": ""},
        errors=errors or {},
        done=request.query_params.get("done", ""),
        mail_on=mail_on(services),
    )
    status = 400 if errors else 200
    return page(request, session, lang, "manage/users.html", status_code=status, **context)


@router.get("/users", response_class=HTMLResponse, name="users")
async def users_page(
    request: Request, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """Every account: role, organisation, last login, state; and the invitation form."""
    return await _list(request, services, session, lang)


@router.post("/users", response_class=HTMLResponse)
async def invite(
    request: Request, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """Make an account and mail its owner a link to choose a password."""
    form = form_dict(await request.form())
    values = {k: form.get(k, "").strip() for k in ("email", "role", "organisation")}
    if not mail_on(services):  # the invitation could not reach anyone
        _ = gettext_for(lang).gettext
        errors = {"email": [_("E-mail is not set up, so no invitation can be sent.")]}
        return await _list(request, services, session, lang, values, errors)
    base_url = services.settings.base_url()
    command = c.InviteUser(
        values["email"], values["role"], values["organisation"] or None, base_url, lang,
        user_id=session.user.id,
    )  # fmt: skip
    try:
        await send(services, command)
    except (InvalidInput, AccountExists) as error:
        detail = "exists" if isinstance(error, AccountExists) else error.detail
        field, message = _problem(lang, detail)
        return await _list(request, services, session, lang, values, {field: [message]})
    return RedirectResponse("/manage/users?done=invited", 303)


async def _user(services: Services, user_id: int) -> UserRow:
    async with services.reading() as uow:
        found = await users(uow, user_id)
    if not found:
        raise HTTPException(404, N_("No such user"))
    return found[0]


@router.get("/users/{user_id}", response_class=HTMLResponse)
async def user_form(
    request: Request, user_id: IdPath, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """One account: change its role and organisation, disable, enable or remove it."""
    user = await _user(services, user_id)
    values = {"role": user.role, "organisation": user.organisation}
    context = await _context(services, lang)
    context.update(user=user, values=values, errors={})
    context["confirm_remove"] = request.query_params.get("remove") == "1"
    return page(request, session, lang, "manage/user_form.html", **context)


@router.post("/users/{user_id}", response_class=HTMLResponse)
async def update_user(
    request: Request, user_id: IdPath, services: ServicesDep, session: AdminDep, lang: LanguageDep
) -> Response:
    """Save the role and organisation; a wrong combination gets a message beside the field."""
    user = await _user(services, user_id)
    form = form_dict(await request.form())
    values = {k: form.get(k, "").strip() for k in ("role", "organisation")}
    command = c.UpdateUser(
        user_id, values["role"], values["organisation"] or None, user_id=session.user.id
    )
    try:
        await send(services, command)
    except InvalidInput as error:
        field, message = _problem(lang, error.detail)
        context = await _context(services, lang)
        context.update(user=user, values=values, errors={field: [message]})
        return page(request, session, lang, "manage/user_form.html", status_code=400, **context)
    return RedirectResponse("/manage/users?done=saved", 303)


@router.post("/users/{user_id}/{action}")
async def user_action(
    request: Request, user_id: IdPath, action: str, services: ServicesDep, session: AdminDep
) -> Response:
    """Disable, enable, remove (after the confirmation on the user's page) or invite again."""
    await _user(services, user_id)
    actor = session.user.id
    commands: dict[str, c.Command] = {
        "disable": c.SetUserDisabled(user_id, True, user_id=actor),
        "enable": c.SetUserDisabled(user_id, False, user_id=actor),
        "remove": c.RemoveUser(user_id, user_id=actor),
        "resend": c.ResendInvitation(user_id, services.settings.base_url(), user_id=actor),
    }
    if action not in commands:
        raise HTTPException(404, N_("No such action"))
    try:
        await send(services, commands[action])
    except InvalidInput as error:
        message = {
            "user_disabled": N_("This account is disabled."),
            "has_password": N_("This person has chosen a password already."),
        }.get(error.detail, N_("No such user"))
        raise HTTPException(400, message) from error
    return RedirectResponse(f"/manage/users?done={action}", 303)
