"""Processes that start at once against one empty PostgreSQL (several workers after a deploy):
the schema is migrated once and the demo loaded once, and every process comes up."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bots.telegram.registry import RegisterDefaultBot
from config.settings import Settings
from core.storage import migrate
from core.storage import tables as t
from core.storage.db import create_engine
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty
from tests.conftest import POSTGRES_URL, SECRET, _reset_postgres

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="INSPRAAK_TEST_POSTGRES_URL unset")

ROOT = Path(__file__).resolve().parents[2]
UPGRADE = "import sys; from core.storage import migrate; migrate.upgrade(sys.argv[1])"


async def test_processes_starting_at_once_migrate_one_after_the_other() -> None:
    assert POSTGRES_URL
    await _reset_postgres(POSTGRES_URL)
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", UPGRADE, POSTGRES_URL, cwd=ROOT, stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    results = [await p.communicate() for p in processes]
    failed = [err.decode()[-2000:] for p, (_, err) in zip(processes, results) if p.returncode]
    assert failed == []


@contextlib.asynccontextmanager
async def four_processes(tmp_path: Path) -> AsyncIterator[list[Container]]:
    """Four containers (as four processes have) on one freshly migrated PostgreSQL."""
    assert POSTGRES_URL
    await _reset_postgres(POSTGRES_URL)
    await asyncio.to_thread(migrate.upgrade, POSTGRES_URL)
    settings = Settings(database_url=POSTGRES_URL, secret_key=SECRET, data_dir=tmp_path,
                        _env_file=None)  # type: ignore[call-arg]  # fmt: skip
    containers = [bootstrap(settings, channels=False) for _ in range(4)]
    try:
        yield containers
    finally:
        for container in containers:
            await container.close()


async def test_processes_starting_at_once_load_the_demo_once(tmp_path: Path) -> None:
    async with four_processes(tmp_path) as containers:
        loaded = await asyncio.gather(*(load_demo_if_empty(c) for c in containers))
    assert sorted(loaded, key=str) == ["DEMO", None, None, None]
    engine = create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
    async with engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(t.projects)) == 1
    await engine.dispose()


async def test_processes_starting_at_once_record_their_bot_once(tmp_path: Path) -> None:
    command = RegisterDefaultBot(7373, "workers_bot")
    async with four_processes(tmp_path) as containers:
        ids = await asyncio.gather(*(c.bus.handle(command) for c in containers))
    assert len(set(ids)) == 1
    engine = create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
    async with engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(t.bots)) == 1
    await engine.dispose()
