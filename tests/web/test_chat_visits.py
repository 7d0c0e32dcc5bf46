"""A web-chat visit that never answers leaves nothing behind; answering starts it for real."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.web.conftest import client_for
from tests.web.test_public_pages import csrf, options


async def _count(container: Container, table: sa.Table) -> int:
    async with container.uow() as uow:
        return int(await uow.conn.scalar(sa.select(sa.func.count()).select_from(table)))


async def test_opening_the_web_chat_stores_nothing_until_the_visitor_answers(demo: Container):
    for _ in range(3):
        async with client_for(demo) as visitor:
            page = (await visitor.get("/chat/DEMO")).text
            assert "Ga je akkoord?" in page and "Ja, ik doe mee" in options(page)
    assert await _count(demo, t.dialogue_states) == 0
    assert await _count(demo, t.chat_log) == 0

    async with client_for(demo) as visitor:
        page = (await visitor.get("/chat/DEMO")).text
        again = (await visitor.get("/chat/DEMO")).text
        assert csrf(again) == csrf(page)  # the same visitor, still nothing stored
        assert await _count(demo, t.dialogue_states) == 0
        form = {"csrf": csrf(page), "choice": options(page)["Ja, ik doe mee"]}
        assert (await visitor.post("/chat/DEMO", data=form)).status_code == 303
        page = (await visitor.get("/chat/DEMO")).text
    assert "Ga je akkoord?" in page and "postcode" in page  # greeting kept, then the next step
    assert await _count(demo, t.residents) == 1
    assert await _count(demo, t.dialogue_states) == 1


async def test_an_expired_chat_form_says_so_in_the_page_language(demo: Container):
    async with client_for(demo) as visitor:
        dutch = await visitor.post("/chat/DEMO", data={"csrf": "oud", "text": "hallo"})
        english = await visitor.post("/chat/DEMO?lang=en", data={"csrf": "oud", "text": "hallo"})
    assert dutch.status_code == 403 and "Dit formulier is verlopen" in dutch.text
    assert "This form has expired" not in dutch.text
    assert english.status_code == 403 and "This form has expired" in english.text
