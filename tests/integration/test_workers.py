"""Two web workers and a scheduling process against one PostgreSQL, proven from outside.

Real ``inspraak serve`` processes (two with ``--no-scheduler`` behind a round-robin proxy, one
that schedules and sends, and a stand-by), the fake Telegram Bot API, residents on Telegram
(webhook, with Telegram's redeliveries) and in the web chat. Checked: every update is stored
once, each resident's answers are stored in the order they were given, and a broadcast whose
sending process is killed (SIGKILL) half-way is finished by the stand-by, each resident
getting it once.

Needs PostgreSQL (``INSPRAAK_TEST_POSTGRES_URL``, as ``.ci/run`` sets it); skipped without.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiohttp import ClientSession

from core.storage import tables as t
from core.storage.db import create_engine
from tests.conftest import POSTGRES_URL, _reset_postgres
from tests.fakes.telegram_api import FakeBotAPI
from tests.integration.workers_support import (
    JOIN,
    ROOT,
    SCRIPT,
    TOKEN,
    RoundRobin,
    Server,
    Telegram,
    WebChat,
    environment,
    idea_of,
)

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="INSPRAAK_TEST_POSTGRES_URL unset")

FULL = range(9_001, 9_009)  # Telegram residents through the whole demo
JOINERS = range(9_100, 9_170)  # Telegram residents who only join (the broadcast's audience)
BROWSERS = range(9_500, 9_505)  # web-chat residents through the whole demo
RATE = 30  # broadcast messages per second
IN_DOUBT = 3  # messages sent and not yet recorded, at most: the most a kill can repeat


async def test_two_workers_and_a_leader_killed_mid_broadcast(tmp_path: Path) -> None:
    assert POSTGRES_URL
    began = time.monotonic()
    await _reset_postgres(POSTGRES_URL)
    engine = create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
    async with FakeBotAPI(bots={TOKEN: "workers_bot"}) as api, RoundRobin([]) as proxy:
        env = environment(POSTGRES_URL, api.base_url, "https://inspraak.test", tmp_path,
                          INSPRAAK_TELEGRAM_RATE=str(RATE),
                          INSPRAAK_OUTBOX_IN_DOUBT=str(IN_DOUBT))  # fmt: skip
        leaders = [Server(f"sender{n}", env, tmp_path, scheduler=True) for n in (1, 2)]
        web = [Server("web1", env, tmp_path), Server("web2", env, tmp_path)]
        proxy.upstreams = [w.url for w in web]
        proxy.served = dict.fromkeys(proxy.upstreams, 0)
        servers = [*leaders, *web]
        try:
            async with ClientSession() as client:
                for server in servers:  # all at once: migrations and the demo race
                    server.start()
                await asyncio.gather(*(s.wait_healthy(client) for s in servers))
                leader = await _leading(leaders)
                standby = next(s for s in leaders if s is not leader)
            print(f"started: {time.monotonic() - began:.1f} s")
            await _residents_stored_once_in_order(api, proxy, web, engine)
            print(f"residents: {time.monotonic() - began:.1f} s")
            await _broadcast_survives_the_leader(api, leader, standby, env, engine)
            print(f"broadcast: {time.monotonic() - began:.1f} s")
        finally:
            for server in servers:
                server.stop()
            for server in servers:
                server.wait_stopped()
            print(f"stopped: {time.monotonic() - began:.1f} s")
            await engine.dispose()


async def _leading(servers: list[Server], timeout: float = 30) -> Server:  # noqa: ASYNC109
    """The one of ``servers`` that says it took the lead (waiting for it)."""
    deadline = time.monotonic() + timeout
    while True:
        leading = [s for s in servers if "schedules rounds and sends" in s.log.read_text()]
        if leading:
            assert len(leading) == 1, "two processes lead at once"
            return leading[0]
        assert time.monotonic() < deadline, "no process took the lead"
        await asyncio.sleep(0.1)


async def _residents_stored_once_in_order(
    api: FakeBotAPI, proxy: RoundRobin, web: list[Server], engine: sa.ext.asyncio.AsyncEngine
) -> None:
    telegram = Telegram(api, f"{proxy.base_url}/webhook/telegram", [w.url for w in web], True)
    browsers = [WebChat(proxy.base_url, n) for n in BROWSERS]
    await asyncio.gather(
        *(telegram.resident(chat, SCRIPT) for chat in FULL),
        *(telegram.resident(chat, JOIN) for chat in JOINERS),
        *(browser.run(SCRIPT) for browser in browsers),
    )
    assert min(proxy.served.values()) > 0.4 * sum(proxy.served.values())  # both took a share
    async with engine.connect() as conn:
        claimed = await conn.scalar(
            sa.select(sa.func.count()).where(t.processed_messages.c.channel == "telegram")
        )
        assert claimed == len(telegram.delivered.updates)
        assert telegram.delivered.duplicates > 50
        residents = {
            **{c: idea_of(c) for c in FULL},
            **{b.number: idea_of(b.number) for b in browsers},
        }
        presses = {**telegram.delivered.presses, **{b.number: b.presses for b in browsers}}
        for number, idea in residents.items():
            owner = await conn.scalar(
                sa.select(t.ideas.c.resident_id).where(t.ideas.c.text == idea)
            )
            assert owner is not None, f"resident {number}'s idea was not stored"
            ideas = await conn.scalar(
                sa.select(sa.func.count()).where(t.ideas.c.resident_id == owner)
            )
            assert ideas == 1
            rated = await conn.execute(
                sa.select(t.ratings.c.round_id, t.ratings.c.item_id, t.ratings.c.criterion,
                          t.ratings.c.score)
                .where(t.ratings.c.resident_id == owner).order_by(t.ratings.c.id)
            )  # fmt: skip
            stored = [f"rt:{r}:{i}:{c}:{s}" for r, i, c, s in rated]
            assert stored == [p for p in presses[number] if p.startswith("rt:")], number
            voted = await conn.execute(
                sa.select(t.votes.c.item_id).where(t.votes.c.resident_id == owner)
                .order_by(t.votes.c.id)
            )  # fmt: skip
            given = [int(p.split(":")[2]) for p in presses[number] if p.startswith("st:")]
            assert [i for (i,) in voted] == given, number
            assert len(given) == 5


async def _no_quiet_hours(engine: sa.ext.asyncio.AsyncEngine) -> None:
    """Switch the demo project's quiet hours off, and wait out the processes' project cache."""
    async with engine.begin() as conn:
        settings = await conn.scalar(
            sa.select(t.projects.c.settings).where(t.projects.c.code == "DEMO")
        )
        await conn.execute(
            sa.update(t.projects)
            .where(t.projects.c.code == "DEMO")
            .values(settings={**(settings or {}), "quiet_hours": []})
        )
    await asyncio.sleep(2.5)


async def _broadcast_survives_the_leader(
    api: FakeBotAPI,
    leader: Server,
    standby: Server,
    env: dict[str, str],
    engine: sa.ext.asyncio.AsyncEngine,
) -> None:
    api.reset_calls()
    await _no_quiet_hours(engine)  # the demo's 21:00-09:00 would hold the broadcast at night
    prompt = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "inspraak", "round", "prompt", "DEMO", "reactie",
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await prompt.communicate()
    assert prompt.returncode == 0, output.decode()
    audience = len(JOINERS)
    async with engine.connect() as conn:
        queued = await conn.scalar(sa.select(sa.func.count()).select_from(t.outbox))
    assert queued == audience
    await api.wait_for("sendMessage", count=audience // 3, timeout=30)
    leader.kill()
    await asyncio.sleep(0.1)  # the requests it made before dying are answered
    before = {str(call.params["chat_id"]) for call in api.calls("sendMessage")}
    assert 0 < len(before) < audience  # half-way
    assert await _leading([standby]) is standby
    await api.wait_for("sendMessage", ok=True, count=audience, timeout=60)
    async with engine.connect() as conn:
        deadline = time.monotonic() + 30
        while await conn.scalar(
            sa.select(sa.func.count()).where(t.outbox.c.status.in_(["pending", "sending"]))
        ):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
            await conn.rollback()
        statuses = set(await conn.scalars(sa.select(t.outbox.c.status).distinct()))
    assert statuses == {"sent"}
    received = Counter(str(call.params["chat_id"]) for call in api.calls("sendMessage", ok=True))
    assert set(received) == {str(chat) for chat in JOINERS}  # nobody left out
    # sent again only what Telegram had taken and the killed process had not yet recorded
    repeated = {chat for chat, count in received.items() if count > 1}
    assert max(received.values()) <= 2
    assert len(repeated) <= IN_DOUBT
    print(f"broadcast: {len(before)} of {audience} sent before the kill, {len(repeated)} again")
