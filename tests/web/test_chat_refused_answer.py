"""An answer the stored round refuses (closed by another process a moment ago, while this one
still had it cached as open) is explained in the web chat as in the other channels: the
resident sees their answer, why it was not saved and how to go on; nothing of it is stored."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa

from core.storage import tables as t
from core.storage.db import create_engine
from inspraak.bootstrap import Container
from tests.web.test_chat_double_posts import pressed, said, twice
from tests.web.test_chat_like_a_chat import an_idea_sent
from tests.web.test_public_pages import options, post


async def closed_elsewhere(container: Container, key: str) -> None:
    """Close the round the way another worker or a CLI command would: this process's cache of
    rounds is not told, so its chat still offers the round's questions."""
    other = create_engine(container.settings.database_url, poolclass=sa.pool.NullPool)
    async with other.begin() as conn:
        await conn.execute(t.rounds.update().where(t.rounds.c.key == key).values(state="closed"))
    await other.dispose()


async def test_an_answer_the_stored_round_refuses_is_explained_and_not_stored(
    demo: Container, client: httpx.AsyncClient
):
    page = await an_idea_sent(client)
    page = await post(client, page, choice=options(page)["Nee, verder"])
    assert "Belang?" in page
    await closed_elsewhere(demo, "beoordelen")

    page = await post(client, page, choice=options(page)["4"])

    said = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert (
        "Jij: 4 inspraak: Die ronde is gesloten, dus je antwoord is niet bewaard. "
        "Stuur START om verder te gaan." in said
    )
    async with demo.uow() as uow:
        assert await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.ratings)) == 0


async def test_a_refused_answer_sent_twice_is_explained_once(
    demo: Container, client: httpx.AsyncClient
):
    page = await an_idea_sent(client)
    page = await post(client, page, choice=options(page)["Nee, verder"])
    await closed_elsewhere(demo, "beoordelen")

    await twice(client, pressed(page, "4"))  # a double click without JavaScript

    page = (await client.get("/chat/DEMO")).text
    assert said(page, "Die ronde is gesloten, dus je antwoord is niet bewaard.") == 1
    async with demo.uow() as uow:
        assert await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.ratings)) == 0
