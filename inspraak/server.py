"""``inspraak serve``: the web app and the enabled channels in one process."""

from __future__ import annotations

import logging

import uvicorn
from fastapi import FastAPI

from config.settings import Settings
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty
from web.app import create_app

log = logging.getLogger("inspraak")


def build_app(container: Container) -> FastAPI:
    """The web app with the channels started and stopped by its lifespan, webhooks routed."""
    telegram = container.channels["telegram"]
    app = create_app(
        container,
        on_startup=[telegram.start],
        on_shutdown=[telegram.stop, container.close],
    )
    if container.settings.telegram_mode == "webhook":
        app.state.webhooks["telegram"] = telegram.webhook
    return app


async def serve(settings: Settings, host: str, port: int, demo: bool = True) -> None:
    """Run until interrupted."""
    container = bootstrap(settings)
    if demo:
        code = await load_demo_if_empty(container)
        if code:
            log.info("loaded the demo project %s", code)
    app = build_app(container)
    base = settings.public_url.rstrip("/") or f"http://{host}:{port}"
    print(f"inspraak is running at {base}/", flush=True)
    print(f"  web chat for the demo: {base}/chat/DEMO", flush=True)
    print(f"  health check:          {base}/healthz", flush=True)
    config = uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=True)
    await uvicorn.Server(config).serve()
