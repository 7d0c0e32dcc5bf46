"""``inspraak serve``: the web app and the enabled channels in one process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import uvicorn
from fastapi import FastAPI

from config.settings import Settings
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty, webhook_handlers
from inspraak.terminal import _
from web.app import create_app

log = logging.getLogger("inspraak")


def build_app(container: Container, scheduler: bool = True, warm_encoder: bool = False) -> FastAPI:
    """The web app with channels (and, unless ``scheduler`` is off, the scheduler and the
    outbox sender) started and stopped by its lifespan, and the channels' webhooks routed.
    ``warm_encoder`` loads the similar-ideas encoder in the background at start, so that the
    first idea after a restart does not wait for it (``inspraak serve`` does)."""
    from bots.telegram.channel import TelegramChannel

    telegram = container.channels["telegram"]
    assert isinstance(telegram, TelegramChannel)  # bootstrap always registers it
    on_startup: list[Callable[[], Awaitable[None]]] = [telegram.start]
    on_shutdown: list[Callable[[], Awaitable[None]]] = [telegram.stop]
    if scheduler:
        from inspraak.background import Background

        background = Background(container)
        on_startup.append(background.start)
        on_shutdown.insert(0, background.stop)
    if warm_encoder:
        warming: list[asyncio.Future[None]] = []  # held, so the task is not collected

        async def warm() -> None:
            warming.append(asyncio.ensure_future(container.similar_ideas.preload()))

        on_startup.append(warm)
    on_shutdown.append(container.close)
    app = create_app(container, on_startup=on_startup, on_shutdown=on_shutdown)
    app.state.webhooks.update(webhook_handlers(container))
    return app


async def serve(
    settings: Settings, host: str, port: int, demo: bool = True, scheduler: bool = True
) -> None:
    """Run until interrupted; ``scheduler=False`` for extra web workers (no rounds, no sends)."""
    container = bootstrap(settings)
    if demo:
        code = await load_demo_if_empty(container)
        if code:
            log.info("loaded the demo project %s", code)
    app = build_app(container, scheduler, warm_encoder=True)
    base = settings.public_url.rstrip("/") or f"http://{host}:{port}"
    print(_("inspraak is running at {address}").format(address=f"{base}/"), flush=True)
    addresses = [(_("web chat for the demo"), "/chat/DEMO"), (_("health check"), "/healthz")]
    if "whatsapp" in app.state.webhooks:
        addresses.append((_("WhatsApp webhook"), "/webhook/whatsapp"))
    width = max(len(name) for name, _path in addresses) + 1
    for name, path in addresses:
        print(f"  {name + ':':<{width}} {base}{path}", flush=True)
    await uvicorn.Server(uvicorn_config(app, host, port)).serve()


def uvicorn_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """Uvicorn believes no forwarding header itself: the app reads them from the proxies in
    ``INSPRAAK_TRUSTED_PROXIES`` only (``web.proxies``)."""
    return uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=False)
