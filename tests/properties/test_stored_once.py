"""Generated messages through the conversation service and the web chat: answered, never an
error, and a message delivered twice (same channel message id) stored at most once."""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from hypothesis import given

from core.messages import Incoming
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import ChatResident
from tests.properties.strategies import FAST_IO, button_data, typed
from tests.web.conftest import client_for, csrf_of

CONTRIBUTIONS = (t.residents, t.ideas, t.ratings, t.votes, t.feedback)
_users = itertools.count(1000)
_updates = itertools.count(50_000)


async def stored(container: Container) -> dict[str, int]:
    """How many rows each table of residents' contributions holds."""
    async with container.uow() as uow:
        return {
            table.name: int(await uow.conn.scalar(sa.select(sa.func.count()).select_from(table)))
            for table in CONTRIBUTIONS
        }


@FAST_IO
@given(text=typed, data=button_data)
async def test_the_same_message_id_twice_stores_one_contribution(
    demo: Container, text: str, data: str
):
    resident = ChatResident(demo.conversations, f"r{next(_users)}")
    await resident.join()
    key = f"m{next(_updates)}"
    message = Incoming.message(text) if text.strip() else Incoming.choice(data)
    await resident.send(message, dedupe_key=key)
    first = await stored(demo)
    assert await resident.send(message, dedupe_key=key) == []
    assert await stored(demo) == first


@FAST_IO
@given(text=typed, data=button_data)
async def test_the_web_chat_answers_any_post(demo: Container, text: str, data: str):
    async with client_for(demo) as client:
        page = await client.get("/chat/DEMO")
        token = csrf_of(page.text)
        for form in ({"text": text}, {"choice": data}, {"text": text, "choice": ""}):
            response = await client.post("/chat/DEMO", data={"csrf": token, **form})
            assert response.status_code == 303, form
        assert (await client.get("/chat/DEMO")).status_code == 200
