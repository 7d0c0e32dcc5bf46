"""The Alembic migrations build exactly the schema the tables describe."""

from __future__ import annotations

import asyncio
import json

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


def test_upgrading_to_0002_drops_residents_words_from_the_log_and_starts_retention(
    settings: Settings,
):
    url = settings.database_url
    if url.startswith("postgresql"):
        asyncio.run(_reset_postgres(url))
    migrate.upgrade(url, "0001")

    async def run(statements: list[str]) -> list[object]:
        engine = create_engine(url, poolclass=sa.pool.NullPool)
        rows: list[object] = []
        async with engine.begin() as conn:
            for statement in statements:
                result = await conn.execute(sa.text(statement))
                if result.returns_rows:
                    rows.extend(tuple(row) for row in result)
        await engine.dispose()
        return rows

    asyncio.run(
        run(
            [
                "INSERT INTO organisations (id, slug, name) VALUES (1, 'gem', 'Gemeente')",
                "INSERT INTO projects (id, code, title, intro, language, status,"
                " organisation_id, settings) VALUES"
                " (1, 'OPEN', 'Open', '', 'nl', 'active', 1, '{}'),"
                " (2, 'DONE', 'Done', '', 'nl', 'closed', 1, '{}')",
                "INSERT INTO moderation_log (project_id, target_kind, target_id, action, detail)"
                " VALUES (1, 'idea', 7, 'correct',"
                ' \'{"before": "Bel me op 0612345678", "after": "Bel me"}\'),'
                " (1, 'idea', 8, 'reject', '{\"reason\": \"dubbel\"}')",
            ]
        )
    )
    migrate.upgrade(url)

    details = asyncio.run(run(["SELECT action, detail FROM moderation_log ORDER BY id"]))
    texts = [(action, detail if isinstance(detail, dict) else json.loads(detail))
             for action, detail in details]  # fmt: skip
    assert texts == [("correct", {}), ("reject", {"reason": "dubbel"})]
    closed = asyncio.run(run(["SELECT code, closed_at, retention_days FROM projects ORDER BY id"]))
    assert [(code, at is not None, days) for code, at, days in closed] == [
        ("OPEN", False, 365),
        ("DONE", True, 365),
    ]
