"""``inspraak serve``: the web app and every enabled channel in one process."""

from __future__ import annotations

import argparse

from config.settings import Settings
from core.storage import migrate
from inspraak.cli.running import run_loop
from inspraak.server import serve


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.host
    port = args.port or settings.port
    # without INSPRAAK_PUBLIC_URL absolute links start with http://HOST:PORT: the ones served
    settings = settings.model_copy(update={"host": host, "port": port})
    migrate.upgrade(settings.database_url)
    demo = not args.no_demo and settings.load_demo
    run_loop(serve(settings, host, port, demo=demo, scheduler=not args.no_scheduler))
    return 0
