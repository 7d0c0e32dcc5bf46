"""Almost-numbers typed on WhatsApp: a friendly reply, and a redelivery answered only once."""

from __future__ import annotations

from inspraak.bootstrap import Container
from tests.channels.whatsapp.conftest import WhatsAppResident
from tests.fakes.whatsapp_api import FakeGraphAPI

BEN = "31687654321"


async def test_a_superscript_gets_a_reply_and_its_redelivery_is_ignored(
    wa: Container, graph: FakeGraphAPI, server: str
):
    ben = WhatsAppResident(graph, server, BEN)
    await ben.say("START DEMO")
    assert "Welkom bij" in ben.texts()
    replies = await ben.say("²", message_id="wamid.superscript")
    assert replies, "the resident got no answer"
    again = await ben.say("²", message_id="wamid.superscript")  # Meta retries a webhook
    assert again == []
    await ben.say("٢")  # Arabic-Indic 2: "2. Nee, liever niet"
    assert "Welkom bij" not in ben.texts() and ben.received
