"""Broadcasts through the outbox: queueing, pacing, failures, reminders, quiet hours, results.

Time is a TestClock moved by VirtualSleep: a broadcast paced at 25/s takes no real time.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.domain import commands as c
from core.domain.quiet_hours import QuietHours
from core.messages import Incoming
from core.outbox import OutboxSender, Pacer, dump_message, load_message
from core.outbox.ports import SendOutcome, SendStatus
from core.storage import tables as t
from core.views.broadcast import broadcast_progress
from inspraak.bootstrap import Container
from tests.factories import ChatResident, TestClock
from tests.fakes.senders import ScriptedSender, VirtualSleep
from tests.integration.outbox_support import (
    make_project,
    make_sender,
    outbox_rows,
    round_id,
    subscribe,
)
from tests.web.conftest import client_for, login, make_user


async def _resident_status(container: Container, address: str) -> str:
    pseudonym = container.conversations.pseudonym("telegram", address)
    async with container.uow() as uow:
        return str(
            await uow.conn.scalar(
                sa.select(t.residents.c.status).where(t.residents.c.pseudonym == pseudonym)
            )
        )


async def test_opening_a_round_queues_one_prompt_per_subscribed_resident(container: Container):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 3)
    await subscribe(container, project_id, 1, channel="web", first=5000)  # no push channel
    stopped = await subscribe(container, project_id, 1, first=6000)
    await container.bus.handle(
        c.Unsubscribe(container.conversations.pseudonym("telegram", "6000"))
    )
    ideas = await round_id(container, "ideeen")

    await container.bus.handle(c.OpenRound(ideas))
    await container.bus.handle(c.OpenRound(ideas))
    assert await container.bus.handle(c.PromptRound(ideas)) == 0

    rows = await outbox_rows(container)
    assert sorted(r["pseudonym"] for r in rows) == sorted(
        container.conversations.pseudonym("telegram", a) for a in addresses
    )
    assert stopped[0] not in {r["pseudonym"] for r in rows}
    assert {r["status"] for r in rows} == {"pending"}
    assert {r["kind"] for r in rows} == {"prompt"}
    message = load_message(rows[0]["payload"])
    assert "Wat moet er beter in de buurt?" in message.replies[0].text
    assert message.replies[0].options[0].label == "Doe mee"
    assert message.replies[0].options[0].data == f"go:TEST:{ideas}"
    async with container.uow() as uow:
        prompted = await uow.conn.scalar(
            sa.select(sa.func.count()).where(
                t.round_progress.c.round_id == ideas, t.round_progress.c.prompted_at.is_not(None)
            )
        )
    assert prompted == 3


async def test_the_sender_delivers_every_prompt_at_the_configured_rate(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 60)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    outbox, fake = make_sender(container, clock, rates={"telegram": 25.0}, window=20)
    start = clock.now

    await outbox.drain()

    assert sorted(fake.addresses()) == sorted(addresses)
    times = [d.at for d in fake.deliveries]
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.04 - 1e-5
    elapsed = (times[-1] - start).total_seconds()
    assert 59 / 25 - 0.01 <= elapsed <= 60 / 25 + 0.2
    assert outbox.stats.max_in_flight <= 20
    rows = await outbox_rows(container)
    assert {r["status"] for r in rows} == {"sent"}
    assert all(r["provider_message_id"] and r["sent_at"] for r in rows)


async def test_one_chat_gets_at_most_one_message_a_second(container: Container, clock: TestClock):
    project_id = await make_project(container)
    await subscribe(container, project_id, 1)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    await container.bus.handle(c.SendReminder(await round_id(container, "ideeen"), 0))
    outbox, fake = make_sender(container, clock, rates={"telegram": 1000.0})

    await outbox.drain()

    assert [d.message.kind for d in fake.deliveries] == ["prompt", "reminder"]
    assert (fake.deliveries[1].at - fake.deliveries[0].at).total_seconds() >= 1.0


async def test_a_429_pauses_the_bot_for_retry_after_and_loses_nothing(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 10)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    fake = ScriptedSender(clock).then(
        addresses[3], SendOutcome(SendStatus.RATE_LIMITED, retry_after=7)
    )
    outbox, _ = make_sender(container, clock, fake)

    await outbox.drain()

    assert sorted(fake.addresses()) == sorted(addresses)
    refused = next(a for a in fake.attempts if a.address == addresses[3])
    after = [d.at for d in fake.deliveries if d.at > refused.at]
    assert after and min(after) >= refused.at + timedelta(seconds=7)
    assert outbox.stats.rate_limited == 1


async def test_a_403_blocks_the_resident_and_is_never_retried(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 3)
    ideas = await round_id(container, "ideeen")
    await container.bus.handle(c.OpenRound(ideas))
    fake = ScriptedSender(clock).then(
        addresses[1],
        SendOutcome(SendStatus.BLOCKED, error="Forbidden: bot was blocked by the user"),
    )
    outbox, _ = make_sender(container, clock, fake)
    await outbox.drain()
    clock.advance(days=3)
    await container.bus.handle(c.SendReminder(ideas, 0))
    await outbox.drain()

    assert [a.address for a in fake.attempts].count(addresses[1]) == 1
    assert await _resident_status(container, addresses[1]) == "blocked"
    statuses = {
        r["pseudonym"][:8]: r["status"] for r in await outbox_rows(container, kind="prompt")
    }
    assert sorted(statuses.values()) == ["blocked", "sent", "sent"]
    assert len(await outbox_rows(container, kind="reminder")) == 2


async def test_a_resident_who_stopped_while_a_message_was_on_its_way_stays_stopped(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 1)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    pseudonym = container.conversations.pseudonym("telegram", addresses[0])

    class StopsThenBlocks(ScriptedSender):
        async def send(self, address, message, *, bot_id=None):  # type: ignore[no-untyped-def]
            await container.bus.handle(c.Unsubscribe(pseudonym))  # STOP, then block the bot
            return SendOutcome(SendStatus.BLOCKED, error="Forbidden: bot was blocked by the user")

    outbox, _ = make_sender(container, clock, StopsThenBlocks(clock))
    await outbox.drain()

    assert [r["status"] for r in await outbox_rows(container)] == ["blocked"]
    assert await _resident_status(container, addresses[0]) == "stopped"  # as MarkBlocked does


async def test_a_permanent_error_keeps_its_reason(container: Container, clock: TestClock):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 2)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    fake = ScriptedSender(clock).then(
        addresses[0], SendOutcome(SendStatus.FAILED, error="Bad Request: chat not found")
    )
    outbox, _ = make_sender(container, clock, fake)

    await outbox.drain()

    failed = [r for r in await outbox_rows(container) if r["status"] == "failed"]
    assert [r["last_error"] for r in failed] == ["Bad Request: chat not found"]
    assert failed[0]["attempts"] == 1


async def test_transient_errors_back_off_exponentially_then_fail(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 1)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    retry = SendOutcome(SendStatus.RETRY, error="502 Bad Gateway")
    fake = ScriptedSender(clock).then(addresses[0], *[retry] * 10)
    outbox, _ = make_sender(container, clock, fake, max_attempts=4, backoff_base=2.0)

    waits = []
    for _ in range(6):
        await outbox.drain()
        (row,) = await outbox_rows(container)
        if row["status"] != "pending":
            break
        waits.append((row["next_attempt_at"] - clock.now).total_seconds())
        clock.now = row["next_attempt_at"]

    assert [round(w) for w in waits] == [2, 4, 8]
    assert row["status"] == "failed"
    assert row["attempts"] == 4
    assert row["last_error"] == "502 Bad Gateway"
    assert fake.deliveries == []


async def test_transient_error_then_success_is_sent_once(container: Container, clock: TestClock):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 1)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    fake = ScriptedSender(clock).then(addresses[0], SendOutcome(SendStatus.RETRY, error="timeout"))
    outbox, _ = make_sender(container, clock, fake)

    await outbox.drain()
    clock.advance(seconds=5)
    await outbox.drain()

    assert fake.addresses() == addresses
    (row,) = await outbox_rows(container)
    assert (row["status"], row["attempts"]) == ("sent", 2)


async def test_reminders_skip_finished_stopped_and_unprompted_residents(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    ideas = await round_id(container, "ideeen")
    early = await subscribe(container, project_id, 4)
    await container.bus.handle(c.OpenRound(ideas))
    late = await subscribe(container, project_id, 1, first=2000)  # joined after the prompt
    residents = {}
    async with container.uow() as uow:
        for address in early:
            pseudonym = container.conversations.pseudonym("telegram", address)
            found = await uow.residents.get(pseudonym, project_id)
            assert found is not None
            residents[address] = found.id
    await container.bus.handle(c.MarkRoundStarted(residents[early[0]], ideas))
    await container.bus.handle(c.MarkRoundFinished(residents[early[0]], ideas))  # finished
    await container.bus.handle(c.MarkRoundStarted(residents[early[1]], ideas))  # started only
    await container.bus.handle(
        c.Unsubscribe(container.conversations.pseudonym("telegram", early[2]))
    )
    clock.advance(days=2)

    assert await container.bus.handle(c.SendReminder(ideas, 0)) == 2
    assert await container.bus.handle(c.SendReminder(ideas, 0)) == 0

    reminded = {r["pseudonym"] for r in await outbox_rows(container, kind="reminder")}
    expected = {container.conversations.pseudonym("telegram", a) for a in (early[1], early[3])}
    assert reminded == expected
    assert container.conversations.pseudonym("telegram", late[0]) not in reminded


async def test_a_resident_who_stops_after_queueing_gets_nothing(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 2)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    await container.bus.handle(
        c.Unsubscribe(container.conversations.pseudonym("telegram", addresses[0]))
    )
    outbox, fake = make_sender(container, clock)

    await outbox.drain()

    assert fake.addresses() == [addresses[1]]
    statuses = sorted(r["status"] for r in await outbox_rows(container))
    assert statuses == ["cancelled", "sent"]


async def test_quiet_hours_hold_broadcasts_until_the_morning(
    container: Container, clock: TestClock
):
    clock.now = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)  # 22:30 in Amsterdam
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 3)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    outbox, fake = make_sender(container, clock)

    await outbox.drain()
    assert fake.deliveries == []
    morning = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam (CET)
    assert {r["next_attempt_at"] for r in await outbox_rows(container)} == {morning}
    async with container.uow() as uow:
        progress = await broadcast_progress(uow, "TEST", "ideeen", clock.now)
    assert progress is not None and progress.held == 3

    clock.now = morning - timedelta(minutes=1)
    await outbox.drain()
    assert fake.deliveries == []
    clock.now = morning
    await outbox.drain()
    assert sorted(fake.addresses()) == sorted(addresses)


async def test_a_row_that_becomes_due_in_quiet_hours_waits_too(
    container: Container, clock: TestClock
):
    clock.now = datetime(2026, 12, 2, 19, 59, tzinfo=UTC)  # 20:59 in Amsterdam
    project_id = await make_project(container)
    await subscribe(container, project_id, 1)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    clock.now = datetime(2026, 12, 2, 20, 1, tzinfo=UTC)  # 21:01: the sender was busy
    outbox, fake = make_sender(container, clock)

    await outbox.drain()

    assert fake.deliveries == []
    (row,) = await outbox_rows(container)
    assert (row["status"], row["next_attempt_at"]) == (
        "pending",
        datetime(2026, 12, 3, 8, 0, tzinfo=UTC),
    )


async def test_quiet_hours_can_be_switched_off_per_project(container: Container, clock: TestClock):
    clock.now = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)
    project_id = await make_project(container)
    async with container.uow() as uow:
        project = await uow.projects.get(project_id)
        assert project is not None
        project.settings = {**project.settings, "quiet_hours": []}
        await uow.projects.update(project)
        await uow.commit()
    await subscribe(container, project_id, 1)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    outbox, fake = make_sender(container, clock)
    await outbox.drain()
    assert len(fake.deliveries) == 1


def test_quiet_hours_follow_amsterdam_summer_and_winter_time():
    quiet = QuietHours.from_settings({})
    assert quiet is not None
    summer_night = datetime(2026, 7, 1, 20, 0, tzinfo=UTC)  # 22:00 CEST
    assert quiet.release(summer_night) == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)
    early = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 06:00 CET, same day's morning
    assert quiet.release(early) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    assert quiet.release(datetime(2026, 12, 2, 12, 0, tzinfo=UTC)) is None
    assert QuietHours.from_settings({"quiet_hours": ["13:00", "14:00"]}).release(  # type: ignore[union-attr]
        datetime(2026, 12, 2, 12, 30, tzinfo=UTC)
    ) == datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


def test_the_token_bucket_spaces_messages_and_honours_a_pause():
    pacer = Pacer(25.0)
    waits = [pacer.reserve(100.0) for _ in range(3)]
    assert waits == pytest.approx([0.0, 0.04, 0.08])
    pacer.pause(100.1, 5.0)
    assert pacer.paused(101.0)
    assert pacer.reserve(101.0) == pytest.approx(4.1)
    bursty = Pacer(10.0, burst=3)
    assert [bursty.reserve(0.0) for _ in range(4)] == pytest.approx([0.0, 0.0, 0.0, 0.1])


def test_a_message_survives_its_json_round_trip():
    from core.messages import Option, Reply
    from core.outbox.ports import OutboundMessage, Template

    message = OutboundMessage(
        (Reply("Hallo", (Option("Doe mee", "go:X:1"),), 1), Reply("Tot zo")),
        kind="prompt",
        template=Template("round_open", "nl", ("Titel",), ("go:X:1",)),
        extra={"a": 1},
    )
    assert load_message(dump_message(message)) == message


async def test_a_row_left_sending_past_its_lease_is_sent_again(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 1)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    async with container.engine.begin() as conn:  # a sender died after claiming the row
        await conn.execute(t.outbox.update().values(status="sending", claimed_at=clock.now))
    outbox, fake = make_sender(container, clock, lease=120)

    await outbox.drain()
    assert fake.deliveries == []
    clock.advance(seconds=121)
    await outbox.drain()
    assert fake.addresses() == addresses


async def test_recovery_at_start_resends_what_was_in_flight(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    await subscribe(container, project_id, 2)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    async with container.engine.begin() as conn:
        await conn.execute(t.outbox.update().values(status="sending", claimed_at=clock.now))
    outbox, fake = make_sender(container, clock)

    assert await outbox.recover() == 2
    await outbox.drain()
    assert len(fake.deliveries) == 2


async def test_forgetting_a_resident_drops_their_queued_messages(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 2)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    await container.bus.handle(
        c.ForgetResident(container.conversations.pseudonym("telegram", addresses[0]))
    )
    outbox, fake = make_sender(container, clock)
    await outbox.drain()
    assert fake.addresses() == [addresses[1]]
    assert len(await outbox_rows(container)) == 1


async def test_pressing_take_part_starts_the_round(container: Container, clock: TestClock):
    project_id = await make_project(container)
    anna = ChatResident(container.conversations, "77", channel="telegram")
    await anna.send(Incoming.start("TEST"), address="77")
    await anna.send(Incoming.choice(anna.option("Ja, ik doe mee")), address="77")
    ideas = await round_id(container, "ideeen")
    await container.bus.handle(c.OpenRound(ideas))
    outbox, fake = make_sender(container, clock)
    await outbox.drain()
    (delivery,) = fake.deliveries
    button = delivery.message.replies[0].options[0]

    await anna.choose(button.data)
    assert "Wat moet er beter in de buurt?" in anna.texts()
    async with container.uow() as uow:
        progress = await uow.conn.execute(
            sa.select(t.round_progress.c.prompted_at, t.round_progress.c.started_at).where(
                t.round_progress.c.round_id == ideas
            )
        )
        (prompted_at, started_at) = progress.one()
    assert prompted_at is not None and started_at is not None

    await anna.say("Meer bankjes in het park")
    await anna.press("Versturen")
    await anna.press("Nee, verder")
    await anna.choose(button.data)  # the old button again, after finishing
    assert "al beantwoord" in anna.texts()
    assert project_id


async def test_publishing_results_tells_each_participant_their_own_scores(
    container: Container, clock: TestClock
):
    await make_project(container)
    cijfers = await round_id(container, "cijfers")
    residents = []
    for n, scores in enumerate(([5, 4, 1], [3, 2, 1])):
        resident = ChatResident(container.conversations, str(300 + n), channel="telegram")
        await resident.send(Incoming.start("TEST"), address=str(300 + n))
        await resident.send(
            Incoming.choice(resident.option("Ja, ik doe mee")), address=str(300 + n)
        )
        residents.append((resident, scores))
    async with container.uow() as uow:
        items = {i.text: i.id for i in await uow.projects.items(cijfers)}
        people = [
            await uow.residents.get(r.pseudonym, (await uow.projects.by_code("TEST")).id)  # type: ignore[union-attr]
            for r, _ in residents
        ]
    texts = ["Meer bomen", "Minder auto's", "Een speeltuin"]
    for person, (_, scores) in zip(people, residents, strict=True):
        assert person is not None
        for text, score in zip(texts, scores, strict=True):
            await container.bus.handle(c.RateItem(person.id, cijfers, items[text], 0, score))
    await subscribe(container, (await _project_id(container)), 1, first=9000)  # did not take part

    published = clock.now
    assert await container.bus.handle(c.PublishResults(cijfers)) == 2
    assert await container.bus.handle(c.PublishResults(cijfers)) == 0
    outbox, fake = make_sender(container, clock)
    await outbox.drain()

    by_address = {d.address: d.message.replies[0].text for d in fake.deliveries}
    assert set(by_address) == {"300", "301"}
    first = by_address["300"]
    assert "Bedankt voor je deelname" in first
    assert first.index("Meer bomen") < first.index("Minder auto's") < first.index("Een speeltuin")
    assert "Meer bomen (4,0) \u2013 jij: 5,0" in first
    assert "Jouw gemiddelde score was 3,3; de groep gaf dezelfde punten gemiddeld 2,7." in first
    assert "/p/TEST" in first
    async with container.uow() as uow:
        rnd = await uow.projects.round(cijfers)
    assert rnd is not None and rnd.results_published_at == published


async def _project_id(container: Container) -> int:
    async with container.uow() as uow:
        project = await uow.projects.by_code("TEST")
        assert project is not None and project.id is not None
        return project.id


async def test_progress_counts_statuses_rate_and_eta_on_the_json_route(
    container: Container, clock: TestClock
):

    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 30)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    fake = ScriptedSender(clock).then(addresses[0], SendOutcome(SendStatus.BLOCKED))
    fake.then(addresses[1], SendOutcome(SendStatus.FAILED, error="nope"))
    outbox = OutboxSender(
        container.database,
        {"telegram": fake},
        clock=clock,
        sleep=VirtualSleep(clock),
        rates={"telegram": 10.0},
        window=10,
        batch=10,
    )
    # send a part of the broadcast: stop claiming after the first batches
    for _ in range(2):
        await outbox._claim(10)
        await asyncio.gather(*list(outbox._tasks))
        await outbox._flush()

    await make_user(container, "fac@test.nl", "facilitator", "gemeente-test")
    stranger = await make_user(container, "other@elders.nl", "facilitator", "gemeente-elders")
    async with client_for(container) as client:
        anonymous = await client.get("/manage/projects/TEST/rounds/ideeen/progress.json")
        assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
        await login(client, stranger.email)
        foreign = await client.get("/manage/projects/TEST/rounds/ideeen/progress.json")
        assert foreign.status_code == 403
    async with client_for(container) as client:
        await login(client, "fac@test.nl")
        response = await client.get("/manage/projects/test/rounds/ideeen/progress.json")
        missing = await client.get("/manage/projects/TEST/rounds/nope/progress.json")
    assert missing.status_code == 404
    data = response.json()
    assert (data["sent"], data["blocked"], data["failed"], data["pending"]) == (18, 1, 1, 10)
    assert data["total"] == 30
    assert data["rate"] == pytest.approx(10.0, rel=0.15)
    assert data["eta_seconds"] == pytest.approx(1.0, rel=0.2)


async def test_stopping_the_sender_puts_unsent_messages_back(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    await subscribe(container, project_id, 3)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    hanging = asyncio.Event()

    class Hanging(ScriptedSender):
        async def send(self, address, message, *, bot_id=None):  # type: ignore[no-untyped-def]
            await hanging.wait()
            raise AssertionError("never answered")

    outbox, _ = make_sender(container, clock, Hanging(clock))
    task = asyncio.create_task(outbox.run())
    for _ in range(200):
        await asyncio.sleep(0.005)
        if {r["status"] for r in await outbox_rows(container)} == {"sending"}:
            break
    outbox.stop()
    await asyncio.wait_for(task, 5)

    assert {r["status"] for r in await outbox_rows(container)} == {"pending"}
