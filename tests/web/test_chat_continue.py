"""From the web chat to WhatsApp or Telegram: the continue link makes a single-use token and
sends the resident to the channel's join link with it; the chat shows the link as a link."""

from __future__ import annotations

import pytest

from core.messages import Incoming
from inspraak.bootstrap import Container
from tests.factories import ChatResident
from tests.web.conftest import client_for
from tests.web.test_public_pages import csrf, options
from web.filters import privacy_links

WA = "https://wa.me/31201234567"


class Carrying:
    """A channel with a join link that can carry a payload (the web never imports bots/)."""

    def join_link(self, code: str, payload: str | None = None) -> str | None:
        return f"{WA}?text=START%20{payload or code}"


@pytest.fixture
def whatsapp(demo: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(demo.channels, "whatsapp", Carrying())


async def test_the_continue_link_carries_the_resident_to_whatsapp(demo: Container, whatsapp):
    async with client_for(demo) as visitor:
        page = (await visitor.get("/chat/DEMO")).text
        form = {"csrf": csrf(page), "choice": options(page)["Ja, ik doe mee"]}
        await visitor.post("/chat/DEMO", data=form)
        moved = await visitor.get("/chat/DEMO/continue/whatsapp")
    assert moved.status_code == 303
    link = moved.headers["location"]
    assert link.startswith(f"{WA}?text=START%20carry-")
    token = link.rsplit("%20", 1)[1]

    wa = ChatResident(demo.conversations, "31612345678", channel="whatsapp")
    await wa.send(Incoming.message(f"START {token}"), address="31612345678")
    assert "Je gaat hier verder met je antwoorden uit de webchat" in wa.texts()
    async with demo.uow() as uow:
        assert len(await uow.residents.for_pseudonym(wa.pseudonym)) == 1


async def test_without_consent_or_a_channel_the_link_leads_back_to_the_chat(
    demo: Container, whatsapp
):
    async with client_for(demo) as visitor:
        await visitor.get("/chat/DEMO")
        for path in ("/chat/DEMO/continue/whatsapp", "/chat/DEMO/continue/signal"):
            back = await visitor.get(path)
            assert back.status_code == 303 and back.headers["location"] == "/chat/DEMO#latest"


def test_the_chat_shows_our_continue_link_as_a_link_and_nothing_else():
    text = "Open deze link: /chat/DEMO/continue/telegram en niet https://evil.example/x"
    shown = str(privacy_links(text))
    assert '<a href="/chat/DEMO/continue/telegram">' in shown
    assert "evil.example/x</a>" not in shown
