"""Erasing on Telegram and WhatsApp, typed or by button: one clear message, then nothing is
stored about the resident until they start again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.channels.conformance.test_conformance import (
    ERASED,
    PATHS,
    Channels,
    Chat,
    channels,  # noqa: F401 - the fixture
    round_ids,
    walk,
)

# the tables that hold something of a resident by their pseudonym
BY_PSEUDONYM = (t.residents, t.contacts, t.dialogue_states, t.chat_log, t.outbox)


async def stored_about(container: Container, chat: Chat) -> dict[str, int]:
    pseudonym = container.conversations.pseudonym(chat.channel, chat.user_id)
    found = {}
    async with container.uow() as uow:
        for table in BY_PSEUDONYM:
            query = sa.select(sa.func.count()).where(table.c.pseudonym == pseudonym)
            found[table.name] = int(await uow.conn.scalar(query))
    return {name: n for name, n in found.items() if n}


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
@pytest.mark.parametrize("how", ["typed", "button"])
async def test_erasing_says_so_and_stores_nothing_until_the_resident_starts_again(
    channels: Channels,  # noqa: F811 - the fixture
    channel: str,
    how: str,
):
    container = channels.container
    chat = await channels.resident(channel)
    await walk(chat, PATHS["idea_more"], await round_ids(container))
    assert await stored_about(container, chat)
    await chat.type("Vergeet mij")
    replies = await (chat.type("Ja") if how == "typed" else chat.press("Ja, wis alles"))
    assert replies.strip() == ERASED
    assert await stored_about(container, chat) == {}

    replies = await chat.type("hallo")  # an answer, but nothing stored
    assert "Aan welk project wil je meedoen?" in replies
    assert await stored_about(container, chat) == {}
    await chat.type("wat is dit?")
    assert await stored_about(container, chat) == {}

    await chat.begin()  # START DEMO: they take part again, asked for consent first
    assert await stored_about(container, chat) == {"dialogue_states": 1}
    await chat.type("ja")
    assert "residents" in await stored_about(container, chat)


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
async def test_a_project_chosen_by_number_after_erasing_starts_again(
    channels: Channels,  # noqa: F811 - the fixture
    channel: str,
):
    container = channels.container
    chat = await channels.resident(channel)
    await walk(chat, PATHS["idea_text"], await round_ids(container))
    await chat.type("vergeet")
    await chat.type("ja")
    await chat.type("hoi")
    replies = await chat.type("1")  # the first project of the list the greeting showed
    assert "Ga je akkoord?" in replies
    assert await stored_about(container, chat) == {"dialogue_states": 1}
