"""Whole dialogues over WhatsApp: signed webhooks into the running app, replies to the fake."""

from __future__ import annotations

import sqlalchemy as sa

from core import views
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.channels.whatsapp.conftest import WhatsAppResident
from tests.factories import TestClock
from tests.fakes.whatsapp_api import FakeGraphAPI

ANNA = "31612345678"


async def _count(container: Container, table: sa.Table) -> int:
    async with container.uow() as uow:
        return int(await uow.conn.scalar(sa.select(sa.func.count()).select_from(table)))


async def test_a_resident_joins_demo_with_start_demo_and_goes_through_every_round_kind(
    wa: Container, graph: FakeGraphAPI, server: str
):
    anna = WhatsAppResident(graph, server, ANNA)
    await anna.say("START DEMO")
    assert "Welkom bij" in anna.texts()
    consent = anna.question["interactive"]
    assert consent["type"] == "button" and len(consent["action"]["buttons"]) == 2
    await anna.press("Ja, ik doe mee")
    await anna.say("5043")
    assert anna.question["interactive"]["type"] == "list"  # age bands + skip
    await anna.press("30–44")
    assert "Wat zou jij veranderen" in anna.texts()
    await anna.say("Een pluktuin bij de bibliotheek")
    await anna.press("Versturen")
    await anna.press("Nee, verder")
    for _ in range(6):  # rating: 1–5 and skip, as a list; two criteria per idea
        assert "Belang" in anna.texts()
        assert anna.question["interactive"]["type"] == "list"
        await anna.press("4")
        assert "Haalbaarheid" in anna.texts()
        await anna.press("2")
    assert "Stelling" in anna.texts()
    for answer in ("Eens", "Oneens", "Weet niet", "Overslaan", "Eens"):
        await anna.press(answer)
    assert "rapportcijfer" in anna.texts()
    await anna.press("8")
    await anna.say("Graag ook meer bankjes.")
    assert "Je hebt alles beantwoord" in anna.texts()

    async with wa.uow() as uow:
        results = await views.project_results(uow, "DEMO", wa.clock())
    assert results is not None and results.residents == 1
    by_key = {r.key: r for r in results.rounds}
    assert [i["text"] for i in by_key["ideeen"].ideas] == ["Een pluktuin bij de bibliotheek"]
    assert sum(i.agree for i in by_key["stellingen"].items) == 2
    assert by_key["reactie"].feedback is not None and by_key["reactie"].feedback.mean == 8
    assert by_key["reactie"].comments == ["Graag ook meer bankjes."]
    assert not graph.calls(ok=False)  # every payload we built passed Meta's checks


async def test_a_1_to_10_scale_is_a_list_of_ten_with_skip_typed(
    wa: Container, graph: FakeGraphAPI, server: str
):
    bas = WhatsAppResident(graph, server, "31600000002")
    await bas.say("START DEMO")
    await bas.press("Ja, ik doe mee")
    await bas.press("Overslaan")  # postcode
    await bas.press("Overslaan")  # age
    await bas.press("Deze ronde overslaan")
    while "Stelling" not in bas.texts():
        await bas.press("Overslaan")
    while "rapportcijfer" not in bas.texts():
        await bas.press("Overslaan")
    interactive = bas.question["interactive"]
    rows = interactive["action"]["sections"][0]["rows"]
    assert interactive["type"] == "list"
    assert [r["title"] for r in rows] == [str(n) for n in range(1, 11)]
    assert "Of typ OVERSLAAN." in interactive["body"]["text"]
    await bas.say("overslaan")  # the typed extra works like the missing row
    assert "toelichten" in bas.texts()
    await bas.press("Overslaan")
    assert "Je hebt alles beantwoord" in bas.texts()


async def test_a_redelivered_message_is_handled_once(
    wa: Container, graph: FakeGraphAPI, server: str
):
    cas = WhatsAppResident(graph, server, "31600000003")
    await cas.say("START DEMO")
    await cas.press("Ja, ik doe mee")
    await cas.press("Overslaan")
    await cas.press("Overslaan")
    payload = graph.text_webhook(cas.wa_id, "Een bankje bij de vijver", message_id="wamid.SAME")
    assert await cas.deliver(payload) == 200
    first = len(cas.received)
    assert await cas.deliver(payload) == 200  # Meta retries when it did not hear 200 in time
    assert cas.received == [] and first > 0
    await cas.press("Versturen")
    assert await _count(wa, t.ideas) == 1


async def test_a_bad_or_missing_signature_is_refused_and_nothing_is_stored(
    wa: Container, graph: FakeGraphAPI, server: str
):
    dirk = WhatsAppResident(graph, server, "31600000004")
    for sign in ("wrong", "omit"):
        status = await dirk.deliver(graph.text_webhook(dirk.wa_id, "START DEMO"), sign=sign)
        assert status == 403
    assert graph.sent(dirk.wa_id) == []
    for table in (t.dialogue_states, t.processed_messages, t.contacts, t.residents):
        assert await _count(wa, table) == 0


async def test_the_webhook_handshake_needs_the_verify_token(graph: FakeGraphAPI, server: str):
    url = f"{server}/webhook/whatsapp"
    assert await graph.verify_webhook(url, "verify-me", challenge="42") == (200, "42")
    status, _ = await graph.verify_webhook(url, "not-the-token")
    assert status == 403


async def test_an_unknown_webhook_is_404(graph: FakeGraphAPI, server: str):
    status = await graph.deliver_webhook(f"{server}/webhook/nope", {"x": 1}, "s")
    assert status == 404


async def test_the_last_inbound_time_is_kept_once_the_resident_consented(
    wa: Container, graph: FakeGraphAPI, server: str, clock: TestClock
):
    eva = WhatsAppResident(graph, server, "31600000005")
    await eva.say("START DEMO")
    assert await _count(wa, t.contacts) == 0  # nothing about eva before consent
    await eva.press("Ja, ik doe mee")
    clock.advance(hours=2)
    await eva.say("5043")
    async with wa.uow() as uow:
        row = (await uow.conn.execute(sa.select(t.contacts))).one()
    assert row.address == eva.wa_id and row.channel == "whatsapp"
    assert row.last_inbound_at == clock.now.replace(microsecond=0)


async def test_a_picture_gets_a_friendly_answer(wa: Container, graph: FakeGraphAPI, server: str):
    fien = WhatsAppResident(graph, server, "31600000006")
    payload = graph._inbound(fien.wa_id, "Fien", "image", {"id": "media-1"}, None, None)
    assert await fien.deliver(payload) == 200
    assert "alleen tekst" in fien.texts()
