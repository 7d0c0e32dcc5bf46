"""How a dialogue step uses storage: the per-process catalogue, the reader, SQLite's threads."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
import time
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from core.domain import commands as c
from core.services import analyses as analysis_service
from core.storage import tables as t
from core.storage.catalogue import TTL, Catalogue, ItemQueue
from core.storage.db import create_engine
from inspraak.bootstrap import Container, bootstrap
from tests.factories import ChatResident
from tests.integration.test_others import ROUNDS, join, load, vote_through


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _demo_round(container: Container, kind: str) -> Any:
    async with container.uow() as uow:
        query = sa.select(t.rounds).where(t.rounds.c.kind == kind)
        return (await uow.conn.execute(query)).first()


async def test_a_round_closed_in_this_process_is_closed_for_the_next_message(demo: Container):
    anna = ChatResident(demo.conversations, "anna")
    await anna.join()
    assert "Wat zou jij veranderen" in anna.texts()  # the ideas round is open (and cached)
    ideas = await _demo_round(demo, "ideas")

    await demo.bus.handle(c.CloseRound(ideas.id))

    await anna.say("Een pluktuin")
    # the step knew at once: it says so and goes on to the next round (a stale view would
    # have tried to store the idea and been refused)
    assert "is nu gesloten" in anna.texts()
    assert "Hoe belangrijk" in anna.texts()
    async with demo.uow() as uow:
        assert await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.ideas)) == 0


async def test_a_change_from_another_process_shows_within_the_ttl(demo: Container):
    ticks = Ticks()
    catalogue = Catalogue(clock=ticks)
    async with demo.uow() as uow:
        before = await catalogue.project(uow.conn, "DEMO")
    assert before is not None
    # another process (here: another engine, outside any unit of work of this one) renames it
    other = create_engine(demo.settings.database_url, poolclass=sa.pool.NullPool)
    async with other.begin() as conn:
        await conn.execute(
            t.projects.update().where(t.projects.c.code == "DEMO").values(title="Nieuw")
        )
    await other.dispose()

    async with demo.uow() as uow:
        cached = await catalogue.project(uow.conn, "DEMO")
        ticks.now += TTL + 0.1
        fresh = await catalogue.project(uow.conn, "DEMO")
    assert cached is not None and cached.project.title == before.project.title
    assert fresh is not None and fresh.project.title == "Nieuw"
    assert catalogue.loads == 2


async def test_a_stale_catalogue_lets_no_answer_into_a_round_closed_elsewhere(demo: Container):
    cas = ChatResident(demo.conversations, "cas")
    await cas.join()
    await cas.press("Deze ronde overslaan")
    rating = await _demo_round(demo, "rating")
    other = create_engine(demo.settings.database_url, poolclass=sa.pool.NullPool)
    async with other.begin() as conn:  # closed by another process: this one's cache is stale
        await conn.execute(
            t.rounds.update().where(t.rounds.c.id == rating.id).values(state="closed")
        )
    await other.dispose()

    replies = await cas.press("4")

    assert "gesloten" in replies[0].text
    async with demo.uow() as uow:
        assert await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.ratings)) == 0


def test_the_item_queue_offers_the_least_answered_items_and_moves_answered_ones_on():
    queue = ItemQueue([(1, "a"), (2, "b"), (3, "c")], {1: 5, 2: 0, 3: 1})
    dice = random.Random(3)
    assert queue.pick(set(), 1, dice) == [(2, "b")]
    assert queue.pick({2}, 2, dice) == [(3, "c"), (1, "a")]
    queue.answered(2)
    queue.answered(2)  # 2 now has 2 answers, 3 has 1
    assert queue.pick(set(), 1, dice) == [(3, "c")]
    assert queue.pick({1, 2, 3}, 2, dice) == []
    queue.answered(99)  # an item the queue does not know (new or inactive): nothing happens
    ties = {queue.pick({3}, 1, dice)[0][0] for _ in range(50)}
    assert ties == {2}


def test_ties_are_broken_at_random_and_the_same_way_after_the_same_seed():
    queue = ItemQueue([(n, str(n)) for n in range(1, 9)], {})
    spread = {queue.pick(set(), 1, random.Random(n))[0][0] for n in range(40)}
    assert len(spread) >= 5  # every item gets its turn first


def test_a_queue_counted_up_answer_by_answer_picks_as_one_loaded_afresh():
    """Whether the cache expired halfway (a busy machine) must not change a seeded pick."""
    items = [(n, str(n)) for n in range(1, 7)]
    counted = ItemQueue(items, {})
    for item in (5, 2, 6, 1, 5):
        counted.answered(item)
    loaded = ItemQueue(items, {5: 2, 2: 1, 6: 1, 1: 1})
    for seed in range(20):
        assert counted.pick(set(), 4, random.Random(seed)) == loaded.pick(
            set(), 4, random.Random(seed)
        )


async def test_a_long_read_does_not_hold_up_a_resident(demo: Container):
    bob = ChatResident(demo.conversations, "bob")
    async with demo.reading() as reading:
        await reading.conn.execute(sa.select(sa.func.count()).select_from(t.ratings))
        # the read's transaction is still open: the resident's step must not wait for it
        await asyncio.wait_for(bob.join(), 5)
    assert "Wat zou jij veranderen" in bob.texts()


async def test_on_sqlite_steps_run_on_the_event_loop_and_long_reads_on_a_worker_thread(
    demo: Container,
):
    if demo.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no threads to choose between")
    assert demo.reader is not None
    for engine in (demo.engine, demo.reader, demo.database.quick):
        await engine.dispose()  # new connections get the function below

        @event.listens_for(engine.sync_engine, "connect")
        def _thread_function(dbapi_connection: Any, _record: Any) -> None:
            # an SQL function runs where SQLite runs the statement
            dbapi_connection.create_function("thread_id", 0, threading.get_ident)

    where = sa.text("SELECT thread_id()")
    async with demo.uow() as uow:
        step_thread = await uow.conn.scalar(where)
    async with demo.reading() as reading:
        read_thread = await reading.conn.scalar(where)
    # while a step holds the write lock, a glance neither waits for it nor takes it
    async with demo.uow(), demo.glancing() as glance:
        glance_thread = await asyncio.wait_for(glance.conn.scalar(where), 5)

    assert step_thread == threading.get_ident()  # the event loop's own thread
    assert read_thread != threading.get_ident()
    assert glance_thread == threading.get_ident()  # a few short reads before a step: inline


async def test_the_others_analysis_runs_before_the_step_and_holds_up_nobody(
    container: Container, monkeypatch: pytest.MonkeyPatch
):
    await load(container, ROUNDS)
    residents = [ChatResident(container.conversations, f"r{n}") for n in range(11)]
    for n, resident in enumerate(residents):
        await vote_through(resident, camp=n % 2)
    started = threading.Event()
    release = threading.Event()
    analyse = analysis_service.analyse_round

    def slow_analysis(votes: Any) -> Any:  # runs in a worker thread
        started.set()
        release.wait(10)
        return analyse(votes)

    monkeypatch.setattr(analysis_service, "analyse_round", slow_analysis)
    asking = asyncio.create_task(residents[0].say("anderen"))
    await asyncio.to_thread(started.wait, 10)

    newcomer = ChatResident(container.conversations, "new")
    await asyncio.wait_for(join(newcomer), 5)  # while the analysis still runs

    release.set()
    await asking
    assert "Tot nu toe deden 11 bewoners mee." in residents[0].texts()
    assert "Stelling" in newcomer.question.text


async def test_queueing_a_broadcast_writes_through_the_background_engine(demo: Container):
    """Opening a round queues a message per subscriber; on SQLite those inserts run on the
    worker thread's engine, so residents are answered meanwhile (same write lock)."""
    assert demo.background is not None
    for command in (c.OpenRound, c.PromptRound, c.SendReminder, c.PublishResults):
        async with demo.bus.bulk_factories[command]() as uow:
            assert uow.engine is demo.background
    if demo.engine.dialect.name == "sqlite":
        assert demo.background is not demo.engine
        # one write queue: a resident's step waits while a bulk write holds the lock
        async with demo.bulk():
            step = asyncio.ensure_future(ChatResident(demo.conversations, "bo").join())
            await asyncio.sleep(0.05)
            assert not step.done()
        await asyncio.wait_for(step, 5)
    rating = await _demo_round(demo, "rating")
    await demo.bus.handle(c.CloseRound(rating.id))
    await demo.bus.handle(c.OpenRound(rating.id))  # through the background engine
    assert (await _demo_round(demo, "rating")).state == "open"
    anna = ChatResident(demo.conversations, "anna")  # and the chat sees it at once
    await anna.join()
    await anna.press("Deze ronde overslaan")
    assert "Hoe belangrijk" in anna.texts()


