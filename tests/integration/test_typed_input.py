"""What residents type that is almost a number: answered kindly, stored once, never an error."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.factories import ChatResident


async def test_a_superscript_at_a_numbered_question_gets_a_reply_and_changes_nothing(
    demo: Container,
):
    ina = ChatResident(demo.conversations, "ina")
    await ina.start("DEMO")
    for typed in ("²", "³", "²³"):
        assert await ina.say(typed), typed
    async with demo.uow() as uow:
        assert await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.residents)) == 0
    await ina.say("١")  # Arabic-Indic 1: "1. Ja, ik doe mee"
    assert "postcode" in ina.texts()


async def test_a_postcode_in_arabic_indic_digits_is_stored_as_its_neighbourhood(demo: Container):
    omar = ChatResident(demo.conversations, "omar")
    await omar.join(postcode="٥٠٤١")  # 5041
    async with demo.uow() as uow:
        (resident,) = await uow.residents.for_pseudonym(omar.pseudonym)
    assert resident.wijk == "Oosterwijk-Noord"


async def test_a_postcode_of_superscripts_is_asked_again(demo: Container):
    sam = ChatResident(demo.conversations, "sam")
    await sam.start("DEMO")
    await sam.press("Ja, ik doe mee")
    await sam.say("⁵⁰⁴¹")
    assert "geen postcode die ik ken" in sam.texts()
