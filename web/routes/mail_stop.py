"""The link in every notification e-mail: no more e-mail to this address.

Opening it shows a button (a mail scanner that follows links stops nothing); pressing it, or a
mail program's one-click unsubscribe (RFC 8058: a POST to the same address), forgets the
address. The signature proves we made the link for this address; no login is needed.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from core.domain import commands as c
from core.services.notify import stop_signature
from web.deps import LanguageDep, ServicesDep
from web.rendering import render

router = APIRouter()

MAX_ADDRESS = 254


def _valid(services: ServicesDep, address: str, sig: str) -> bool:
    if not address or len(address) > MAX_ADDRESS:
        return False
    return hmac.compare_digest(sig, stop_signature(services.secret_key, address))


@router.get("/mail/stop", response_class=HTMLResponse, name="mail_stop")
async def mail_stop_page(
    request: Request, services: ServicesDep, lang: LanguageDep, address: str = "", sig: str = ""
) -> HTMLResponse:
    """Ask to confirm: no more e-mail to this address."""
    valid = _valid(services, address, sig)
    context = {"address": address, "sig": sig, "valid": valid, "done": False}
    return render(request, "mail_stop.html", context, lang, status_code=200 if valid else 400)


@router.post("/mail/stop", response_class=HTMLResponse)
async def mail_stop(
    request: Request,
    services: ServicesDep,
    lang: LanguageDep,
    address: str = "",
    sig: str = "",
    form_address: str = Form("", alias="address"),
    form_sig: str = Form("", alias="sig"),
) -> HTMLResponse:
    """Forget the address (the form's button, or a mail program's one-click POST)."""
    address, sig = form_address or address, form_sig or sig
    valid = _valid(services, address, sig)
    if valid:
        await services.bus.handle(c.StopNotifyEmail(address))
    context = {"address": address, "sig": sig, "valid": valid, "done": valid}
    return render(request, "mail_stop.html", context, lang, status_code=200 if valid else 400)
