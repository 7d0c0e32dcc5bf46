"""Rounds on a schedule: APScheduler jobs in our database, downtime, leader election.

APScheduler runs on the real clock, so these tests put the rounds' times a moment from now (or
in the past) and wait for the job at most a few hundred milliseconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.services.project_file import import_project, parse_project_file
from core.storage.leadership import Leadership
from inspraak.background import Background, build_sender
from inspraak.bootstrap import Container
from inspraak.scheduling import RoundScheduler, desired_jobs, jobstore_url, sync_url
from tests.factories import TestClock, project_toml
from tests.fakes.senders import ScriptedSender
from tests.integration.outbox_support import no_quiet_hours, outbox_rows, round_id, subscribe


def _now() -> datetime:
    return datetime.now(UTC)


def _rounds(opens_at: datetime, closes_at: datetime | None = None) -> str:
    close = f'closes_at = "{closes_at.isoformat()}"' if closes_at else ""
    return f"""
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat moet er beter in de buurt?"
opens_at = "{opens_at.isoformat()}"
{close}
reminders = ["P1D"]
"""


async def _import(container: Container, rounds: str) -> int:
    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(project_toml("TEST", rounds)))
        await uow.commit()
        events = uow.collect_events()
    await container.bus.publish(events)
    assert project.id is not None
    return project.id


def _opened(container: Container) -> list[int]:
    seen: list[int] = []

    async def record(event: e.RoundOpened) -> None:
        seen.append(event.round_id)

    container.bus.subscribe(e.RoundOpened, record)
    return seen


async def _until(predicate: Callable[[], bool], within: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.01)


def test_the_job_store_gets_a_synchronous_url():
    assert sync_url("postgresql+asyncpg://u@h:5/db") == "postgresql+psycopg://u@h:5/db"
    assert sync_url("sqlite+aiosqlite:///./var/x.db") == "sqlite:///./var/x.db"
    assert jobstore_url("postgresql+asyncpg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert (
        jobstore_url("sqlite+aiosqlite:///./var/inspraak.db") == "sqlite:///./var/inspraak-jobs.db"
    )


def test_rounds_ask_for_open_reminder_and_close_jobs():
    opens = datetime(2026, 12, 1, 9, tzinfo=UTC)
    scheduled = model.Round(
        1, "a", model.RoundKind.IDEAS, opens_at=opens, closes_at=opens + timedelta(days=7),
        reminders=["P2D", "P10D"], state=model.RoundState.SCHEDULED, id=5,
    )  # fmt: skip
    closed = model.Round(1, "b", model.RoundKind.IDEAS, state=model.RoundState.CLOSED, id=6)
    jobs = desired_jobs([scheduled, closed], opens)
    assert {k: v.run_date for k, v in jobs.items()} == {
        "round:5:open": opens,
        "round:5:close": opens + timedelta(days=7),
        "round:5:reminder:0": opens + timedelta(days=2),  # P10D is after closing: dropped
    }


async def test_a_round_scheduled_a_moment_ahead_opens_by_itself(
    container: Container, clock: TestClock
):
    clock.now = _now()
    project_id = await _import(container, _rounds(_now() + timedelta(milliseconds=300)))
    await no_quiet_hours(container, project_id)
    await subscribe(container, project_id, 3)
    opened = _opened(container)
    scheduler = RoundScheduler(container, reconcile_every=0)
    await scheduler.start()
    try:
        ideas = await round_id(container, "ideeen")
        await _until(lambda: opened == [ideas])
    finally:
        await scheduler.stop()
    assert len(await outbox_rows(container, kind="prompt")) == 3
    async with container.uow() as uow:
        rnd = await uow.projects.round(ideas)
    assert rnd is not None and rnd.state == model.RoundState.OPEN


async def test_a_round_opens_once_after_downtime(container: Container, clock: TestClock):
    clock.now = _now()
    project_id = await _import(container, _rounds(_now() + timedelta(hours=1)))
    await no_quiet_hours(container, project_id)
    await subscribe(container, project_id, 2)
    ideas = await round_id(container, "ideeen")

    before = RoundScheduler(container, reconcile_every=0)
    await before.start()
    before.scheduler.pause()
    # the process goes down; an hour later (and ten minutes late) it starts again
    before.scheduler.modify_job(
        f"round:{ideas}:open", next_run_time=_now() - timedelta(minutes=10)
    )
    await before.stop()

    opened = _opened(container)
    after = RoundScheduler(container, reconcile_every=0)
    await after.start()
    try:
        await _until(lambda: opened == [ideas])
        await asyncio.sleep(0.05)
        assert after.scheduler.get_job(f"round:{ideas}:open") is None
    finally:
        await after.stop()
    again = RoundScheduler(container, reconcile_every=0)
    await again.start()
    await asyncio.sleep(0.05)
    await again.stop()
    assert opened == [ideas]
    assert len(await outbox_rows(container, kind="prompt")) == 2


async def test_importing_a_project_again_moves_its_jobs(container: Container, clock: TestClock):
    clock.now = _now()
    first = _now() + timedelta(days=2)
    await _import(container, _rounds(first))
    scheduler = RoundScheduler(container, reconcile_every=0)
    await scheduler.start()
    try:
        ideas = await round_id(container, "ideeen")
        job = scheduler.scheduler.get_job(f"round:{ideas}:open")
        assert job is not None and job.trigger.run_date == first
        later = first + timedelta(days=1)
        await _import(container, _rounds(later, later + timedelta(days=3)))
        job = scheduler.scheduler.get_job(f"round:{ideas}:open")
        assert job is not None and job.trigger.run_date == later
        assert scheduler.scheduler.get_job(f"round:{ideas}:close") is not None
        assert scheduler.scheduler.get_job(f"round:{ideas}:reminder:0") is not None
        # a round that never opened cannot be closed (issue 18): open it, then close it
        await container.bus.handle(c.OpenRound(ideas))
        await container.bus.handle(c.CloseRound(ideas))
        await scheduler.reconcile()
        round_jobs = [j.id for j in scheduler.scheduler.get_jobs() if j.id.startswith("round:")]
        assert round_jobs == []
    finally:
        await scheduler.stop()


async def test_only_one_process_leads_on_postgresql(container: Container):
    one, two = Leadership(container.engine), Leadership(container.engine)
    try:
        assert await one.acquire()
        if container.engine.dialect.name == "sqlite":
            assert await two.acquire()  # SQLite: the single process always leads
            return
        assert not await two.acquire()
        await one.release()
        assert await two.acquire()
    finally:
        await one.release()
        await two.release()


async def test_the_leader_schedules_and_sends_what_a_command_queues(
    container: Container, clock: TestClock
):
    clock.now = _now()
    project_id = await _import(container, _rounds(_now() + timedelta(days=1)))
    await no_quiet_hours(container, project_id)
    addresses = await subscribe(container, project_id, 4)
    fake = ScriptedSender(clock)
    background = Background(
        container,
        sender=build_sender(container, {"telegram": fake}, rates={"telegram": 500.0}),
        scheduler=RoundScheduler(container, reconcile_every=0),
    )
    await background.start()
    try:
        await asyncio.wait_for(background.leading.wait(), 5)
        await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
        await _until(lambda: len(fake.deliveries) == 4)
    finally:
        await background.stop()
    assert sorted(fake.addresses()) == sorted(addresses)


@pytest.mark.postgres
async def test_a_second_process_waits_while_the_first_leads(container: Container):
    if container.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    first = Background(container, scheduler=RoundScheduler(container, reconcile_every=0))
    second = Background(container, retry_every=0.05)
    await first.start()
    await asyncio.wait_for(first.leading.wait(), 5)
    await second.start()
    await asyncio.sleep(0.2)
    assert not second.leading.is_set()
    await first.stop()
    await asyncio.wait_for(second.leading.wait(), 5)
    await second.stop()


async def test_a_stop_lets_a_scheduled_command_that_is_running_finish(
    container: Container, clock: TestClock
):
    """The job hands its command to this scheduler's container; stopping waits for it."""
    clock.now = _now()
    await _import(container, _rounds(_now() + timedelta(milliseconds=200)))
    started, release = asyncio.Event(), asyncio.Event()
    opened = _opened(container)

    async def slow(event: e.RoundOpened) -> None:  # holds the command up after its commit
        started.set()
        await release.wait()

    container.bus.subscribe(e.RoundOpened, slow)
    scheduler = RoundScheduler(container, reconcile_every=0)
    await scheduler.start()
    try:
        await asyncio.wait_for(started.wait(), 5)
    finally:
        stopping = asyncio.ensure_future(scheduler.stop())
        await asyncio.sleep(0.1)
        assert not stopping.done()  # waiting for the command, not cancelling it
        release.set()
        await asyncio.wait_for(stopping, 5)
    assert opened == [await round_id(container, "ideeen")]


