"""The moderation page after "vergeet": who did what stays, the resident's words are gone."""

from __future__ import annotations

import sqlalchemy as sa

from core.domain import commands as c
from core.storage import tables as t
from tests.web.conftest import csrf

ORIGINAL = "Bel me op 0612345678 voor meer bankjes"
FIXED = "Meer bankjes in het park"


async def test_the_moderation_page_keeps_the_decisions_without_the_forgotten_words(
    signed_in, demo
):
    async with demo.uow() as uow:
        project = await uow.projects.by_code("DEMO")
        assert project is not None and project.id is not None
        ideas_round = next(r for r in await uow.projects.rounds(project.id) if r.key == "ideeen")
    resident = await demo.bus.handle(c.GiveConsent("kim", project.id, "web", "nl"))
    idea = await demo.bus.handle(c.SubmitIdea(resident, ideas_round.id or 0, ORIGINAL))
    token = await csrf(signed_in)
    url = f"/manage/projects/DEMO/moderation/idea/{idea}"
    await signed_in.post(f"{url}/correct", data={"csrf": token, "text": FIXED})
    await signed_in.post(f"{url}/reject", data={"csrf": token, "reason": "nummer 0612345678"})
    page = (await signed_in.get("/manage/projects/DEMO/moderation")).text
    assert ORIGINAL not in page  # the log never holds the text before a correction

    await demo.bus.handle(c.ForgetResident("kim"))

    page = (await signed_in.get("/manage/projects/DEMO/moderation")).text
    assert f"Idee #{idea} verbeterd" in page and f"Idee #{idea} afgewezen" in page
    for words in (ORIGINAL, FIXED, "0612345678"):
        assert words not in page
    async with demo.uow() as uow:
        details = await uow.conn.scalars(sa.select(t.moderation_log.c.detail))
        assert list(details) == [{}, {}]
