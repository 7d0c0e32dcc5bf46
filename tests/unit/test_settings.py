"""Settings as an operator writes them: the database address a provider hands out works, and a
database that cannot be used is said so (not a traceback of the driver)."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import ValidationError

from config.settings import SettingError, Settings
from core.storage.db import create_engine, unreachable


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://inspraak:pw@db/inspraak", "postgresql+asyncpg://inspraak:pw@db/inspraak"),
        (
            "postgresql://inspraak@db:5433/inspraak",
            "postgresql+asyncpg://inspraak@db:5433/inspraak",
        ),
        ("postgresql+asyncpg://inspraak@db/inspraak", "postgresql+asyncpg://inspraak@db/inspraak"),
        ("sqlite:///./var/inspraak.db", "sqlite+aiosqlite:///./var/inspraak.db"),
        ("sqlite+aiosqlite:////srv/inspraak.db", "sqlite+aiosqlite:////srv/inspraak.db"),
    ],
)
def test_a_providers_database_address_runs_on_inspraaks_drivers(given: str, used: str):
    assert Settings(database_url=given).database_url == used


@pytest.mark.parametrize("given", ["mysql://root@db/inspraak", "inspraak.db", ""])
def test_another_database_is_refused_by_name(given: str):
    with pytest.raises(ValidationError) as refused:
        Settings(database_url=given)
    cause = refused.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, SettingError) and "INSPRAAK_DATABASE_URL" in cause.msgid


def test_a_database_nobody_listens_for_is_unreachable_with_the_drivers_reason():
    async def connect() -> None:
        engine = create_engine("postgresql+asyncpg://inspraak:geheim@127.0.0.1:1/inspraak")
        try:
            async with engine.connect():
                pass
        finally:
            await engine.dispose()

    with pytest.raises(Exception) as failed:
        asyncio.run(connect())
    reason = unreachable(failed.value)
    assert reason is not None and "127.0.0.1" in reason and "geheim" not in reason


def test_other_errors_are_not_taken_for_the_database():
    try:
        raise ConnectionRefusedError(111, "a chat's API refused")  # not through a driver
    except ConnectionRefusedError as error:
        assert unreachable(error) is None
    assert unreachable(ValueError("bug")) is None


def test_without_a_database_address_the_sqlite_file_lives_in_the_data_dir(tmp_path):
    """Not in ./var of whatever directory the service happened to start in."""
    assert (
        Settings(data_dir=tmp_path).database_url == f"sqlite+aiosqlite:///{tmp_path}/inspraak.db"
    )
    assert Settings().database_url == "sqlite+aiosqlite:///var/inspraak.db"
