"""The FastAPI application: ``create_app(services)``; the composition root supplies services."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.i18n import gettext_for
from web import csp
from web.assets import AssetVersions, StaticAssets
from web.deps import LoginRequired, Services, get_language
from web.limits import BodyLimit
from web.pdf import PdfMaker
from web.proxies import TrustedProxies
from web.rendering import Pages, render
from web.routes import (
    account,
    api,
    auth,
    carry,
    chat,
    health,
    mail_stop,
    manage,
    privacy,
    public,
    qr,
    site_files,
    summary,
    webhooks,
)

HERE = Path(__file__).parent
log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]


class SecurityHeaders:
    """Adds the security headers to every HTTP response that does not set them itself.

    A plain ASGI middleware: Starlette's ``@app.middleware("http")`` runs each request through
    extra tasks and memory streams, which cost about a millisecond per request (a third of a
    webhook update's handling).
    """

    HEADERS = (
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", csp.POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    )
    # Served over HTTPS (INSPRAAK_PUBLIC_URL https://...): browsers come back over HTTPS only,
    # for a year, so a login form is never sent in the clear on a hostile network.
    HTTPS_ONLY = ("Strict-Transport-Security", "max-age=31536000")

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.headers = self.HEADERS + ((self.HTTPS_ONLY,) if https else ())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    services: Services,
    *,
    on_startup: list[Hook] | None = None,
    on_shutdown: list[Hook] | None = None,
) -> FastAPI:
    """Build the web app around already-wired services; hooks start and stop the channels."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for hook in on_startup or []:
            await hook()
        try:
            yield
        finally:
            for hook in on_shutdown or []:
                await hook()

    app = FastAPI(title="inspraak", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.services = services
    app.state.pages = Pages(HERE / "templates")
    app.state.pdf = PdfMaker(HERE / "static", svg_css=("charts.css",))  # the council's report
    app.state.assets = AssetVersions(HERE / "static")
    app.mount("/static", StaticAssets(HERE / "static", app.state.assets), name="static")
    app.include_router(health.router)
    app.include_router(public.router)
    app.include_router(site_files.router)
    app.include_router(chat.router)
    app.include_router(carry.router)
    app.include_router(mail_stop.router)
    app.include_router(qr.router)
    app.include_router(webhooks.router)
    app.include_router(auth.router)
    app.include_router(account.router)
    app.include_router(manage.router)
    app.include_router(summary.router)
    app.include_router(privacy.router)
    app.mount("/api/v1", api.create_api(services))
    app.state.webhooks = {}

    @app.exception_handler(LoginRequired)
    async def login_first(request: Request, exc: LoginRequired) -> Response:
        if exc.change_password:
            return RedirectResponse("/account/password", 303)
        return RedirectResponse("/login?" + urlencode({"next": exc.next_url}), 303)

    app.add_middleware(BodyLimit)
    https = services.settings.served_over_https()
    app.add_middleware(SecurityHeaders, https=https)  # also on the 413 of a body too large
    # outermost: everything, the access log included, sees the client behind a trusted proxy
    app.add_middleware(TrustedProxies, networks=services.settings.trusted_networks())

    @app.exception_handler(RequestValidationError)
    async def unknown_paths(request: Request, exc: RequestValidationError) -> Response:
        """A path parameter that cannot be (an id beyond any database id, letters for a
        number) names no page: not found, like any other unknown address."""
        if all(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return await friendly_errors(request, StarletteHTTPException(404, "Not Found"))
        return await request_validation_exception_handler(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def friendly_errors(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith(("/api/", "/webhook/", "/healthz")):
            from fastapi.responses import JSONResponse

            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        language = get_language(request)
        detail = exc.detail
        if isinstance(detail, str) and detail:  # details are marked N_() where they are raised
            detail = gettext_for(language).gettext(detail)
        if exc.status_code == 413:
            detail = gettext_for(language).gettext("That is too much to send at once.")
        return render(
            request,
            "error.html",
            {"status": exc.status_code, "detail": detail},
            language,
            status_code=exc.status_code,
        )

    return app
