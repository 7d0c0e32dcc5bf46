"""Setting a password through a mailed link (an invitation or "forgot password"), and which
e-mails a signed-in user gets about their projects."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.domain import commands as c
from core.domain.accounts import MAIL_TOPICS
from core.domain.errors import InvalidInput
from core.i18n import N_, gettext_for
from core.services.staff_accounts import LinkNotValid, link_user
from web.deps import LanguageDep, Services, ServicesDep, UserDep, csrf_ok, verify_csrf
from web.rendering import render
from web.routes.auth import _login_csrf, _password_problem, secure_cookies

router = APIRouter()

FORGOT_COOKIE = "inspraak_forgot"


def mail_on(services: Services) -> bool:
    """Whether this server can send mail (``INSPRAAK_SMTP_HOST`` set): links need it."""
    return getattr(services, "postman", None) is not None


def _forgot_form(request: Request, services: ServicesDep, lang: str, sent: bool) -> Response:
    nonce = request.cookies.get(FORGOT_COOKIE) or _new_nonce()
    context = {
        "csrf": _login_csrf(services.secret_key, "forgot:" + nonce),
        "sent": sent,
        "mail_on": mail_on(services),
    }
    response = render(request, "manage/forgot.html", context, lang)
    response.set_cookie(
        FORGOT_COOKIE, nonce, httponly=True, samesite="lax", secure=secure_cookies(services)
    )
    return response


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


@router.get("/login/forgot", response_class=HTMLResponse)
async def forgot_page(request: Request, services: ServicesDep, lang: LanguageDep) -> Response:
    """Ask for a link to choose a new password."""
    return _forgot_form(request, services, lang, sent=False)


@router.post("/login/forgot", response_class=HTMLResponse)
async def forgot(
    request: Request,
    services: ServicesDep,
    lang: LanguageDep,
    email: str = Form(""),
    csrf: str = Form(""),
) -> Response:
    """Mail a reset link if the address has an account; the answer is the same either way."""
    nonce = request.cookies.get(FORGOT_COOKIE, "")
    if not nonce or not csrf_ok(_login_csrf(services.secret_key, "forgot:" + nonce), csrf):
        raise HTTPException(403, N_("This form has expired. Please reload the page."))
    await services.bus.handle(c.RequestPasswordReset(email, services.settings.base_url()))
    return _forgot_form(request, services, lang, sent=True)


async def _reset_form(
    request: Request,
    services: ServicesDep,
    lang: str,
    token: str,
    errors: dict[str, list[str]] | None = None,
) -> Response:
    async with services.reading() as uow:
        found = await link_user(uow, token)
    context = {
        "token": token,
        "email": found[0].email if found else "",
        "invite": bool(found and found[1] == "invite"),
        "valid": found is not None,
        "errors": errors or {},
    }
    status = 400 if errors else 200 if found else 410
    response = render(request, "manage/reset.html", context, lang, status_code=status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is a secret
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login/reset/{token}", response_class=HTMLResponse)
async def reset_page(
    request: Request, token: str, services: ServicesDep, lang: LanguageDep
) -> Response:
    """Choose a password through the mailed link (or be told it no longer works)."""
    return await _reset_form(request, services, lang, token[:100])


@router.post("/login/reset/{token}", response_class=HTMLResponse)
async def reset(
    request: Request,
    token: str,
    services: ServicesDep,
    lang: LanguageDep,
    new: str = Form(""),
    repeat: str = Form(""),
) -> Response:
    """Store the new password; the link is used up and every session of the user ends.

    The token in the path is itself the proof: no session or CSRF token is needed."""
    _ = gettext_for(lang).gettext
    token = token[:100]
    if new != repeat:
        errors = {"repeat": [_("The two new passwords are not the same.")]}
        return await _reset_form(request, services, lang, token, errors)
    try:
        await services.bus.handle(c.ResetPassword(token, new))
    except LinkNotValid:
        return await _reset_form(request, services, lang, token)
    except InvalidInput as error:
        errors = {"new": [_password_problem(lang, error.detail)]}
        return await _reset_form(request, services, lang, token, errors)
    return RedirectResponse("/login?reset=1", 303)


@router.get("/account/notifications", response_class=HTMLResponse)
async def notifications_page(
    request: Request, session: UserDep, lang: LanguageDep, services: ServicesDep
) -> Response:
    """Which e-mails you get about your projects."""
    context = {
        "session": session,
        "values": {t: session.user.notify.get(t, False) for t in MAIL_TOPICS},
        "language": session.user.language,
        "saved": request.query_params.get("saved") == "1",
        "mail_on": mail_on(services),
    }
    return render(request, "manage/notifications.html", context, lang)


@router.post("/account/notifications", dependencies=[Depends(verify_csrf)])
async def save_notifications(
    request: Request, session: UserDep, services: ServicesDep
) -> Response:
    """Save the choice of e-mails and their language."""
    form = await request.form()
    topics = tuple(t for t in MAIL_TOPICS if form.get(t))
    language = str(form.get("language", "nl"))
    await services.bus.handle(c.SetMailPreferences(session.user.id or 0, topics, language))
    return RedirectResponse("/account/notifications?saved=1", 303)
