"""Statuses that tell the truth: a contribution nobody reviewed never reads "approved", and a
round's state is the one it is really in."""

from __future__ import annotations

from datetime import timedelta

from core.domain import commands as c
from core.services import accounts
from inspraak.bootstrap import Container
from tests.integration.test_round_guards import resident, round_id
from tests.web.conftest import csrf


async def submit(demo: Container, name: str, text: str) -> int:
    ideeen = await round_id(demo, "ideeen")
    return int(await demo.bus.handle(c.SubmitIdea(await resident(demo, name), ideeen, text)))


def entry(page: str, idea_id: int) -> str:
    return page.split(f'id="idea-{idea_id}"')[1].split("</h3>")[0]


async def test_the_moderation_queue_says_an_unreviewed_idea_is_waiting_not_approved(
    signed_in, demo: Container
):
    shown = await submit(demo, "a", "Meer bankjes in het park")
    held = await submit(demo, "b", "Bel me op 06-12345678")
    queue = (await signed_in.get("/manage/projects/DEMO/moderation")).text
    assert "zichtbaar, nog niet beoordeeld" in entry(queue, shown)
    assert "tegengehouden, wacht op beoordeling" in entry(queue, held)
    assert "goedgekeurd" not in entry(queue, shown) + entry(queue, held)
    board = (await signed_in.get("/manage/projects/DEMO")).text
    newest = board.split('id="newest-h"')[1]
    assert "zichtbaar, nog niet beoordeeld" in newest and "goedgekeurd" not in newest
    organise = await signed_in.get("/manage/projects/DEMO/rounds/ideeen/ordenen?q=bankjes")
    assert "zichtbaar, nog niet beoordeeld" in organise.text.split(f"#{shown} ·")[1][:200]
    await signed_in.post(
        f"/manage/projects/DEMO/moderation/idea/{shown}/approve",
        data={"csrf": await csrf(signed_in)},
    )
    board = (await signed_in.get("/manage/projects/DEMO")).text
    assert "goedgekeurd" in board.split('id="newest-h"')[1]
    organise = await signed_in.get("/manage/projects/DEMO/rounds/ideeen/ordenen?q=bankjes")
    assert "goedgekeurd" in organise.text.split(f"#{shown} ·")[1][:200]
    organise = await signed_in.get("/manage/projects/DEMO/rounds/ideeen/ordenen?q=bel")
    assert "tegengehouden, wacht op beoordeling" in organise.text.split(f"#{held} ·")[1][:200]


async def test_under_moderation_beforehand_a_new_idea_waits_for_review(signed_in, demo: Container):
    token = await csrf(signed_in)
    changed = await signed_in.post(
        "/manage/projects/DEMO/edit",
        data={"csrf": token, "title": "Groen en leefbaar Oosterwijk", "moderation": "pre",
              "language": "nl", "status": "active"},
    )  # fmt: skip
    assert changed.status_code == 303, changed.text
    waiting = await submit(demo, "c", "Een speeltuin bij de school")
    queue = (await signed_in.get("/manage/projects/DEMO/moderation")).text
    assert "wacht op beoordeling" in entry(queue, waiting)


async def test_a_round_past_its_closing_time_reads_closed_before_the_scheduler_ran(
    signed_in, demo: Container, clock
):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        rounds = await uow.projects.rounds(project.id or 0)
        rnd = next(r for r in rounds if r.key == "stellingen")
        rnd.closes_at = clock() + timedelta(hours=1)
        await uow.projects.update_round(rnd)
        await uow.commit()
    clock.advance(hours=2)
    board = (await signed_in.get("/manage/projects/DEMO?lang=en")).text
    row = board.split('id="round-stellingen"')[1].split("</tr>")[0]
    assert "closed" in row and "running" not in row
    assert "/rounds/stellingen/close" not in row and "/rounds/stellingen/open" in row
    rounds = (await signed_in.get("/manage/projects/DEMO/rounds/stellingen/close")).status_code
    assert rounds == 409


async def test_the_api_gives_a_rounds_real_state_and_the_actions_that_apply(
    client, demo: Container, facilitator, clock
):
    async with demo.uow() as uow:
        token = await accounts.new_api_token(uow, facilitator.email)
        project = await uow.projects.by_code("DEMO")
        rnd = next(r for r in await uow.projects.rounds(project.id or 0) if r.key == "reactie")
        rnd.closes_at = clock() + timedelta(hours=1)
        await uow.projects.update_round(rnd)
        await uow.commit()
    clock.advance(hours=2)
    headers = {"Authorization": f"Bearer {token}"}
    rounds = (await client.get("/api/v1/projects/DEMO/rounds", headers=headers)).json()
    reactie = next(r for r in rounds if r["key"] == "reactie")
    assert reactie["state"] == "closed" and reactie["actions"] == ["open", "publish"]
    ideeen = next(r for r in rounds if r["key"] == "ideeen")
    assert ideeen["state"] == "open" and ideeen["actions"] == ["close", "publish"]
