"""Reminders in people's terms, a reminder sent now behind a confirmation, and the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core.domain import commands as c
from core.domain.model import RoundState
from core.services.project_file import export_project
from core.storage import tables as t
from inspraak.bootstrap import Container
from inspraak.scheduling import desired_jobs
from tests.integration.outbox_support import outbox_rows, subscribe
from tests.web.conftest import csrf, csrf_of

ROUND = "/manage/projects/DEMO/rounds/ideeen"


async def _round(container: Container, key: str = "ideeen"):
    async with container.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        return next(r for r in await uow.projects.rounds(project.id) if r.key == key)


def _form(page: str, **rows: str) -> dict[str, str]:
    return {"csrf": csrf_of(page), "kind": "ideas", "question": "Wat zou jij veranderen?",
            "opens_at": "2026-12-10T09:00", "closes_at": "2026-12-20T17:00", **rows}  # fmt: skip


async def test_the_round_form_shows_reminders_in_words_not_durations(signed_in):
    page = (await signed_in.get(ROUND)).text  # DEMO's ideas round: reminders = ["P2D"]
    assert 'name="reminder-0-amount" value="2"' in page
    assert '<option value="days" selected>dagen</option>' in page
    assert '<option value="open" selected>na openen</option>' in page
    assert "P2D" not in page
    assert 'name="reminder-1-amount" value=""' in page  # a row to add one


async def test_reminders_typed_in_words_are_kept_as_durations_in_the_project_file(signed_in, demo):
    page = (await signed_in.get(ROUND)).text
    response = await signed_in.post(
        ROUND,
        data=_form(page, **{"reminder-0-amount": "2", "reminder-0-unit": "days",
                            "reminder-0-anchor": "open", "reminder-1-amount": "1",
                            "reminder-1-unit": "days", "reminder-1-anchor": "close",
                            "reminder-2-amount": "", "reminder-2-unit": "hours"}),
    )  # fmt: skip
    assert response.status_code == 303, response.text
    rnd = await _round(demo)
    assert rnd.reminders == ["P2D", "-P1D"]
    async with demo.uow() as uow:
        text = await export_project(uow, "DEMO")
    assert 'reminders = ["P2D", "-P1D"]' in text
    again = (await signed_in.get(ROUND)).text
    assert 'name="reminder-1-amount" value="1"' in again
    assert '<option value="close" selected>voor sluiten</option>' in again


async def test_a_reminder_before_closing_needs_a_closing_time_and_a_number(signed_in, demo):
    page = (await signed_in.get(ROUND)).text
    form = _form(page, **{"reminder-0-amount": "1", "reminder-0-unit": "days",
                          "reminder-0-anchor": "close"})  # fmt: skip
    response = await signed_in.post(ROUND, data={**form, "closes_at": ""})
    assert response.status_code == 400
    assert 'id="e-reminders"' in response.text
    assert "een herinnering voor het sluiten heeft een sluitingstijd nodig" in response.text
    words = await signed_in.post(
        ROUND, data=_form(page, **{"reminder-0-amount": "twee", "reminder-0-unit": "days"})
    )
    assert words.status_code == 400 and 'value="twee"' in words.text
    assert "een heel aantal uren, dagen of weken" in words.text
    assert (await _round(demo)).reminders == ["P2D"]


def test_a_reminder_before_closing_is_scheduled_counting_back_from_the_closing_time():
    from core.domain import model

    opens = datetime(2026, 12, 1, 9, tzinfo=UTC)
    closes = opens + timedelta(days=7)
    rnd = model.Round(
        1, "a", model.RoundKind.IDEAS, opens_at=opens, closes_at=closes, id=5,
        reminders=["P2D", "-P1D", "-P8D"], state=model.RoundState.SCHEDULED,
    )  # fmt: skip
    jobs = {k: v.run_date for k, v in desired_jobs([rnd], opens).items() if "reminder" in k}
    assert jobs == {
        "round:5:reminder:0": opens + timedelta(days=2),
        "round:5:reminder:1": closes - timedelta(days=1),  # -P8D falls before the opening
    }


async def _prompted(demo: Container, count: int) -> int:
    rnd = await _round(demo)
    await subscribe(demo, rnd.project_id, count)
    await demo.bus.handle(c.PromptRound(rnd.id))
    return rnd.id


async def test_a_reminder_now_says_how_many_it_reaches_and_waits_for_the_confirmation(
    signed_in, demo
):
    round_id = await _prompted(demo, 3)
    board = (await signed_in.get("/manage/projects/DEMO")).text
    assert f'href="{ROUND}/remind"' in board and "Herinnering nu versturen" in board
    page = await signed_in.get(f"{ROUND}/remind")
    assert page.status_code == 200
    assert "3 deelnemers krijgen nu een herinnering." in page.text
    assert await outbox_rows(demo, kind="reminder") == []  # nothing sent by looking
    sent = await signed_in.post(f"{ROUND}/remind", data={"csrf": csrf_of(page.text)})
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/manage/projects/DEMO/timeline?reminded=3")
    assert len(await outbox_rows(demo, kind="reminder")) == 3
    again = await signed_in.post(f"{ROUND}/remind", data={"csrf": csrf_of(page.text)})
    assert "reminded=0" in again.headers["location"]  # a double click sends nothing twice
    async with demo.uow() as uow:
        actions = [
            (row.action, row.detail["queued"])
            for row in await uow.conn.execute(
                sa.select(t.audit_log).where(t.audit_log.c.action == "broadcast.reminder")
            )
        ]
    assert actions[0] == ("broadcast.reminder", 3)
    timeline = (await signed_in.get(sent.headers["location"])).text
    assert "Herinnering klaargezet voor 3 bewoners." in timeline
    assert "Herinnering aan 3 bewoners" in timeline and "Uitnodiging aan 3 bewoners" in timeline
    assert round_id


async def test_a_reminder_for_a_round_that_is_not_open_offers_no_button(signed_in, demo):
    await _prompted(demo, 2)
    await demo.bus.handle(c.CloseRound((await _round(demo)).id))
    page = await signed_in.get(f"{ROUND}/remind")
    assert page.status_code == 200 and "niet open" in page.text
    assert "<button" not in page.text.split("<main")[1]


async def test_the_timeline_shows_planned_moments_in_words(signed_in, demo):
    # DEMO's ideas round runs; the form keeps a running round's state, so plan a draft one
    rnd = await _round(demo)
    async with demo.uow() as uow:
        rnd.state = RoundState.DRAFT
        await uow.projects.update_round(rnd)
        await uow.commit()
    page = (await signed_in.get(ROUND)).text
    saved = await signed_in.post(
        ROUND,
        data=_form(page, state="scheduled",
                   **{"reminder-0-amount": "2", "reminder-0-unit": "days",
                      "reminder-0-anchor": "open", "reminder-1-amount": "1",
                      "reminder-1-unit": "days", "reminder-1-anchor": "close"}),
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    text = (await signed_in.get("/manage/projects/DEMO/timeline")).text
    planned = text.split('id="planned-h"')[1].split('id="past-h"')[0]
    assert "Ronde gaat open" in planned and "Ronde sluit" in planned
    assert "Herinnering (2 dagen na openen)" in planned
    assert "Herinnering (1 dag voor sluiten)" in planned
    assert planned.index("2 dagen na openen") < planned.index("1 dag voor sluiten")
    assert await csrf(signed_in)


async def test_the_timeline_says_when_a_reminder_has_no_moment_to_go_out(signed_in):
    # DEMO's ideas round was opened by its file, without an opening time: P2D has no moment
    text = (await signed_in.get("/manage/projects/DEMO/timeline")).text
    assert "Deze herinneringen hebben nog geen moment:" in text
    assert "2 dagen na openen – de ronde heeft geen openingstijd" in text
