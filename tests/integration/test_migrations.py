"""The Alembic migrations build exactly the schema the tables describe."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from config.settings import Settings
from core.storage import migrate
from core.storage.db import create_engine
from core.storage.tables import metadata
from tests.conftest import _reset_postgres


def test_upgrading_an_empty_database_matches_the_tables(settings: Settings):
    url = settings.database_url
    if url.startswith("postgresql"):
        asyncio.run(_reset_postgres(url))
    migrate.upgrade(url)

    async def differences() -> list[object]:
        engine = create_engine(url, poolclass=sa.pool.NullPool)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
            )
        await engine.dispose()
        return list(diff)

    assert asyncio.run(differences()) == []
    migrate.upgrade(url)  # a second upgrade is a no-op
