"""Issue 4's done-when, through the real Telegram channel: a round scheduled a minute ahead.

Residents join DEMO by ``/start DEMO`` on the fake Bot API; a facilitator uploads the project
file with a new round that opens a minute later; the scheduler opens it and the outbox brings
its prompt to every resident through the ``TelegramSender`` that bootstrap registered.

APScheduler runs on the real clock and nobody waits a minute in a test, so time passes in two
steps: the test clock (the domain's) moves on, and the jobs that fell due in that span get the
real "now" as their next run time, so APScheduler fires them by itself at once (the way
tests/integration/test_scheduling.py simulates downtime). The outbox's pacing waits move the
test clock (``VirtualSleep``); its idle poll waits a moment for real and moves nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bots.telegram.channel import TelegramChannel
from config.settings import Settings
from core.storage import tables as t
from inspraak.background import Background, build_sender
from inspraak.bootstrap import DEMO_FILE, Container
from inspraak.scheduling import RoundScheduler
from tests.channels.telegram.conftest import TOKEN, Resident, polling_resident
from tests.channels.telegram.serving import bootstrapped
from tests.factories import TestClock
from tests.fakes.senders import VirtualSleep
from tests.fakes.telegram_api import FakeBotAPI
from tests.web.conftest import client_for, csrf_of, login, make_user

IDLE = 3600.0  # the sender's poll interval here: only the idle wait is that long
PROMPT = "Er is een nieuwe ronde geopend"
REMINDER = "Een herinnering"
ROUND = """
[[rounds]]
key = "wijkschouw"
kind = "feedback"
question = "Welk cijfer geef je de wijkschouw van vorige week?"
scale = [1, 10]
opens_at = "{opens_at}"
reminders = ["PT2H"]
"""


class SenderSleep(VirtualSleep):
    """Pacing waits (a rate slot, a chat's second, a 429) move the test clock; the idle poll
    waits a few real milliseconds (a queued broadcast wakes the sender anyway)."""

    async def __call__(self, seconds: float) -> None:
        if seconds >= IDLE:
            await asyncio.sleep(0.02)
            return
        await super().__call__(seconds)


@dataclass
class Served:
    """``inspraak serve``'s parts: the bootstrapped container, its Telegram channel polling the
    fake Bot API, and the elected process's scheduler and outbox sender."""

    container: Container
    api: FakeBotAPI
    channel: TelegramChannel
    scheduler: RoundScheduler
    clock: TestClock

    def resident(self, user_id: int) -> Resident:
        return polling_resident(self.api, self.channel, user_id)

    async def let_time_pass(self, **delta: float) -> None:
        """Move the clock on; the jobs due by then fire now, by APScheduler's own hand."""
        self.clock.advance(**delta)
        aps = self.scheduler.scheduler
        for job in aps.get_jobs():
            if job.next_run_time is not None and job.next_run_time <= self.clock.now:
                aps.modify_job(job.id, next_run_time=datetime.now(UTC))
        aps.wakeup()


@pytest.fixture
async def served(settings: Settings, clock: TestClock) -> AsyncIterator[Served]:
    clock.now = datetime.now(UTC)  # the jobs' times are compared with the real clock
    async with (
        FakeBotAPI(bots={TOKEN: "inspraak_test_bot"}) as api,
        bootstrapped(settings, api, clock) as container,
    ):
        channel = container.channels["telegram"]
        assert container.senders["telegram"] is channel.sender
        scheduler = RoundScheduler(container, reconcile_every=0, wall_clock=clock)
        sender = build_sender(container, sleep=SenderSleep(clock), poll_interval=IDLE)
        background = Background(container, sender=sender, scheduler=scheduler)
        await channel.start()
        await channel.wait_ready()
        await background.start()
        await asyncio.wait_for(background.leading.wait(), 5)
        try:
            yield Served(container, api, channel, scheduler, clock)
        finally:
            await background.stop()
            await channel.stop()


async def upload_project_file(container: Container, text: str) -> None:
    """A facilitator of the demo's organisation uploads ``text`` in the web area."""
    user = await make_user(container, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    async with client_for(container) as web:
        assert (await login(web, user.email)).status_code == 303
        token = csrf_of((await web.get("/manage")).text)
        files = {"file": ("DEMO.toml", text.encode(), "application/toml")}
        done = await web.post("/manage/projects/import", data={"csrf": token}, files=files)
    assert done.status_code == 303, done.text


async def join(resident: Resident) -> None:
    await resident.send("/start DEMO")
    await resident.press("Ja, ik doe mee")
    await resident.press("Overslaan")
    texts = await resident.press("Overslaan")
    assert any("Wat zou jij veranderen" in text for text in texts)


async def until(predicate: Callable[[], object], within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.01)


async def outbox(container: Container) -> list[dict[str, object]]:
    async with container.uow() as uow:
        rows = await uow.conn.execute(sa.select(t.outbox).order_by(t.outbox.c.id))
        return [dict(r._mapping) for r in rows]


async def settled(container: Container, kind: str, count: int) -> list[dict[str, object]]:
    """Wait until ``count`` messages of ``kind`` were queued and none is still on its way."""
    rows: list[dict[str, object]] = []
    for _ in range(1000):
        rows = [r for r in await outbox(container) if r["kind"] == kind]
        if len(rows) >= count and all(r["status"] not in ("pending", "sending") for r in rows):
            return rows
        await asyncio.sleep(0.01)
    raise TimeoutError(f"{kind}: {[r['status'] for r in rows]}")


def received(api: FakeBotAPI, user_id: int, text: str) -> int:
    return sum(text in sent for sent in api.sent_texts(user_id, token=TOKEN))


async def resident_status(container: Container, user_id: int) -> str:
    pseudonym = container.conversations.pseudonym("telegram", str(user_id))
    async with container.uow() as uow:
        query = sa.select(t.residents.c.status).where(t.residents.c.pseudonym == pseudonym)
        return str(await uow.conn.scalar(query))


async def test_a_round_scheduled_a_minute_ahead_reaches_telegram_residents_exactly_once(
    served: Served,
) -> None:
    api, container = served.api, served.container
    anna, bert, carla, dirk = (served.resident(n) for n in (501, 502, 503, 504))
    for resident in (anna, bert, carla, dirk):
        await join(resident)

    opens_at = served.clock.now + timedelta(minutes=1)
    text = DEMO_FILE.read_text(encoding="utf-8").replace(
        "ask_profile = true", 'ask_profile = true\nquiet_hours = ["00:00", "00:00"]'
    )
    await upload_project_file(container, text + ROUND.format(opens_at=opens_at.isoformat()))
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None and project.id is not None
        rnd = next(r for r in await uow.projects.rounds(project.id) if r.key == "wijkschouw")
    assert rnd.id is not None and rnd.state.value == "scheduled"
    job = served.scheduler.scheduler.get_job(f"round:{rnd.id}:open")
    assert job is not None and job.next_run_time == opens_at  # the upload scheduled it

    api.script_error("sendMessage", 429, retry_after=3, times=1)
    api.script_error("sendMessage", 403, chat_id=504, times=None)  # dirk blocked the bot
    await served.let_time_pass(seconds=30)
    await asyncio.sleep(0.1)
    assert not [r for r in await outbox(container) if r["kind"] == "prompt"]  # not yet

    await served.let_time_pass(seconds=30)
    prompts = await settled(container, "prompt", 4)
    assert sorted(str(r["status"]) for r in prompts) == ["blocked", "sent", "sent", "sent"]
    for resident in (anna, bert, carla):
        assert received(api, resident.user_id, PROMPT) == 1
    assert api.stats.too_many_requests == 1  # the bot paused, then delivered
    assert max(int(str(r["attempts"])) for r in prompts) == 2
    assert len(api.calls("sendMessage", chat_id=504)) - 4 == 1  # after joining: one try
    assert await resident_status(container, 504) == "blocked"

    anna.new_texts()
    assert anna.button("Doe mee")[1] == f"go:DEMO:{rnd.id}"  # the prompt's button
    texts = await anna.press("Doe mee")
    with pytest.raises(AssertionError):  # pressed: the prompt lost its button
        anna.button("Doe mee")
    assert any("wijkschouw van vorige week" in text for text in texts)
    await anna.press("8")
    await anna.press("Overslaan")
    await bert.press("Doe mee")  # started, not finished
    async with container.uow() as uow:
        progress = {
            row.resident_id: row.finished_at is not None
            for row in await uow.conn.execute(
                sa.select(t.round_progress).where(t.round_progress.c.round_id == rnd.id)
            )
        }
    assert sorted(progress.values()) == [False, False, False, True]  # dirk: prompted

    await served.let_time_pass(hours=2)
    reminders = await settled(container, "reminder", 2)
    assert [r["status"] for r in reminders] == ["sent", "sent"]
    assert [received(api, r.user_id, REMINDER) for r in (anna, bert, carla, dirk)] == [0, 1, 1, 0]

    await served.scheduler.reconcile()  # a later look at the schedule sends nothing again
    await asyncio.sleep(0.1)
    for resident in (anna, bert, carla):
        assert received(api, resident.user_id, PROMPT) == 1
    assert len(await outbox(container)) == 6
