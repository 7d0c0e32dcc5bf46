"""Several municipalities' bots in one deployment: ``inspraak bot add``, scoping, links."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.settings import Settings
from core.storage import tables as t
from inspraak.bootstrap import DEMO_FILE, Container, bootstrap
from tests.channels.telegram.conftest import TOKEN, Sleeps, make_channel, polling_resident
from tests.cli import cli_environment, run_cli
from tests.conftest import SECRET, _reset_postgres
from tests.factories import project_toml
from tests.fakes.telegram_api import FakeBotAPI

SECOND = "777001:second-municipality_TOKEN"

ROUNDS = """
[[rounds]]
key = "stellingen"
kind = "statements"
statements = ["Meer groen", "Minder auto's"]
state = "open"
"""


@pytest.fixture
async def cli(database_url: str, tmp_path: Path, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch):
    """``inspraak`` in this process, on a worker thread (it runs its own event loop) while
    this loop serves the fake Bot API."""
    if database_url.startswith("postgresql"):
        await _reset_postgres(database_url)
    cli_environment(monkeypatch, database_url, tmp_path, INSPRAAK_TELEGRAM_API_BASE=api.base_url)

    async def run(*args: str) -> tuple[int, str, str]:
        ran = await asyncio.wait_for(asyncio.to_thread(run_cli, *args), 120)
        return ran.returncode, ran.stdout, ran.stderr

    return run


@pytest.fixture
async def deployment(cli, database_url: str, tmp_path: Path, clock) -> AsyncIterator[Container]:
    project = tmp_path / "test.toml"
    project.write_text(project_toml("GEMB", ROUNDS))
    assert (await cli("project", "import", str(DEMO_FILE)))[0] == 0
    assert (await cli("project", "import", str(project)))[0] == 0
    code, out, err = await cli(
        "bot", "add", "--token", SECOND, "--organisation", "gemeente-b", "--project", "GEMB"
    )
    assert code == 0, err
    assert "@fake_777001_bot" in out
    settings = Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path / "var",
        _env_file=None,  # type: ignore[call-arg]
    )
    container = bootstrap(settings, clock=clock)
    yield container
    await container.close()


async def test_each_bot_offers_only_its_own_projects(
    deployment: Container, api: FakeBotAPI, sleeps: Sleeps, cli
) -> None:
    channel = make_channel(deployment, api, sleeps)
    await channel.start()
    await channel.wait_ready()
    try:
        at_default = polling_resident(api, channel, 41, token=TOKEN)
        at_second = polling_resident(api, channel, 41, token=SECOND)  # the same person
        await at_default.send("/start")
        assert [b["callback_data"] for row in at_default.last_markup() for b in row] == [
            "join:DEMO"
        ]
        await at_second.send("/start")
        assert [b["callback_data"] for row in at_second.last_markup() for b in row] == [
            "join:GEMB"
        ]
        texts = await at_default.send("/start GEMB")
        assert any("Ik ken geen project met de code “GEMB”" in text for text in texts)
        await at_second.press("Testproject")
        await at_second.press("Ja, ik doe mee")
        await at_default.send("/start DEMO")
        await at_default.press("Ja, ik doe mee")
        assert channel.join_link("GEMB") == "https://t.me/fake_777001_bot?start=GEMB"
        assert channel.join_link("DEMO") == "https://t.me/inspraak_test_bot?start=DEMO"
    finally:
        await channel.stop()
    async with deployment.uow() as uow:
        tokens = list(await uow.conn.scalars(sa.select(t.bots.c.token_encrypted)))
        contacts = [(r.address, r.bot_id) for r in await uow.conn.execute(sa.select(t.contacts))]
        residents = await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.residents))
        pseudonyms = set(await uow.conn.scalars(sa.select(t.residents.c.pseudonym)))
    assert all(token is None or SECOND not in token for token in tokens)
    assert residents == 2 and len(pseudonyms) == 2  # one person, two municipalities: unlinked
    # the outbox reaches each of them through the bot they joined with
    assert sorted(address for address, _ in contacts) == ["41", "41"]
    assert len({bot_id for _, bot_id in contacts} - {None}) == 2
    code, out, _ = await cli("bot", "list")
    assert code == 0
    assert "@fake_777001_bot\tstored\tGEMB" in out
    assert "@inspraak_test_bot\tdefault\tDEMO*" in out


async def test_a_bad_token_is_refused_by_bot_add(cli, api: FakeBotAPI) -> None:
    api.revoke(SECOND)
    code, _, err = await cli("bot", "add", "--token", SECOND, "--organisation", "gemeente-b")
    assert code == 1
    assert "did not accept the token" in err
