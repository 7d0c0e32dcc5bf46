"""Similar ideas offered over WhatsApp: a list whose rows show each idea within Meta's limits,
support stored once, and typed numbers or words answering as well as a tap."""

from __future__ import annotations

import sqlalchemy as sa

from bots.whatsapp.render import ROW_DESCRIPTION, ROW_TITLE
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.channels.whatsapp.conftest import WhatsAppResident
from tests.fakes.whatsapp_api import FakeGraphAPI
from tests.someone_elses_idea import an_idea_of_someone_else

LONG = (
    "Meer bankjes in het Oosterpark, zodat ouderen onderweg naar de markt even kunnen "
    "uitrusten in de schaduw van de grote bomen"
)


async def count(container: Container, table: sa.Table) -> int:
    async with container.uow() as uow:
        return int(await uow.conn.scalar(sa.select(sa.func.count()).select_from(table)))


async def joined(graph: FakeGraphAPI, server: str, wa_id: str) -> WhatsAppResident:
    resident = WhatsAppResident(graph, server, wa_id)
    await resident.say("START DEMO")
    await resident.press("Ja, ik doe mee")
    await resident.press("Overslaan")
    await resident.press("Overslaan")
    return resident


async def test_a_resident_taps_a_similar_idea_in_a_list_and_supports_it_once(
    wa: Container, graph: FakeGraphAPI, server: str
):
    await an_idea_of_someone_else(wa, LONG)
    await an_idea_of_someone_else(wa, "Bankjes bij de vijver in het Oosterpark")
    ben = await joined(graph, server, "31687654321")
    await ben.say("Bankjes in het Oosterpark voor ouderen")
    assert "Bedoel je een van deze?" in ben.texts()
    interactive = ben.question["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert rows[-1]["title"] == "Nee, mijn idee is anders"
    assert all(len(r["title"]) <= ROW_TITLE for r in rows)
    assert all(len(r.get("description", "")) <= ROW_DESCRIPTION for r in rows)
    long_row = next(r for r in rows if r["title"].startswith("Meer bankjes"))
    assert long_row["description"].startswith("Meer bankjes in het Oosterpark, zodat")

    await ben.press(LONG)

    assert "Je steunt nu het idee" in ben.texts() and "Heb je nog een idee?" in ben.texts()
    assert await count(wa, t.idea_supports) == 1 and await count(wa, t.ideas) == 2
    await ben.deliver(graph.list_reply_webhook(ben.wa_id, long_row["id"], long_row["title"]))
    assert "Je steunt dit idee al" in ben.texts()
    assert await count(wa, t.idea_supports) == 1
    assert not graph.calls(ok=False)  # every payload passed Meta's checks


async def test_typing_the_number_or_anders_answers_on_whatsapp(
    wa: Container, graph: FakeGraphAPI, server: str
):
    await an_idea_of_someone_else(wa, LONG)
    ben = await joined(graph, server, "31687654322")
    await ben.say("Bankjes in het Oosterpark voor ouderen")
    await ben.say("1")
    assert await count(wa, t.idea_supports) == 1
    eva = await joined(graph, server, "31687654323")
    await eva.say("Bankjes in het Oosterpark voor ouderen")
    await eva.say("anders")
    assert "Je idee is bewaard" in eva.texts()
    assert await count(wa, t.ideas) == 2
