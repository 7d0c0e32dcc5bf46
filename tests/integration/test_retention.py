"""What is kept only for a while goes when its time is up: processed-message ids after their
channel's redelivery window, anonymous visits after a day, a closed project's personal data
after its retention period. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from core import views
from core.domain import commands as c
from core.domain.audit import AuditEntry
from core.messages import Incoming
from core.services.project_file import import_project, parse_project_file
from core.storage import tables as t
from inspraak.bootstrap import Container
from inspraak.scheduling import HOUSEKEEPING, RoundScheduler, prune_job, retention_job
from tests.factories import ChatResident, TestClock, project_toml


async def _rows(container: Container, table: sa.Table) -> list[dict[str, Any]]:
    async with container.uow() as uow:
        return [dict(r) for r in (await uow.conn.execute(sa.select(table))).mappings()]


class Reachable(ChatResident):
    """A resident whose every message carries their address, as the channels send it."""

    def __init__(self, container: Container, channel: str, user: str, keep_log: bool) -> None:
        super().__init__(container.conversations, user, channel)
        self.keep_log = keep_log

    async def send(self, incoming: Incoming, **kwargs: Any) -> list[Any]:
        kwargs.update(address=self.user_id, keep_log=self.keep_log)
        return await super().send(incoming, **kwargs)


async def _join(container: Container, channel: str, user: str, keep_log: bool = False) -> Any:
    person = Reachable(container, channel, user, keep_log)
    await person.start("DEMO")
    await person.press("Ja, ik doe mee")
    await person.say("5041")
    await person.press("18–29")
    return person


async def test_housekeeping_runs_on_an_interval_and_names_its_commands(container: Container):
    scheduler = RoundScheduler(container, reconcile_every=0)
    await scheduler.start()
    try:
        for job_id, (_func, every) in HOUSEKEEPING.items():
            job = scheduler.scheduler.get_job(job_id)
            assert job is not None and job.trigger.interval == every
    finally:
        await scheduler.stop()
    assert await prune_job() == c.PruneExpired()
    assert await retention_job() == c.ApplyRetention()


async def test_message_ids_are_kept_only_while_their_channel_can_redeliver(
    demo: Container, clock: TestClock
):
    tg = ChatResident(demo.conversations, "4242", "telegram")
    wa = ChatResident(demo.conversations, "31611112222", "whatsapp")
    await tg.send(Incoming.start("DEMO"), address="4242", dedupe_key="1:500")
    await wa.send(
        Incoming.start("DEMO"), address="31611112222", dedupe_key="wamid.HBgLMzE2MTExMTIyMjI"
    )
    stored = [r["message_key"] for r in await _rows(demo, t.processed_messages)]
    assert len(stored) == 2 and not any("wamid" in key or "500" in key for key in stored)

    clock.advance(hours=23)
    await demo.bus.handle(c.PruneExpired())
    assert len(await _rows(demo, t.processed_messages)) == 2
    clock.advance(hours=2)  # Telegram keeps an update 24 hours at most
    await demo.bus.handle(c.PruneExpired())
    assert [r["channel"] for r in await _rows(demo, t.processed_messages)] == ["whatsapp"]
    clock.advance(days=7)  # WhatsApp retries a webhook for 7 days
    await demo.bus.handle(c.PruneExpired())
    assert await _rows(demo, t.processed_messages) == []
    again = await wa.send(
        Incoming.start("DEMO"), address="31611112222", dedupe_key="wamid.HBgLMzE2MTExMTIyMjI"
    )
    assert again  # (past the window a message id is simply new)


async def test_the_ids_of_sent_messages_are_forgotten_after_a_week(
    demo: Container, clock: TestClock
):
    now = clock()
    async with demo.uow() as uow:
        await uow.outbox.add(
            [
                dict(
                    pseudonym="p",
                    channel="whatsapp",
                    kind="prompt",
                    payload={},
                    dedupe_key="d1",
                    status="sent",
                    attempts=1,
                    next_attempt_at=now,
                    sent_at=now,
                    provider_message_id="wamid.HBgLMzE2MTExMTIyMjI",
                )  # fmt: skip
            ]
        )
        await uow.commit()
    clock.advance(days=6)
    await demo.bus.handle(c.PruneExpired())
    assert (await _rows(demo, t.outbox))[0]["provider_message_id"] is not None
    clock.advance(days=2)
    await demo.bus.handle(c.PruneExpired())
    (row,) = await _rows(demo, t.outbox)
    assert row["provider_message_id"] is None and row["status"] == "sent"  # the row stays


async def test_failed_sign_ins_are_forgotten_after_a_day(demo: Container, clock: TestClock):
    async with demo.uow() as uow:
        await uow.accounts.add_failure("iemand@voorbeeld.nl", "203.0.113.9", clock())
        await uow.commit()
    clock.advance(hours=23)
    await demo.bus.handle(c.PruneExpired())
    assert len(await _rows(demo, t.login_failures)) == 1
    clock.advance(hours=2)
    await demo.bus.handle(c.PruneExpired())
    assert await _rows(demo, t.login_failures) == []


async def test_audit_log_entries_are_kept_two_years(demo: Container, clock: TestClock):
    async with demo.uow() as uow:
        entry = AuditEntry("project.update", None, "fac@voorbeeld.nl", created_at=clock())
        await uow.audit.add(entry)
        await uow.commit()
    clock.advance(days=729)
    await demo.bus.handle(c.PruneExpired())
    assert len(await _rows(demo, t.audit_log)) == 1
    clock.advance(days=2)
    await demo.bus.handle(c.PruneExpired())
    assert await _rows(demo, t.audit_log) == []


async def test_a_visit_that_never_consented_is_pruned_after_a_day(
    demo: Container, clock: TestClock
):
    visitor = ChatResident(demo.conversations, "visitor", "web")
    await visitor.send(Incoming.start("DEMO"), keep_log=True)
    await visitor.say("wat is dit?")
    member = await _join(demo, "web", "member", keep_log=True)
    await member.start("DEMO")
    pseudonyms = {r["pseudonym"] for r in await _rows(demo, t.dialogue_states)}
    assert pseudonyms == {visitor.pseudonym, member.pseudonym}

    clock.advance(hours=23)
    await demo.bus.handle(c.PruneExpired())
    assert len(await _rows(demo, t.dialogue_states)) == 2
    clock.advance(hours=2)
    await demo.bus.handle(c.PruneExpired())
    assert {r["pseudonym"] for r in await _rows(demo, t.dialogue_states)} == {member.pseudonym}
    assert {r["pseudonym"] for r in await _rows(demo, t.chat_log)} == {member.pseudonym}


async def _close(container: Container, code: str, days: int) -> None:
    await container.bus.handle(c.UpdateProject(code, {"status": "closed", "retention_days": days}))


async def test_closing_a_project_starts_its_retention_period(demo: Container, clock: TestClock):
    await _close(demo, "DEMO", 30)
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project is not None
    assert project.closed_at == clock() and project.retention_days == 30
    clock.advance(days=1)
    await demo.bus.handle(c.UpdateProject("DEMO", {"title": "Nieuwe titel"}))
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project is not None and project.closed_at == clock() - timedelta(days=1)
    await demo.bus.handle(c.UpdateProject("DEMO", {"status": "active"}))
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
    assert project is not None and project.closed_at is None


async def test_after_the_retention_period_personal_data_goes_and_the_counts_stay(
    demo: Container, clock: TestClock
):
    kim = await _join(demo, "telegram", "1001", keep_log=True)
    await kim.say("Meer bankjes in het park")
    await kim.press("Versturen")
    await kim.press("Nee, verder")
    await kim.press("4")
    async with demo.uow() as uow:
        before = await views.project_results(uow, "DEMO", clock())
    await _close(demo, "DEMO", 30)

    clock.advance(days=29)
    await demo.bus.handle(c.ApplyRetention())
    assert len(await _rows(demo, t.contacts)) == 1
    clock.advance(days=2)
    await demo.bus.handle(c.ApplyRetention())

    for table in (t.contacts, t.dialogue_states, t.chat_log, t.outbox):
        assert await _rows(demo, table) == [], table.name
    (resident,) = await _rows(demo, t.residents)
    assert resident["pseudonym"] != kim.pseudonym
    assert (resident["wijk"], resident["age_band"], resident["external_id"]) == (None, None, None)
    async with demo.uow() as uow:
        after = await views.project_results(uow, "DEMO", clock())
        project = await uow.projects.by_code("DEMO")
    assert project is not None and project.personal_data_erased_at == clock()
    assert before is not None and after is not None
    assert [r.participants for r in after.rounds] == [r.participants for r in before.rounds]
    assert [i["text"] for r in after.rounds for i in r.ideas] == ["Meer bankjes in het park"]


async def test_retention_drops_the_words_that_never_counted(demo: Container, clock: TestClock):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None and project.id is not None
        rounds = {r.key: r.id or 0 for r in await uow.projects.rounds(project.id)}
    who = await demo.bus.handle(c.GiveConsent("p1", project.id, "web", "nl"))
    kept = await demo.bus.handle(c.SubmitIdea(who, rounds["ideeen"], "Meer bankjes"))
    held = await demo.bus.handle(c.SubmitIdea(who, rounds["ideeen"], "Bel 0612345678"))
    rejected = await demo.bus.handle(c.SubmitIdea(who, rounds["ideeen"], "Onzin idee"))
    await demo.bus.handle(c.RejectContribution("idea", rejected, "dubbel"))
    await demo.bus.handle(c.GiveFeedback(who, rounds["reactie"], 7, "Mail me: a@b.nl"))
    await _close(demo, "DEMO", 1)
    clock.advance(days=2)
    await demo.bus.handle(c.ApplyRetention())

    assert [r["id"] for r in await _rows(demo, t.ideas)] == [kept]
    assert held not in [r["idea_id"] for r in await _rows(demo, t.items)]
    rows = [row for table in (t.ideas, t.items, t.feedback) for row in await _rows(demo, table)]
    stored = " ".join(str(value) for row in rows for value in row.values())
    assert "0612345678" not in stored and "Onzin" not in stored and "a@b.nl" not in stored
    (comment,) = await _rows(demo, t.feedback)
    assert comment["score"] == 7  # the score still counts


async def test_retention_keeps_a_contact_that_another_project_still_needs(
    demo: Container, clock: TestClock
):
    rounds = '[[rounds]]\nkey = "i"\nkind = "ideas"\nquestion = "Wat?"\nstate = "open"'
    async with demo.uow() as uow:
        await import_project(uow, parse_project_file(project_toml("ANDER", rounds)))
        await uow.commit()
    kim = await _join(demo, "telegram", "1002")
    await kim.start("ANDER")
    await kim.press("Ja, ik doe mee")
    await _close(demo, "DEMO", 1)
    clock.advance(days=2)
    await demo.bus.handle(c.ApplyRetention())
    contacts = await _rows(demo, t.contacts)
    assert [r["pseudonym"] for r in contacts] == [kim.pseudonym]
    residents = {r["project_id"]: r["pseudonym"] for r in await _rows(demo, t.residents)}
    assert sorted(p == kim.pseudonym for p in residents.values()) == [False, True]


async def test_a_project_reopened_after_an_erasure_is_erased_again_when_it_closes(
    demo: Container, clock: TestClock
):
    await _join(demo, "telegram", "1003")
    await _close(demo, "DEMO", 1)
    clock.advance(days=2)
    await demo.bus.handle(c.ApplyRetention())
    await demo.bus.handle(c.UpdateProject("DEMO", {"status": "active"}))
    later = await _join(demo, "telegram", "1004")
    await _close(demo, "DEMO", 1)
    clock.advance(hours=12)
    await demo.bus.handle(c.ApplyRetention())
    assert [r["pseudonym"] for r in await _rows(demo, t.contacts)] == [later.pseudonym]
    clock.advance(days=1)
    await demo.bus.handle(c.ApplyRetention())
    assert await _rows(demo, t.contacts) == []
    assert later.pseudonym not in {r["pseudonym"] for r in await _rows(demo, t.residents)}
