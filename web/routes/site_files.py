"""The files a site is asked for by name: the icon, ``robots.txt`` and ``security.txt``."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse

from web.deps import ServicesDep

router = APIRouter()

# Search engines may list the landing page, the published summaries and the privacy
# statements; a chat, the web area and the machine addresses are nobody's search result.
ROBOTS = """\
User-agent: *
Disallow: /chat/
Disallow: /manage/
Disallow: /account/
Disallow: /login
Disallow: /logout
Disallow: /api/
Disallow: /qr/
Disallow: /mail/
Disallow: /webhook/
Disallow: /results/
Disallow: /healthz
Allow: /
"""
SECURITY_TXT_VALID = timedelta(days=180)  # RFC 9116: "Expires" less than a year ahead


@router.get("/favicon.ico", include_in_schema=False)
async def favicon(request: Request) -> RedirectResponse:
    """The icon, for browsers that ask for it here (a PDF, a JSON page: no ``<link>``)."""
    icon = str(request.app.url_path_for("static", path="icon.svg"))
    return RedirectResponse(request.app.state.assets.address(icon, "icon.svg"), 302)


@router.get("/robots.txt", response_class=PlainTextResponse, include_in_schema=False)
async def robots() -> PlainTextResponse:
    """What search engines may read."""
    return PlainTextResponse(ROBOTS)


@router.get("/.well-known/security.txt", response_class=PlainTextResponse)
async def security_txt(services: ServicesDep) -> PlainTextResponse:
    """Where to report a vulnerability (RFC 9116), once INSPRAAK_SECURITY_CONTACT is set."""
    settings = services.settings
    if not settings.security_contact:
        raise HTTPException(404)
    expires = services.clock() + SECURITY_TXT_VALID
    lines = [
        f"Contact: {settings.security_contact}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: nl, en",
    ]
    if settings.public_url:
        lines.append(f"Canonical: {settings.base_url()}/.well-known/security.txt")
    return PlainTextResponse("\n".join(lines) + "\n")
