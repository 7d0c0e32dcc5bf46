"""Shared fixtures: a settable clock, a database per test (SQLite, and PostgreSQL when
``INSPRAAK_TEST_POSTGRES_URL`` is set, as ``.ci/run`` does), and a wired container."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.settings import Settings
from core.storage.db import create_all, create_engine
from core.storage.tables import metadata
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty
from tests.factories import TestClock
from tests.smtp import Inbox, running_inbox

# The command line speaks the terminal's language (inspraak/terminal.py): whatever the
# developer's shell says, tests read English unless they set a language themselves.
os.environ["LANGUAGE"] = "en"
POSTGRES_URL = os.environ.get("INSPRAAK_TEST_POSTGRES_URL")
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def database_params() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    params.append(
        pytest.param(
            "postgres",
            id="postgres",
            marks=pytest.mark.skipif(not POSTGRES_URL, reason="INSPRAAK_TEST_POSTGRES_URL unset"),
        )
    )
    return params


@pytest.fixture
def clock() -> TestClock:
    return TestClock()


@pytest.fixture(params=database_params())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/test.db"
    assert POSTGRES_URL
    return POSTGRES_URL


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url, poolclass=sa.pool.NullPool)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        await conn.execute(sa.text("DROP TABLE IF EXISTS apscheduler_jobs"))
    await engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path / "var",
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
async def container(settings: Settings, clock: TestClock) -> AsyncIterator[Container]:
    if settings.database_url.startswith("postgresql"):
        await _reset_postgres(settings.database_url)
    app = bootstrap(settings, clock=clock)
    await create_all(app.engine)
    try:
        yield app
    finally:
        await app.close()


@pytest.fixture
async def demo(container: Container) -> Container:
    assert await load_demo_if_empty(container) == "DEMO"
    return container


@pytest.fixture
def smtp_inbox() -> Iterator[Inbox]:
    """A local SMTP server on 127.0.0.1 (aiosmtpd) and what it received."""
    yield from running_inbox()
