"""Issue 7's done-when, across the merged branches: a round scheduled in the web area opens by
the scheduler's job, its prompt goes through the outbox and the WhatsApp channel, as the
project's approved template to residents whose 24-hour window closed and free-form to the
others, and tapping the template's quick reply leads into that round.

APScheduler runs on the real clock, so its job is fetched from the (paused) scheduler and run
on the test clock; the outbox sender sleeps virtually. Nothing waits for real.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from core import views
from core.domain import commands as c
from core.outbox import SenderStats
from core.services.project_file import export_project, import_project, parse_project_file
from core.storage import tables as t
from inspraak.background import build_sender
from inspraak.bootstrap import Container
from inspraak.scheduling import RoundScheduler
from tests.channels.whatsapp.conftest import WhatsAppResident
from tests.factories import TestClock
from tests.fakes.senders import VirtualSleep
from tests.fakes.whatsapp_api import FakeGraphAPI
from tests.web.conftest import csrf, login, make_user

ANNA = "31611111111"  # joins first: her window has closed when the round opens
BERT = "31622222222"  # joins twenty hours later: still inside his window
QUESTION = "Waar moeten nieuwe bankjes komen?"
TEMPLATE = """
[project.whatsapp_template]
name = "inspraak_ronde"
language = "nl"
parameters = ["project_title", "round_question"]
"""


def _scheduled_round(opens_at: str) -> str:
    return f"""
[[rounds]]
key = "bankjes"
kind = "ideas"
question = "{QUESTION}"
opens_at = "{opens_at}"
"""


async def _project_file(wa: Container, opens_in: timedelta, template: bool = True) -> str:
    """DEMO as exported, with the WhatsApp template and a round that opens ``opens_in`` ahead."""
    async with wa.uow() as uow:
        text = await export_project(uow, "DEMO")
    head, rounds, tail = text.partition("[[rounds]]")
    if template:
        head = head.rstrip("\n") + "\n" + TEMPLATE + "\n"
    opens_at = (wa.clock() + opens_in).isoformat()
    return head + rounds + tail + _scheduled_round(opens_at)


async def _join(graph: FakeGraphAPI, server: str, wa_id: str) -> WhatsAppResident:
    resident = WhatsAppResident(graph, server, wa_id)
    await resident.say("START DEMO")
    await resident.press("Ja, ik doe mee")
    return resident


async def _round_id(wa: Container, key: str = "bankjes") -> int:
    async with wa.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None and project.id is not None
        return next(r.id for r in await uow.projects.rounds(project.id) if r.key == key) or 0


async def _rows(wa: Container, round_id: int) -> dict[str, dict[str, Any]]:
    """The round's outbox rows by the resident's WhatsApp number."""
    numbers = {wa.conversations.pseudonym("whatsapp", n): n for n in (ANNA, BERT)}
    async with wa.uow() as uow:
        rows = await uow.conn.execute(sa.select(t.outbox).where(t.outbox.c.round_id == round_id))
        return {numbers[r.pseudonym]: dict(r._mapping) for r in rows}


async def _drain(wa: Container, clock: TestClock) -> SenderStats:
    """The leader's outbox sender over ``container.senders`` (WhatsApp included), run once."""
    sender = build_sender(wa, sleep=VirtualSleep(clock))
    assert "whatsapp" in sender.senders
    return await sender.drain()


@pytest.fixture
async def scheduler(wa: Container, clock: TestClock) -> AsyncIterator[RoundScheduler]:
    """The round scheduler, started and paused: the test runs its jobs on the test clock."""
    found = RoundScheduler(wa, reconcile_every=0, wall_clock=clock)
    await found.start()
    found.scheduler.pause()
    try:
        yield found
    finally:
        await found.stop()


@pytest.fixture
async def web(wa: Container, server: str) -> AsyncIterator[httpx.AsyncClient]:
    await make_user(wa, "fac@voorbeeld.nl", "facilitator", "gemeente-voorbeeld")
    async with httpx.AsyncClient(base_url=server) as client:
        yield client