async def test_two_schedulers_in_one_process_each_serve_their_own_container(
    settings, clock: TestClock, tmp_path
):
    """No registry at module level: each scheduler's jobs reach its own container's bus."""
    from core.storage.db import create_all
    from inspraak.bootstrap import bootstrap

    clock.now = _now()
    containers = []
    for name in ("een", "twee"):
        other = settings.model_copy(
            update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/{name}.db"}
        )
        made = bootstrap(other, clock=clock, channels=False)
        await create_all(made.engine)
        containers.append(made)
    schedulers = []
    try:
        seen = [_opened(each) for each in containers]
        for each in containers:
            await _import(each, _rounds(_now() + timedelta(milliseconds=200)))
            schedulers.append(RoundScheduler(each, reconcile_every=0))
        for scheduler in schedulers:
            await scheduler.start()
        await _until(lambda: all(len(found) == 1 for found in seen))
        await asyncio.sleep(0.2)
        assert [len(found) for found in seen] == [1, 1]
    finally:
        for scheduler in schedulers:
            await scheduler.stop()
        for each in containers:
            await each.close()


async def test_deleting_a_planned_project_removes_its_jobs(container: Container, clock: TestClock):
    clock.now = _now()
    await _import(container, _rounds(_now() + timedelta(days=2)))
    scheduler = RoundScheduler(container, reconcile_every=0)
    await scheduler.start()
    try:
        ideas = await round_id(container, "ideeen")
        assert scheduler.scheduler.get_job(f"round:{ideas}:open") is not None
        await container.bus.handle(c.DeleteProject("TEST"))
        round_jobs = [j.id for j in scheduler.scheduler.get_jobs() if j.id.startswith("round:")]
        assert round_jobs == []
    finally:
        await scheduler.stop()
