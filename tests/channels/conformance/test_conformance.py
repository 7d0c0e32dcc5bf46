"""Every step understands the same typed answers on every channel, with the same outcome.

One running inspraak (uvicorn on loopback) serves the web chat, WhatsApp (fake Graph API) and
Telegram (fake Bot API, polling). For each step of the DEMO dialogue, a new resident on each
channel walks to that step with buttons, types one variant, and what is stored afterwards (the
step they are at, their language, their ideas, scores, votes, feedback, whether they are still
known at all) must be what the variant means, and the same on all three channels.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import pytest
import sqlalchemy as sa

from bots.telegram.channel import TelegramChannel
from bots.webchat.channel import WebChat
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.channels.telegram.conftest import (
    TOKEN,
    USERNAME,
    Resident,
    Sleeps,
    make_channel,
    polling_resident,
)
from tests.channels.whatsapp.conftest import WhatsAppResident
from tests.fakes.telegram_api import FakeBotAPI
from tests.fakes.whatsapp_api import FakeGraphAPI

ERASED = "Alles is gewist. Typ START om opnieuw mee te doen."
_ids = itertools.count(1)


class Chat(Protocol):
    """A resident on one channel."""

    channel: str
    user_id: str

    async def begin(self) -> None: ...
    async def type(self, text: str) -> str: ...
    async def press(self, label: str) -> str: ...
    async def choose(self, data: str) -> str: ...


class WebChatResident:
    """A browser on the web chat: plain form posts, as without JavaScript."""

    channel = "web"

    def __init__(self, client: httpx.AsyncClient, container: Container) -> None:
        self.client = client
        self.container = container
        self.user_id = ""
        self.csrf = ""
        self.seen = 0
        self.greeting: list[dict[str, str]] = []

    async def begin(self) -> None:
        page = (await self.client.get("/chat/DEMO")).text
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, "the chat page has no form"
        self.csrf = found.group(1)
        self.user_id = self.client.cookies["inspraak_chat"]
        chat = self.container.channels["web"]
        assert isinstance(chat, WebChat)
        entries = await chat.greeting(self.user_id, "DEMO")
        self.greeting = entries[-1].options

    async def _post(self, **form: str) -> str:
        response = await self.client.post("/chat/DEMO", data={"csrf": self.csrf, **form})
        assert response.status_code in (200, 303), response.text
        rows = await self.container.conversations.history("web", self.user_id)
        if len(rows) < self.seen:  # erased: nothing is kept, the page itself says so
            self.seen = len(rows)
            return (await self.client.get("/chat/DEMO")).text
        new, self.seen = rows[self.seen :], len(rows)
        return "\n---\n".join(str(r["text"]) for r in new if r["outgoing"])

    async def type(self, text: str) -> str:
        return await self._post(text=text)

    async def press(self, label: str) -> str:
        rows = await self.container.conversations.history("web", self.user_id)
        last = next((r["options"] for r in reversed(rows) if r["outgoing"]), self.greeting)
        data = next((o["data"] for o in last if o["label"] == label), None)
        assert data is not None, f"no button {label!r} in {last}"
        return await self._post(choice=data)

    async def choose(self, data: str) -> str:
        return await self._post(choice=data)


class TelegramResident:
    channel = "telegram"

    def __init__(self, resident: Resident) -> None:
        self.resident = resident
        self.user_id = str(resident.user_id)

    async def begin(self) -> None:
        await self.resident.send("/start DEMO")

    async def type(self, text: str) -> str:
        return "\n---\n".join(await self.resident.send(text))

    async def press(self, label: str) -> str:
        return "\n---\n".join(await self.resident.press(label))

    async def choose(self, data: str) -> str:
        return "\n---\n".join(await self.resident.press_data(data))


class WhatsAppChat:
    channel = "whatsapp"

    def __init__(self, resident: WhatsAppResident) -> None:
        self.resident = resident
        self.user_id = resident.wa_id

    async def begin(self) -> None:
        await self.resident.say("START DEMO")

    async def type(self, text: str) -> str:
        await self.resident.say(text)
        return self.resident.texts()

    async def press(self, label: str) -> str:
        await self.resident.press(label)
        return self.resident.texts()

    async def choose(self, data: str) -> str:
        graph = self.resident.graph
        await self.resident.deliver(graph.button_reply_webhook(self.user_id, data, "Doe mee"))
        return self.resident.texts()


# -- the steps and the variants ------------------------------------------------------------

Action = tuple[str, str]  # ("press", label) | ("type", text) | ("go", round key)
IDEA_TEXT: list[Action] = [("press", "Ja, ik doe mee"), ("press", "Overslaan"),
                           ("press", "Overslaan")]  # fmt: skip
PATHS: dict[str, list[Action]] = {
    "consent": [],
    "profile_postcode": IDEA_TEXT[:1],
    "profile_age": IDEA_TEXT[:2],
    "idea_text": IDEA_TEXT,
    "idea_confirm": [*IDEA_TEXT, ("type", "Meer bomen in de Dorpsstraat")],
    "idea_more": [*IDEA_TEXT, ("type", "Meer bomen in de Dorpsstraat"), ("press", "Versturen")],
    "rate": [*IDEA_TEXT, ("press", "Deze ronde overslaan")],
    "vote": [*IDEA_TEXT, ("go", "stellingen")],
    "feedback_score": [*IDEA_TEXT, ("go", "reactie")],
    "feedback_text": [*IDEA_TEXT, ("go", "reactie"), ("press", "8")],
    "forget_confirm": [*IDEA_TEXT, ("type", "vergeet")],
    "language": [*IDEA_TEXT, ("type", "taal")],
    "idea_similar": [*IDEA_TEXT, ("type", "Meer bomen in de Dorpsstraat")],
}
IDEA = ("Meer bomen in de Dorpsstraat",)


@dataclass(frozen=True)
class Expect:
    """What a variant must leave stored (only the fields given are checked)."""

    facts: dict[str, Any]
    says: str = ""  # a text the replies must hold
    never: str = ""  # a text no reply may hold


def at(step: str, **facts: Any) -> Expect:
    return Expect({"step": step, **facts})


NO_IDEA = "Je idee:"
VARIANTS: dict[str, dict[str, Expect]] = {
    "consent": {
        **{v: at("profile_postcode", known=True) for v in ("ja", "Ja hoor", "👍", "yes", "1")},
        **{v: at("idle", known=False) for v in ("nee", "nope", "Nee, liever niet", "2")},
    },
    "profile_postcode": {
        "5043": at("profile_age"),
        **{v: at("profile_age") for v in ("overslaan", "skip", "Nee", "1")},
        "hallo": at("profile_postcode"),
    },
    "profile_age": {
        **{v: at("idea_text", age="30-44") for v in ("30-44", "ik ben 35", "30–44", "3")},
        **{v: at("idea_text", age=None) for v in ("overslaan", "SKIP")},
    },
    "idea_text": {
        **{v: Expect({"step": "idea_text", "ideas": ()}, never=NO_IDEA)
           for v in ("6", "3", "ok", "ja")},
        "Meer bomen in de Dorpsstraat": at("idea_confirm", ideas=()),
        **{v: at("rate", ideas=()) for v in ("Deze ronde overslaan", "overslaan", "1")},
    },
    "idea_confirm": {
        **{v: at("idea_more", ideas=IDEA) for v in ("ja", "Versturen", "verstuur", "ok", "1")},
        **{v: at("idea_text", ideas=()) for v in ("aanpassen", "nee", "2")},
    },
    "idea_more": {
        **{v: Expect({"step": "rate", "ideas": IDEA}, never=NO_IDEA)
           for v in ("Nee", "nee, verder", "NEE!", "neen", "nope", "No", "2")},
        **{v: Expect({"step": "idea_more", "ideas": IDEA}, never=NO_IDEA) for v in ("6", "3")},
        **{v: at("idea_text", ideas=IDEA) for v in ("ja", "jawel", "yes", "👍", "1")},
    },
    "idea_similar": {  # one similar idea is offered: 1. that idea, 2. "Nee, mijn idee is anders"
        **{v: at("idea_more", ideas=IDEA, supports=0)
           for v in ("Nee, mijn idee is anders", "nee", "anders", "Nee, anders!", "2")},
        **{v: at("idea_more", ideas=(), supports=1) for v in ("1", "١")},
        **{v: at("idea_similar", ideas=(), supports=0) for v in ("5", "ja")},
    },
    "rate": {
        **{v: at("rate", ratings=(4,)) for v in ("4", "ik geef een 4", "٤", "een 4 van de 5")},
        **{v: at("rate", ratings=()) for v in ("overslaan", "6", "ja", "Sla over")},
    },
    "vote": {
        **{v: at("vote", votes=(1,)) for v in ("eens", "Mee eens", "ja", "agree", "1")},
        **{v: at("vote", votes=(-1,)) for v in ("oneens", "niet mee eens", "Nee", "2")},
        **{v: at("vote", votes=(0,)) for v in ("weet niet", "geen idee", "3")},
        **{v: at("vote", votes=()) for v in ("overslaan", "6", "blauw")},
    },
    "feedback_score": {
        **{v: at("feedback_text", feedback=((8, ""),))
           for v in ("8", "ik geef een 8", "een 8 van de 10", "٨", "8/10")},
        "overslaan": at("feedback_text", feedback=()),
        **{v: at("feedback_score", feedback=()) for v in ("11", "ja", "goed")},
    },
    "feedback_text": {
        **{v: at("idea_text", feedback=((8, ""),)) for v in ("nee", "overslaan", "1")},
        "Graag ook meer bankjes.": at("idea_text", feedback=((8, "Graag ook meer bankjes."),)),
    },
    "forget_confirm": {
        **{v: Expect({"step": None, "known": False}, says=ERASED)
           for v in ("Ja", "ja", "jawel", "ok", "👍", "yes", "1", "Ja, wis alles")},
        **{v: at("idea_text", known=True) for v in ("nee", "Nee, bewaren", "2", "no")},
        "misschien": at("forget_confirm", known=True),
    },
    "language": {
        **{v: at("idea_text", language="en") for v in ("English", "engels", "2", "EN")},
        **{v: at("idea_text", language="nl") for v in ("nederlands", "1", "Dutch")},
    },
}  # fmt: skip


# -- running them --------------------------------------------------------------------------


@dataclass
class Channels:
    container: Container
    server: str
    graph: FakeGraphAPI
    api: FakeBotAPI
    telegram: TelegramChannel
    clients: list[httpx.AsyncClient] = field(default_factory=list)
    finder: Any = None  # the similar-idea finder, switched on only for the step about it

    async def offer_similar(self, rounds: dict[str, int]) -> None:
        """Let one resident send the idea the others type, then offer similar ideas."""
        seed = await self.resident("telegram")
        await walk(seed, [*PATHS["idea_confirm"], ("press", "Versturen")], rounds)
        conversations = self.container.conversations
        conversations.similar = self.finder
        assert conversations.reading is not None
        # built now, however busy the machine: a step waits two seconds at most for it
        await self.finder.prepare(conversations.reading, rounds["ideeen"], wait=300)

    async def resident(self, channel: str) -> Chat:
        n = next(_ids)
        if channel == "web":
            client = httpx.AsyncClient(base_url=self.server)
            self.clients.append(client)
            return WebChatResident(client, self.container)
        if channel == "telegram":
            return TelegramResident(polling_resident(self.api, self.telegram, 500_000 + n))
        return WhatsAppChat(WhatsAppResident(self.graph, self.server, f"3160000{n:04d}"))


@pytest.fixture
async def channels(wa: Container, graph: FakeGraphAPI, server: str) -> AsyncIterator[Channels]:
    async with FakeBotAPI(bots={TOKEN: USERNAME}) as api:
        telegram = make_channel(wa, api, Sleeps())
        wa.channels["telegram"] = telegram
        await telegram.start()
        await telegram.wait_ready()
        found = Channels(wa, server, graph, api, telegram)
        finder, wa.conversations.similar = wa.conversations.similar, None
        found.finder = finder
        try:
            yield found
        finally:
            await telegram.stop()
            for client in found.clients:
                await client.aclose()


async def walk(chat: Chat, path: list[Action], rounds: dict[str, int]) -> None:
    await chat.begin()
    steps: dict[str, Callable[[str], Awaitable[str]]] = {
        "press": chat.press,
        "type": chat.type,
        "go": lambda key: chat.choose(f"go:DEMO:{rounds[key]}"),
    }
    for kind, value in path:
        await steps[kind](value)


async def facts(container: Container, chat: Chat) -> dict[str, Any]:
    """What is stored about the resident of ``chat`` (the same query on every channel)."""
    pseudonym = container.conversations.pseudonym(chat.channel, chat.user_id)
    async with container.uow() as uow:
        state = await uow.dialogue.load(pseudonym)
        row = (
            await uow.conn.execute(
                sa.select(t.residents.c.id, t.residents.c.age_band).where(
                    t.residents.c.pseudonym == pseudonym
                )
            )
        ).first()
        rid = row.id if row else -1

        async def column(*cols: sa.Column[Any]) -> tuple[Any, ...]:
            table = cols[0].table
            query = sa.select(*cols).where(table.c.resident_id == rid).order_by(table.c.id)
            rows = (await uow.conn.execute(query)).all()
            return tuple(r[0] if len(cols) == 1 else tuple(r) for r in rows)

        return {
            "step": state["step"] if state else None,
            "language": (state or {}).get("language"),
            "known": row is not None,
            "age": row.age_band if row else None,
            "ideas": await column(t.ideas.c.text),
            "ratings": await column(t.ratings.c.score),
            "votes": await column(t.votes.c.value),
            "feedback": await column(t.feedback.c.score, t.feedback.c.text),
            "supports": await uow.conn.scalar(
                sa.select(sa.func.count())
                .select_from(t.idea_supports)
                .where(t.idea_supports.c.resident_id == rid)
            ),
        }


async def round_ids(container: Container) -> dict[str, int]:
    async with container.uow() as uow:
        query = sa.select(t.rounds.c.key, t.rounds.c.id)
        return {key: id_ for key, id_ in (await uow.conn.execute(query)).all()}


@pytest.mark.parametrize("step", list(VARIANTS))
async def test_every_typed_variant_has_the_same_outcome_on_every_channel(
    channels: Channels, step: str
):
    rounds = await round_ids(channels.container)
    if step == "idea_similar":
        await channels.offer_similar(rounds)
    problems: list[str] = []
    for typed, expect in VARIANTS[step].items():
        outcomes: dict[str, dict[str, Any]] = {}
        for channel in ("web", "telegram", "whatsapp"):
            chat = await channels.resident(channel)
            await walk(chat, PATHS[step], rounds)
            before = await facts(channels.container, chat)
            assert before["step"] == step or (step == "consent" and channel == "web"), (
                f"{channel} did not reach {step} before {typed!r}: {before}"
            )
            replies = await chat.type(typed)
            found = await facts(channels.container, chat)
            outcomes[channel] = found
            wrong = {k: found[k] for k, v in expect.facts.items() if found[k] != v}
            if wrong:
                problems.append(f"{channel}: {typed!r} at {step} gave {wrong}, not {expect.facts}")
            if expect.never and expect.never in replies:
                problems.append(f"{channel}: {typed!r} at {step} replied {replies!r}")
            if expect.says and expect.says not in replies:
                problems.append(f"{channel}: {typed!r} at {step} did not say {expect.says!r}")
        if len({repr(sorted(o.items())) for o in outcomes.values()}) != 1:
            problems.append(f"{typed!r} at {step} differs between channels: {outcomes}")
    assert not problems, "\n".join(problems)
