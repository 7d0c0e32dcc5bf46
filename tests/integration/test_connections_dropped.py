"""PostgreSQL dropping every connection (a restart, a failover, a firewall ending idle
connections) costs no resident's message: the next step is answered and stored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.storage import tables as t
from core.storage.db import create_engine
from inspraak.bootstrap import Container
from tests.conftest import POSTGRES_URL
from tests.factories import ChatResident

pytestmark = pytest.mark.parametrize(
    "database_url",
    [pytest.param("postgres", marks=pytest.mark.skipif(not POSTGRES_URL, reason="no PostgreSQL"))],
    indirect=True,
)


async def drop_every_other_connection(url: str) -> int:
    """What a restart does to the pool's connections: the server ends them all."""
    engine = create_engine(url, poolclass=sa.pool.NullPool)
    async with engine.connect() as conn:
        ended = await conn.scalar(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    await engine.dispose()
    return int(ended or 0)


async def test_a_step_after_postgresql_ended_every_connection_is_answered_and_stored(
    demo: Container, database_url: str
):
    anna = ChatResident(demo.conversations, "anna")
    await anna.start("DEMO")
    await anna.press("Ja, ik doe mee")
    assert await drop_every_other_connection(database_url) >= 1  # the pool's are gone

    await anna.say("5043")

    assert "Hoe oud ben je?" in anna.texts()
    await anna.press("30–44")
    async with demo.uow() as uow:
        stored = (
            await uow.conn.execute(sa.select(t.residents.c.wijk, t.residents.c.age_band))
        ).all()
    assert [tuple(row) for row in stored] == [("Oosterwijk-Zuid", "30-44")]