async def test_a_scheduled_round_reaches_a_closed_window_as_a_template_and_the_tap_resumes_it(
    wa: Container,
    graph: FakeGraphAPI,
    server: str,
    clock: TestClock,
    scheduler: RoundScheduler,
    web: httpx.AsyncClient,
):
    anna = await _join(graph, server, ANNA)
    clock.advance(hours=20)
    bert = await _join(graph, server, BERT)

    # a facilitator uploads the project file: a round that opens a minute from now
    assert (await login(web, "fac@voorbeeld.nl")).status_code == 303
    text = await _project_file(wa, timedelta(minutes=1))
    files = {"file": ("demo.toml", text.encode(), "application/toml")}
    uploaded = await web.post(
        "/manage/projects/import", data={"csrf": await csrf(web)}, files=files
    )
    assert uploaded.status_code == 303, uploaded.text
    round_id = await _round_id(wa)
    job = scheduler.scheduler.get_job(f"round:{round_id}:open")  # scheduled at once
    assert job is not None and job.trigger.run_date == clock() + timedelta(minutes=1)

    clock.advance(hours=5)  # Anna wrote 25 hours ago, Bert 5 hours ago
    command = await job.func(*job.args)  # what APScheduler runs at opens_at: OpenRound ...
    await wa.bus.handle(command)  # ... which the scheduler hands to its container's bus
    stats = await _drain(wa, clock)
    assert (stats.sent, stats.failed, stats.retried) == (2, 0, 0)

    template = graph.sent(ANNA)[-1]
    assert template["type"] == "template"
    assert template["template"]["name"] == "inspraak_ronde"
    body, button = template["template"]["components"]
    assert [p["text"] for p in body["parameters"]] == ["Groen en leefbaar Oosterwijk", QUESTION]
    payload = button["parameters"][0]["payload"]
    assert payload == f"go:DEMO:{round_id}"
    free_form = graph.sent(BERT)[-1]["interactive"]
    assert QUESTION in free_form["body"]["text"]
    assert [b["reply"]["id"] for b in free_form["action"]["buttons"]] == [payload]
    assert graph.stats.window_rejections == 0  # no free-form message into a closed window
    rows = await _rows(wa, round_id)
    assert {n: r["status"] for n, r in rows.items()} == {ANNA: "sent", BERT: "sent"}
    assert rows[ANNA]["provider_message_id"] == graph.last_wamid(ANNA)

    # Anna taps the template's quick reply: straight into the new round, free-form again
    assert await anna.deliver(graph.template_button_webhook(ANNA, payload, "Doe mee")) == 200
    assert QUESTION in anna.texts()
    await anna.say("Bij de vijver in het Oosterpark")
    await anna.press("Versturen")
    await bert.press("Doe mee")
    assert QUESTION in bert.texts()
    async with wa.uow() as uow:
        results = await views.project_results(uow, "DEMO", wa.clock())
    assert results is not None
    bankjes = next(r for r in results.rounds if r.key == "bankjes")
    assert [i["text"] for i in bankjes.ideas] == ["Bij de vijver in het Oosterpark"]
    assert not graph.calls(ok=False)


async def _open_now(wa: Container, graph: FakeGraphAPI, server: str, clock: TestClock, **kw: Any):
    """Anna joins, Bert 20 hours later; 5 hours after that a new round opens."""
    await _join(graph, server, ANNA)
    clock.advance(hours=20)
    await _join(graph, server, BERT)
    text = await _project_file(wa, timedelta(hours=5), **kw)
    async with wa.uow() as uow:
        await import_project(uow, parse_project_file(text))
        await uow.commit()
    clock.advance(hours=5)
    round_id = await _round_id(wa)
    await wa.bus.handle(c.OpenRound(round_id))
    return round_id


