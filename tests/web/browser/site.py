"""A running inspraak for browser tests: the app on 127.0.0.1 in a thread, on its own SQLite
database, with the data a test module prepares first."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import uvicorn

from config.settings import Settings
from core.storage.db import create_all
from inspraak.bootstrap import Container, bootstrap
from web.app import create_app

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_site(
    folder: Path, prepare: Callable[[Container], Awaitable[T]]
) -> Iterator[tuple[str, T]]:
    """Create the database, let ``prepare`` fill it, serve the app; yield (base URL, what
    ``prepare`` returned) and stop the server afterwards."""
    port = free_port()
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/site.db",
        secret_key="browser-test-secret-key-0123456789abcdef",
        data_dir=folder,
        public_url=f"http://127.0.0.1:{port}",
        _env_file=None,  # type: ignore[call-arg]
    )

    async def setup() -> T:
        container = bootstrap(settings)
        await create_all(container.engine)
        try:
            return await prepare(container)
        finally:
            await container.close()

    prepared = asyncio.run(setup())
    container = bootstrap(settings)
    app = create_app(container, on_shutdown=[container.close])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", prepared
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def add_admin(container: Container, email: str, password: str) -> None:
    """An admin account with a known password that need not be changed."""
    from core.services import accounts
    from core.storage.accounts import AccountRepository

    async with container.uow() as uow:
        admin, _ = await accounts.create_user(uow, email, "admin")
        await AccountRepository(uow.conn).update_user(
            admin.id or 0,
            password_hash=await accounts.hash_password(password),
            must_change_password=False,
        )
        await uow.commit()
