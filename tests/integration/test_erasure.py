"""Forget means forget: after "vergeet" no table holds a resident's words or identifiers.

A resident uses every feature (consent, profile, ideas of which one is merged into and one
corrected by moderation, scores, votes, a comment, a transcript, a chat contact, processed
message ids, queued and sent messages), then is erased; every column of every table is then
searched for their texts, pseudonym, chat id and phone number. SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

import pytest
import sqlalchemy as sa

from core import views
from core.domain import commands as c
from core.messages import Incoming
from core.services.project_file import import_project, parse_project_file
from core.storage import tables as t
from core.storage.tables import metadata
from inspraak.bootstrap import Container
from tests.factories import ChatResident

PROJECT = """
[project]
code = "WIS"
title = "Groene buurt"
organisation = "gemeente-test"
moderation = "post"
ask_profile = true
wijken = { "Noord" = ["5041"] }

[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat moet er beter?"
state = "open"

[[rounds]]
key = "beoordelen"
kind = "rating"
question = "Hoe belangrijk vind je dit?"
items_from = "ideeen"
items = ["Meer bomen in de Dorpsstraat"]
state = "open"

[[rounds]]
key = "stellingen"
kind = "statements"
statements = ["Parkeerplaatsen mogen plaatsmaken voor groen."]
state = "open"

[[rounds]]
key = "reactie"
kind = "feedback"
question = "Welk cijfer geef je het plan?"
scale = [1, 10]
state = "open"
"""

PHONE = "31612345678"
GARDEN = "Een moestuin achter het buurthuis aan de Lindelaan"
PLAYGROUND = "Bel me op 0612345678 over een grotere speeltuin"
PLAYGROUND_FIXED = "Een grotere speeltuin bij de Lindelaan graag"
BENCHES = "Bankjes bij de vijver, want ik loop daar elke dag"
COMMENT = "Fijn plan, groetjes van Kim uit de Lindelaan"
BOB_IDEA = "Een groentetuin voor de hele buurt"
SKIP_ROUND = "Deze ronde overslaan"


def wamid(phone: str, n: int) -> str:
    """A WhatsApp message id as Meta makes them: base64 that holds the phone number."""
    raw = b"\x18\x0b" + phone.encode() + b"\x15\x02\x00\x12\x18\x14" + f"3EB0{n:016X}".encode()
    return "wamid." + base64.b64encode(raw).decode()


UPDATES = itertools.count(1000)


class Person(ChatResident):
    """A resident on a real channel: every message has a message id, the address is kept."""

    def __init__(self, container: Container, channel: str, user_id: str, log: bool) -> None:
        super().__init__(container.conversations, user_id, channel)
        self.numbers = itertools.count(1)
        self.keys: list[str] = []
        self.log = log

    async def send(self, incoming: Incoming, **kwargs: Any) -> list[Any]:
        n = next(self.numbers)
        update = next(UPDATES)  # Telegram numbers updates per bot, across chats
        key = wamid(self.user_id, n) if self.channel == "whatsapp" else f"77:{update}"
        self.keys.append(key)
        kwargs.update(address=self.user_id, dedupe_key=key, keep_log=self.log)
        return await super().send(incoming, **kwargs)

    async def answer_everything(self, comment: str) -> None:
        """Score every item, vote every statement, give a score and a comment."""
        for _ in range(40):
            labels = [o.label for r in self.last for o in r.options]
            text = self.texts()
            if "Je hebt alles beantwoord" in text or not (labels or "Typ je reactie" in text):
                return
            if "Eens" in labels:
                await self.press("Eens")
            elif "Typ je reactie" in text or "toelichten" in text:
                await self.say(comment)
            elif "8" in labels:
                await self.press("8")
            elif "4" in labels:
                await self.press("4")
            else:
                raise AssertionError(text)


async def _project(container: Container) -> int:
    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(PROJECT))
        await uow.commit()
    assert project.id is not None
    return project.id


async def _idea_id(container: Container, text: str) -> int:
    async with container.uow() as uow:
        return int(await uow.conn.scalar(sa.select(t.ideas.c.id).where(t.ideas.c.text == text)))


async def _queue_messages(container: Container, project_id: int, kim: str, bob: str) -> None:
    """A prompt waiting for Kim, one sent to her (with WhatsApp's id), a results message to Bob
    that quotes her idea."""
    now = container.clock()

    def row(pseudonym: str, key: str, text: str, **extra: Any) -> dict[str, Any]:
        payload = {"kind": "results", "replies": [{"text": text, "options": [], "columns": 0}]}
        values = dict(pseudonym=pseudonym, project_id=project_id, channel="whatsapp",
                      kind="results", payload=payload, dedupe_key=key, status="pending",
                      attempts=0, next_attempt_at=now, created_at=now, sent_at=None,
                      provider_message_id=None)  # fmt: skip
        values.update(extra)
        return values

    async with container.uow() as uow:
        await uow.outbox.add(
            [
                row(kim, "k1", "Nieuwe ronde!"),
                row(
                    kim,
                    "k2",
                    "Dank je!",
                    status="sent",
                    sent_at=now,
                    provider_message_id=wamid(PHONE, 99),
                ),  # fmt: skip
                row(bob, "b1", f"Hoogst gewaardeerd: \u201c{GARDEN}\u201d"),
            ]
        )
        await uow.commit()


async def _shortlist(container: Container) -> None:
    """The facilitator fixes the rating round's shortlist (ideas reach it only so)."""
    async with container.uow() as uow:
        rating = int(
            await uow.conn.scalar(sa.select(t.rounds.c.id).where(t.rounds.c.key == "beoordelen"))
        )
    await container.bus.handle(c.ApplyShortlist(rating))


async def _use_every_feature(container: Container, channel: str, user_id: str) -> Person:
    kim = Person(container, channel, user_id, log=True)
    await kim.start("WIS")
    await kim.press("Ja, ik doe mee")
    await kim.say("5041")
    await kim.press("30–44")
    ideas = ((GARDEN, "Ja, nog een"), (PLAYGROUND, "Ja, nog een"), (BENCHES, "Nee, verder"))
    for text, more in ideas:
        await kim.say(text)
        await kim.press("Versturen")
        await kim.press(more)
    await _shortlist(container)
    await kim.answer_everything(COMMENT)
    return kim


async def _everything_stored(container: Container) -> list[tuple[str, str, str]]:
    """Every value of every column of every table, as text: (table, column, value)."""
    found = []
    async with container.uow() as uow:
        for table in metadata.sorted_tables:
            for row in await uow.conn.execute(sa.select(table)):
                for column, value in row._mapping.items():
                    if value is not None:
                        found.append((table.name, str(column), str(value)))
    return found


@pytest.mark.parametrize("channel, user_id", [("whatsapp", PHONE), ("telegram", "918273645")])
async def test_forgetting_leaves_no_word_or_identifier_of_the_resident(
    container: Container, channel: str, user_id: str
):
    project_id = await _project(container)
    kim = await _use_every_feature(container, channel, user_id)
    # Her idea with a phone number waits for review; a facilitator lets it through.
    held = await _idea_id(container, PLAYGROUND)
    await container.bus.handle(c.ApproveContribution("idea", held))
    await _shortlist(container)
    bob = Person(container, "web", "bob-cookie-token", log=True)
    await bob.start("WIS")
    await bob.press("Ja, ik doe mee")
    await bob.press("Overslaan")
    await bob.press("Overslaan")
    await bob.say(BOB_IDEA)
    await bob.press("Versturen")
    await bob.press("Nee, verder")
    await bob.answer_everything("Goed plan")
    bob_transcript = " ".join(
        e["text"] for e in await container.conversations.history("web", bob.user_id)
    )
    assert GARDEN in bob_transcript and PLAYGROUND in bob_transcript  # Bob was shown both

    garden, playground = await _idea_id(container, GARDEN), await _idea_id(container, PLAYGROUND)
    benches = await _idea_id(container, BENCHES)
    await container.bus.handle(c.MergeIdeas(benches, garden))  # Kim's own idea into another
    await container.bus.handle(c.MergeIdeas(await _idea_id(container, BOB_IDEA), garden))
    await container.bus.handle(c.CorrectContribution("idea", playground, PLAYGROUND_FIXED))
    await container.bus.handle(c.TagIdea(garden, ("groen",)))
    await _queue_messages(container, project_id, kim.pseudonym, bob.pseudonym)
    secrets = [GARDEN, PLAYGROUND, PLAYGROUND_FIXED, BENCHES, COMMENT, kim.pseudonym, user_id,
               "0612345678", *kim.keys, wamid(PHONE, 99)]  # fmt: skip
    stored = " ".join(value for *_, value in await _everything_stored(container))
    present = [
        GARDEN,
        PLAYGROUND_FIXED,
        BENCHES,
        COMMENT,
        kim.pseudonym,
        user_id,
        wamid(PHONE, 99),
    ]
    assert [s for s in present if s not in stored] == []  # (the original text was corrected)

    await kim.say("vergeet")
    await kim.press("Ja, wis alles")

    leaks = [
        (table, column, secret)
        for table, column, value in await _everything_stored(container)
        for secret in secrets
        if secret in value
    ]
    assert leaks == []
    bob_transcript = " ".join(
        e["text"] for e in await container.conversations.history("web", bob.user_id)
    )
    assert "[verwijderd]" in bob_transcript and BOB_IDEA in bob_transcript
    async with container.uow() as uow:
        results = await views.project_results(uow, "WIS", container.clock())
    assert results is not None  # Bob's idea took the place of Kim's (not her own merged one)
    assert [i["text"] for r in results.rounds for i in r.ideas] == [BOB_IDEA]


async def test_an_idea_merged_into_an_erased_one_keeps_its_supporters(container: Container):
    await _project(container)
    kim = await _use_every_feature(container, "telegram", "5551")
    others = [Person(container, "telegram", f"60{n}", log=False) for n in range(3)]
    for other in others:
        await other.start("WIS")
        await other.press("Ja, ik doe mee")
        await other.press("Overslaan")
        await other.press("Overslaan")
        if other is others[0]:
            await other.say(BOB_IDEA)
            await other.press("Versturen")
            await other.press("Nee, verder")
        else:
            await other.press(SKIP_ROUND)
        await other.answer_everything("Prima")
    garden, bobs = await _idea_id(container, GARDEN), await _idea_id(container, BOB_IDEA)
    await container.bus.handle(c.MergeIdeas(bobs, garden))

    await kim.say("vergeet")
    await kim.press("Ja, wis alles")

    async with container.uow() as uow:
        results = await views.project_results(uow, "WIS", container.clock())
    assert results is not None
    rating = next(r for r in results.rounds if r.key == "beoordelen")
    by_text = {item.text: item for item in rating.items}
    assert GARDEN not in by_text
    assert by_text[BOB_IDEA].criteria[0].n == 3  # the three who stay rated it (as the garden)
    ideas = next(r for r in results.rounds if r.key == "ideeen")
    assert [i["text"] for i in ideas.ideas] == [BOB_IDEA]


async def test_the_moderation_log_keeps_who_did_what_without_the_words(container: Container):
    await _project(container)
    kim = await _use_every_feature(container, "telegram", "5552")
    playground = await _idea_id(container, PLAYGROUND)
    await container.bus.handle(c.CorrectContribution("idea", playground, PLAYGROUND_FIXED))
    await container.bus.handle(c.RejectContribution("idea", playground, "bevat 0612345678"))

    await kim.say("vergeet")
    await kim.press("Ja, wis alles")

    async with container.uow() as uow:
        rows = (await uow.conn.execute(sa.select(t.moderation_log))).mappings().all()
    assert [(r["action"], r["target_id"], r["detail"]) for r in rows] == [
        ("correct", playground, {}),
        ("reject", playground, {}),
    ]