async def test_when_meta_answers_131047_the_outbox_sends_the_template_instead(
    wa: Container, graph: FakeGraphAPI, server: str, clock: TestClock
):
    round_id = await _open_now(wa, graph, server, clock)
    graph.script_error(131047, to=BERT)  # Meta's clock says Bert's window closed
    stats = await _drain(wa, clock)
    assert (stats.sent, stats.retried) == (2, 0)
    assert [call.error_code for call in graph.calls(to=BERT, ok=False)] == [131047]
    assert graph.sent(BERT)[-1]["type"] == "template"
    assert (await _rows(wa, round_id))[BERT]["status"] == "sent"


async def test_without_a_template_a_closed_window_fails_the_row_once_and_never_retries(
    wa: Container, graph: FakeGraphAPI, server: str, clock: TestClock
):
    round_id = await _open_now(wa, graph, server, clock, template=False)
    graph.script_error(131047, to=BERT)
    before = {n: len(graph.calls(to=n)) for n in (ANNA, BERT)}
    stats = await _drain(wa, clock)
    assert (stats.sent, stats.failed, stats.retried) == (0, 2, 0)
    assert len(graph.calls(to=ANNA)) == before[ANNA]  # never tried free-form into her window
    assert len(graph.calls(to=BERT)) == before[BERT] + 1  # one try, the 131047, no retry
    rows = await _rows(wa, round_id)
    assert rows[ANNA]["last_error"] == "no template for a closed window"
    assert rows[BERT]["last_error"].startswith("131047")
    assert all(r["status"] == "failed" and r["attempts"] == 1 for r in rows.values())
    clock.advance(hours=1)
    assert (await _drain(wa, clock)).claimed == 0  # failed rows stay failed


async def test_a_failed_status_webhook_fails_the_outbox_row_the_sender_recorded(
    wa: Container, graph: FakeGraphAPI, server: str, clock: TestClock
):
    round_id = await _open_now(wa, graph, server, clock)
    await _drain(wa, clock)
    rows = await _rows(wa, round_id)
    wamid = rows[ANNA]["provider_message_id"]
    assert wamid and wamid == graph.last_wamid(ANNA)
    bert = WhatsAppResident(graph, server, BERT)
    for status in ("sent", "delivered"):
        assert await bert.deliver(graph.status_webhook(wamid, ANNA, status)) == 200
    assert (await _rows(wa, round_id))[ANNA]["status"] == "sent"
    failed = graph.status_webhook(wamid, ANNA, "failed", error_code=131026)
    assert await bert.deliver(failed) == 200
    rows = await _rows(wa, round_id)
    assert rows[ANNA]["status"] == "failed" and rows[ANNA]["last_error"].startswith("131026")
    assert rows[BERT]["status"] == "sent"


async def test_a_late_131047_sends_the_message_again_as_the_template(
    wa: Container, graph: FakeGraphAPI, server: str, clock: TestClock
):
    """Meta accepted Bert's free-form prompt, then reported his window closed: the outbox
    sends it again, as the template, once."""
    graph.window_errors = "status"
    round_id = await _open_now(wa, graph, server, clock)
    graph.user_messaged(BERT, at=clock().timestamp() - 25 * 3600)  # Meta's clock disagrees
    await _drain(wa, clock)
    assert graph.pending_statuses  # the failure comes later, as a status webhook
    rows = await _rows(wa, round_id)
    assert rows[BERT]["status"] == "sent"
    bert = WhatsAppResident(graph, server, BERT)
    for status in graph.pending_statuses:
        assert await bert.deliver(status) == 200
    rows = await _rows(wa, round_id)
    assert rows[BERT]["status"] == "pending" and rows[BERT]["last_error"].startswith("131047")

    stats = await _drain(wa, clock)

    assert stats.sent == 1
    assert graph.sent(BERT)[-1]["type"] == "template"
    rows = await _rows(wa, round_id)
    assert rows[BERT]["status"] == "sent" and rows[BERT]["attempts"] == 2
    # a second failure is final: the message does not go round in circles
    wamid = rows[BERT]["provider_message_id"]
    again = graph.status_webhook(wamid, BERT, "failed", error_code=131047)
    assert await bert.deliver(again) == 200
    assert (await _rows(wa, round_id))[BERT]["status"] == "failed"
