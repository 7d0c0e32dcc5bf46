"""A container as ``inspraak serve`` builds it: bootstrap with the token of the fake Bot API."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from pydantic import SecretStr

from config.settings import Settings
from core.storage.db import create_all
from core.storage.uow import Clock
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty
from tests.channels.telegram.conftest import TOKEN
from tests.conftest import _reset_postgres
from tests.fakes.telegram_api import FakeBotAPI


@contextlib.asynccontextmanager
async def bootstrapped(
    settings: Settings, api: FakeBotAPI, clock: Clock
) -> AsyncIterator[Container]:
    """The demo loaded; ``channels["telegram"]`` polls ``api`` once started."""
    settings.telegram_token = SecretStr(TOKEN)
    settings.telegram_api_base = api.base_url
    if settings.database_url.startswith("postgresql"):
        await _reset_postgres(settings.database_url)
    container = bootstrap(settings, clock=clock)
    await create_all(container.engine)
    assert await load_demo_if_empty(container) == "DEMO"
    try:
        yield container
    finally:
        await container.close()