async def test_while_another_process_writes_sqlite_the_server_keeps_serving(demo: Container):
    """A CLI command holding SQLite's write lock makes a resident's step wait, not the server."""
    if demo.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    path = demo.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)  # "another process"
    other.execute("BEGIN IMMEDIATE")
    try:
        anna = ChatResident(demo.conversations, "anna")
        step = asyncio.create_task(anna.start("DEMO"))
        started = time.monotonic()
        await asyncio.sleep(0.2)  # the event loop is free: this sleep ends on time
        assert time.monotonic() - started < 1.0
        assert not step.done()  # the step waits for the write lock
    finally:
        other.execute("COMMIT")
        other.close()
    await asyncio.wait_for(step, 5)
    assert "Welkom bij" in anna.texts()


async def test_two_containers_in_one_process_share_no_cache_and_no_lock(demo: Container):
    """Locks and caches belong to the container that bootstrap() built, not to the module."""
    other = bootstrap(demo.settings, clock=demo.clock)
    try:
        assert other.database.catalogue is not demo.database.catalogue
        if demo.engine.dialect.name == "sqlite":
            assert other.database.write_lock() is not demo.database.write_lock()
        # a change committed through one container clears only that one's cache at once; the
        # other sees it as another process would, within the TTL
        async with demo.uow() as uow:
            assert await uow.catalogue.project("DEMO") is not None
        async with other.uow() as uow:
            assert await uow.catalogue.project("DEMO") is not None
        loads = demo.database.catalogue.loads
        async with other.uow() as uow:
            project = await uow.projects.by_code("DEMO")
            assert project is not None
            project.title = "Anders"
            await uow.projects.update(project)
            await uow.commit()
        async with other.uow() as uow:
            fresh = await uow.catalogue.project("DEMO")
        assert fresh is not None and fresh.project.title == "Anders"
        async with demo.uow() as uow:
            await uow.catalogue.project("DEMO")
        assert demo.database.catalogue.loads == loads  # still cached there
    finally:
        await other.close()


