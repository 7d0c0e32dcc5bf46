"""Honest about each channel: when nothing is left, residents hear when the next round opens;
the web chat promises no message it cannot send, and offers an e-mail (sent through the
outbox to a local SMTP server when the round opens) or continuing on Telegram/WhatsApp."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from config.settings import Settings
from core.domain import commands as c
from core.messages import Incoming
from core.storage import tables as t
from core.storage.db import create_all
from inspraak.background import build_sender
from inspraak.bootstrap import Container, bootstrap
from tests.factories import ChatResident, TestClock
from tests.integration.outbox_support import make_project, round_id
from tests.smtp import Inbox

# One round open now, one that opens on Sunday 13 December 2026, 10:00 in Amsterdam.
ROUNDS = """
[[rounds]]
key = "nu"
kind = "ideas"
question = "Wat moet er beter?"
state = "open"
max_per_resident = 1

[[rounds]]
key = "later"
kind = "ideas"
question = "Wat vind je van het plan?"
opens_at = "2026-12-13T09:00:00+00:00"
"""
LATER_ONLY = "[[rounds]]" + ROUNDS.split("[[rounds]]", 2)[2]
NEXT = "De volgende ronde opent op zondag 13 december 2026 om 10:00."


@pytest.fixture
async def mailing(
    container: Container, settings: Settings, clock: TestClock, smtp_inbox: Inbox
) -> AsyncIterator[Container]:
    """A container whose e-mail goes to the local SMTP server, on the database ``container``
    has just emptied (on PostgreSQL the tests share one database: without it, the ideas of the
    test before are offered as similar ones, depending on how quickly their index is built)."""
    mail = {"smtp_host": smtp_inbox.host, "smtp_port": smtp_inbox.port, "smtp_security": "none"}
    configured = settings.model_copy(update={**mail, "smtp_from": "inspraak@test.nl"})
    app = bootstrap(configured, clock=clock)
    await create_all(app.engine)
    try:
        yield app
    finally:
        await app.close()


async def _join(resident: ChatResident) -> None:
    await resident.start("TEST")
    await resident.press("Ja, ik doe mee")
    await resident.say("hallo")  # "send any message to start" (no profile questions)


async def _finish(resident: ChatResident) -> None:
    await _join(resident)
    await resident.say("Meer bankjes in het park")
    await resident.press("Versturen")


async def test_the_web_chat_says_when_the_next_round_opens_and_promises_no_message(
    container: Container,
):
    await make_project(container, ROUNDS)
    web = ChatResident(container.conversations, "w1", channel="web")
    await _finish(web)
    said = web.texts()
    assert "Je hebt alles beantwoord wat er nu is" in said and NEXT in said
    assert "Deze webchat kan je geen bericht sturen" in said
    assert "We sturen je" not in said


async def test_joining_before_the_first_round_opens_gives_its_date(container: Container):
    await make_project(container, LATER_ONLY)
    web = ChatResident(container.conversations, "w2", channel="web")
    await _join(web)
    said = web.texts()
    assert "Er staat nu geen ronde open" in said and NEXT in said
    assert "alles beantwoord" not in said


async def test_telegram_residents_are_told_a_message_will_come_there(container: Container):
    await make_project(container, LATER_ONLY)
    anna = ChatResident(container.conversations, "42", channel="telegram")
    await anna.send(Incoming.start("TEST"), address="42")
    await anna.send(Incoming.choice(anna.option("Ja, ik doe mee")), address="42")
    await anna.send(Incoming.message("hallo"), address="42")
    said = anna.texts()
    assert NEXT in said
    assert "We sturen je hier een bericht als er een nieuwe ronde opent." in said
    assert "Verder op" not in said


async def test_an_english_resident_reads_the_date_in_english(container: Container):
    await make_project(container, LATER_ONLY)
    web = ChatResident(container.conversations, "w3", channel="web")
    await web.start("TEST")
    await web.send(Incoming.command("language", "en"))
    await web.press("Yes, I take part")
    await web.say("hello")
    assert "The next round opens on Sunday, December 13, 2026 at 10:00." in web.texts()


async def test_an_e_mail_opt_in_is_kept_shown_mailed_when_the_round_opens_and_forgotten(
    mailing: Container, clock: TestClock, smtp_inbox: Inbox
):
    await make_project(mailing, ROUNDS)
    web = ChatResident(mailing.conversations, "w4", channel="web")
    await _finish(web)
    await web.press("Stuur me een e-mail")
    await web.say("geen adres")
    assert "Dat lijkt geen e-mailadres" in web.texts()
    await web.say("Anna.de.Vries@Example.NL")
    assert "We sturen een e-mail naar Anna.de.Vries@example.nl" in web.texts()
    await web.send(Incoming.command("mydata"))
    assert "E-mail voor een bericht bij een nieuwe ronde: Anna.de.Vries@example.nl" in web.texts()
    await web.say("hallo")
    assert "We sturen je een e-mail als er een nieuwe ronde opent." in web.texts()

    clock.now = clock.now.replace(day=13, hour=9)
    await mailing.bus.handle(c.OpenRound(await round_id(mailing, "later")))
    await build_sender(mailing).drain()
    [mail] = smtp_inbox.mails
    assert mail.recipients == ["Anna.de.Vries@example.nl"]
    assert "Testproject" in mail.message["Subject"]
    assert "Wat vind je van het plan?" in mail.text
    assert "/chat/TEST" in mail.text and "/mail/stop?address=" in mail.text
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    await web.send(Incoming.command("forget"))
    await web.press("Ja, wis alles")
    async with mailing.uow() as uow:
        assert await uow.contacts.address_of(web.pseudonym) is None


async def test_the_offer_lists_e_mail_when_mail_is_configured(mailing: Container):
    await make_project(mailing, ROUNDS)
    web = ChatResident(mailing.conversations, "w5", channel="web")
    await _finish(web)
    assert [o.label for o in web.question.options] == ["Stuur me een e-mail"]


async def test_without_mail_or_a_chat_channel_nothing_is_offered(container: Container):
    await make_project(container, ROUNDS)
    plain = ChatResident(container.conversations, "w6", channel="web")
    await _finish(plain)
    assert not any(reply.options for reply in plain.last)
    assert "kom dan terug naar deze pagina." in plain.texts()


async def _residents(container: Container, pseudonym: str) -> list[int]:
    async with container.uow() as uow:
        query = sa.select(t.residents.c.id).where(t.residents.c.pseudonym == pseudonym)
        return [int(i) for i in await uow.conn.scalars(query)]


async def test_a_carry_over_link_takes_the_web_resident_to_telegram_once(
    container: Container, clock: TestClock
):
    await make_project(container, ROUNDS)
    web = ChatResident(container.conversations, "w7", channel="web")
    await _finish(web)
    [resident_id] = await _residents(container, web.pseudonym)
    token = await container.bus.handle(c.IssueCarryOver(web.pseudonym, "TEST", "telegram"))
    assert token and token.startswith("carry-")

    tg = ChatResident(container.conversations, "77", channel="telegram")
    await tg.send(Incoming.start(token), address="77")
    said = tg.texts()
    assert "Je gaat hier verder met je antwoorden uit de webchat" in said
    assert "2 dec 2026" in said  # the consent they gave, shown again
    assert "We sturen je hier een bericht als er een nieuwe ronde opent." in said
    assert await _residents(container, tg.pseudonym) == [resident_id]  # the same resident
    assert await _residents(container, web.pseudonym) == []
    async with container.uow() as uow:
        assert await uow.contacts.address_of(tg.pseudonym) == ("telegram", "77")

    again = ChatResident(container.conversations, "78", channel="telegram")
    await again.send(Incoming.start(token), address="78")
    assert "verlopen of al gebruikt" in again.texts()
    assert await _residents(container, again.pseudonym) == []


async def test_a_carry_over_link_expires_after_thirty_minutes(
    container: Container, clock: TestClock
):
    await make_project(container, ROUNDS)
    web = ChatResident(container.conversations, "w8", channel="web")
    await _finish(web)
    token = await container.bus.handle(c.IssueCarryOver(web.pseudonym, "TEST", "whatsapp"))
    clock.now += timedelta(minutes=31)
    wa = ChatResident(container.conversations, "31600000000", channel="whatsapp")
    await wa.send(Incoming.message(f"START {token}"), address="31600000000")
    assert "verlopen of al gebruikt" in wa.texts()
    assert len(await _residents(container, web.pseudonym)) == 1


async def test_no_carry_over_before_consent(container: Container):
    await make_project(container, ROUNDS)
    web = ChatResident(container.conversations, "w9", channel="web")
    await web.start("TEST")
    assert await container.bus.handle(c.IssueCarryOver(web.pseudonym, "TEST", "telegram")) is None


async def test_with_no_project_open_the_next_round_is_named(container: Container):
    await make_project(container, LATER_ONLY)
    visitor = ChatResident(container.conversations, "w10", channel="web")
    await visitor.start()
    assert (
        "Er is nu geen open project. De volgende ronde opent op zondag 13 december 2026 om "
        "10:00, in \u201cTestproject\u201d (code TEST)." in visitor.texts()
    )


async def test_retention_ends_the_e_mail_and_expired_links_are_pruned(
    mailing: Container, clock: TestClock
):
    await make_project(mailing, ROUNDS)
    web = ChatResident(mailing.conversations, "w11", channel="web")
    await _finish(web)
    await web.press("Stuur me een e-mail")
    await web.say("kim@example.nl")
    await mailing.bus.handle(c.IssueCarryOver(web.pseudonym, "TEST", "telegram"))
    clock.advance(minutes=31)
    await mailing.bus.handle(c.PruneExpired())
    async with mailing.uow() as uow:
        assert (await uow.conn.execute(sa.select(t.carry_overs))).all() == []
    await mailing.bus.handle(c.UpdateProject("TEST", {"status": "closed", "retention_days": 30}))
    clock.advance(days=31)
    await mailing.bus.handle(c.ApplyRetention())
    async with mailing.uow() as uow:
        assert await uow.contacts.address_of(web.pseudonym) is None


async def test_after_a_continue_link_the_other_ways_stay_on_offer(container: Container):
    await make_project(container, ROUNDS)
    ways = (("telegram", "/chat/TEST/continue/telegram"), ("email", ""))
    container.conversations.notify_ways = lambda code: ways
    web = ChatResident(container.conversations, "w12", channel="web")
    await _finish(web)
    assert [o.label for o in web.question.options] == ["Verder op Telegram", "Stuur me een e-mail"]
    await web.press("Verder op Telegram")
    assert "Open deze link om verder te gaan op Telegram: /chat/TEST/continue/telegram" in (
        web.texts()
    )
    assert [o.label for o in web.question.options] == ["Stuur me een e-mail"]
