"""Signing in and out, and changing the password."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.domain import commands as c
from core.domain.errors import InvalidInput
from core.i18n import N_, gettext_for
from core.services import accounts
from web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    IdPath,
    LanguageDep,
    OptionalSessionDep,
    Services,
    ServicesDep,
    Session,
    UserDep,
    csrf_ok,
    verify_csrf,
)
from web.rendering import render

router = APIRouter()


def _login_csrf(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"login:{nonce}".encode(), hashlib.sha256).hexdigest()


def secure_cookies(services: Services) -> bool:
    return bool(services.settings.served_over_https())


def _safe_next(target: str) -> str:
    """Only local paths: never send someone to another site after signing in."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/manage"


@router.get("/login", response_class=HTMLResponse, name="login")
async def login_page(
    request: Request, services: ServicesDep, lang: LanguageDep, next: str = "/manage"
) -> Response:
    """Show the login form."""
    return _login_form(request, services, lang, next)


def _login_form(
    request: Request,
    services: Services,
    lang: str,
    next_url: str,
    error: str = "",
    email: str = "",
    status: int = 200,
) -> Response:
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(16)
    context = {
        "csrf": _login_csrf(services.secret_key, nonce),
        "next": _safe_next(next_url),
        "error": error,
        "email": email,
    }
    response = render(request, "manage/login.html", context, lang, status_code=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=secure_cookies(services)
    )
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    services: ServicesDep,
    lang: LanguageDep,
    email: str = Form(""),
    password: str = Form(""),
    csrf: str = Form(""),
    next: str = Form("/manage"),
) -> Response:
    """Check the password (failures are limited per e-mail address) and open a session."""
    _ = gettext_for(lang).gettext
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not nonce or not csrf_ok(_login_csrf(services.secret_key, nonce), csrf):
        raise HTTPException(403, N_("This form has expired. Please reload the page."))
    ip = request.client.host if request.client else "unknown"
    try:
        found = await services.bus.handle(c.SignIn(email, password, ip))
    except accounts.LoginThrottled as throttled:
        message = _("Too many attempts to sign in with this address. Please try again later.")
        response = _login_form(request, services, lang, next, message, email, 429)
        response.headers["Retry-After"] = str(max(1, int(throttled.retry_after.total_seconds())))
        return response
    except accounts.AccountDisabled:
        message = _("This account is disabled. Ask your admin to enable it again.")
        return _login_form(request, services, lang, next, message, email, 403)
    if found is None:
        message = _("The e-mail address or password is not correct.")
        return _login_form(request, services, lang, next, message, email, 400)
    user, token = found
    target = "/account/password" if user.must_change_password else _safe_next(next)
    response = RedirectResponse(target, 303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(services),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(
    services: ServicesDep, session: OptionalSessionDep, csrf: str = Form("")
) -> Response:
    """End the session."""
    if session is not None:
        if not csrf_ok(session.csrf, csrf):
            raise HTTPException(403, N_("This form has expired. Please reload the page."))
        await services.bus.handle(c.SignOut(session.token))
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account/password", response_class=HTMLResponse, name="password_page")
async def password_page(
    request: Request, session: OptionalSessionDep, lang: LanguageDep
) -> Response:
    """Show the password form (the first thing a new user sees)."""
    if session is None:
        return RedirectResponse("/login?next=/account/password", 303)
    return render(request, "manage/password.html", {"session": session, "errors": {}}, lang)


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(
    request: Request,
    services: ServicesDep,
    session: OptionalSessionDep,
    lang: LanguageDep,
    csrf: str = Form(""),
    current: str = Form(""),
    new: str = Form(""),
    repeat: str = Form(""),
) -> Response:
    """Replace the password; other sessions of this user end."""
    _ = gettext_for(lang).gettext
    if session is None:
        return RedirectResponse("/login", 303)
    if not csrf_ok(session.csrf, csrf):
        raise HTTPException(403, N_("This form has expired. Please reload the page."))
    errors: dict[str, list[str]] = {}
    if new != repeat:
        errors["repeat"] = [_("The two new passwords are not the same.")]
    else:
        command = c.ChangePassword(session.user.id or 0, current, new, keep_token=session.token)
        try:
            if not await services.bus.handle(command):
                errors["current"] = [_("The current password is not correct.")]
        except InvalidInput as error:
            errors["new"] = [_password_problem(lang, error.detail)]
    if errors:
        context = {"session": session, "errors": errors}
        return render(request, "manage/password.html", context, lang, status_code=400)
    return RedirectResponse("/manage?changed=1", 303)


def _password_problem(lang: str, detail: str) -> str:
    _ = gettext_for(lang).gettext
    return {
        "password_unchanged": _("Choose a password you have not used here yet."),
        "password_is_email": _("Do not use your e-mail address as password."),
    }.get(detail, _("Use at least %(n)s characters.") % {"n": accounts.MIN_PASSWORD_LENGTH})


# --- API tokens of the signed-in user ---


async def _tokens_page(
    request: Request,
    services: Services,
    session: Session,
    lang: str,
    new_token: str = "",
    status: int = 200,
) -> Response:
    async with services.reading() as uow:
        tokens = await accounts.tokens_of(uow, session.user.id or 0)
    context = {"session": session, "tokens": tokens, "new_token": new_token}
    return render(request, "manage/tokens.html", context, lang, status_code=status)


@router.get("/account/tokens", response_class=HTMLResponse, name="tokens_page")
async def tokens_page(
    request: Request, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """Your API tokens for /api/v1: when they were made and last used; make or revoke one."""
    return await _tokens_page(request, services, session, lang)


@router.post("/account/tokens", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def create_token(
    request: Request, services: ServicesDep, session: UserDep, lang: LanguageDep
) -> Response:
    """Make a new API token; it is shown this once (only its hash is kept)."""
    token = await services.bus.handle(c.IssueApiToken(session.user.id or 0))
    response = await _tokens_page(request, services, session, lang, new_token=token, status=201)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Depends(verify_csrf)])
async def revoke_token(token_id: IdPath, services: ServicesDep, session: UserDep) -> Response:
    """Revoke one of your tokens: the API refuses it from now on."""
    found = await services.bus.handle(c.RevokeApiToken(session.user.id or 0, token_id))
    if not found:
        raise HTTPException(404, N_("No such token"))
    return RedirectResponse("/account/tokens?revoked=1", 303)