async def test_a_rolled_back_change_leaves_the_cache_alone(demo: Container):
    catalogue = demo.database.catalogue
    async with demo.uow() as uow:
        await uow.catalogue.project("DEMO")
    generation = catalogue.generation
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None
        project.title = "Niet bewaard"
        await uow.projects.update(project)
        await uow.rollback()
    assert catalogue.generation == generation
    async with demo.uow() as uow:
        await uow.commit()  # a commit that changed nothing clears nothing
    assert catalogue.generation == generation


async def test_a_rating_step_reads_the_residents_own_answers_once(demo: Container):
    """Which items the resident answered comes with their progress, in one statement, not
    once more for each round whose next items the step looks up."""
    anna = ChatResident(demo.conversations, "anna")
    await anna.join()
    await demo.bus.handle(c.CloseRound((await _demo_round(demo, "ideas")).id))
    await anna.say("Een pluktuin")  # the ideas round is closed: on to the rating round
    await anna.choose(anna.question.options[3].data)
    asked = anna.question.text
    seen: list[str] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(demo.engine.sync_engine, "before_cursor_execute", listener)
    try:
        await anna.choose(anna.question.options[3].data)
    finally:
        event.remove(demo.engine.sync_engine, "before_cursor_execute", listener)

    assert anna.question.text != asked  # the next item is asked
    assert sum("ratings.resident_id" in statement for statement in seen) == 1
