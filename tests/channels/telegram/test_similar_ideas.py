"""Similar ideas offered over Telegram: one button per idea (short data, cut labels), support
stored once, and "Nee, mijn idee is anders" sending the resident's own idea."""

from __future__ import annotations

from core.messages import MAX_OPTION_DATA_BYTES
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.channels.telegram.conftest import Resident, count, polling_resident
from tests.fakes.telegram_api import FakeBotAPI
from tests.someone_elses_idea import an_idea_of_someone_else

LONG = (
    "Meer bankjes in het Oosterpark, zodat ouderen onderweg naar de markt even kunnen "
    "uitrusten in de schaduw van de grote bomen"
)


async def joined(api: FakeBotAPI, polling, user_id: int) -> Resident:
    resident = polling_resident(api, polling, user_id)
    await resident.send("/start DEMO")
    await resident.press("Ja, ik doe mee")
    await resident.press("Overslaan")
    await resident.press("Overslaan")
    return resident


async def test_a_resident_supports_a_similar_idea_with_a_button(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    idea = await an_idea_of_someone_else(demo, LONG)
    bram = await joined(api, polling, 31)
    texts = await bram.send("Bankjes in het Oosterpark voor ouderen")
    assert any("Bedoel je dit idee?" in text and LONG in text for text in texts)
    markup = bram.last_markup()
    assert [len(row) for row in markup] == [1, 1]  # one idea per row, read whole
    label = markup[0][0]["text"]
    assert label.startswith("Meer bankjes in het Oosterpark") and len(label) <= 60
    assert all(
        len(b["callback_data"].encode()) <= MAX_OPTION_DATA_BYTES for r in markup for b in r
    )

    question_id, _ = bram.button(label)
    texts = await bram.press(label)

    assert texts == ["Heb je nog een idee?"]
    answered = api.message(31, question_id)  # the question shows the answer, buttons gone
    assert "\u2713 Dank je wel! Je steunt nu het idee" in answered["text"]
    assert "reply_markup" not in answered
    assert await count(demo, t.idea_supports, idea_id=idea) == 1
    assert await count(demo, t.ideas) == 1
    await bram.press_data(markup[0][0]["callback_data"], question_id)  # once more
    assert await count(demo, t.idea_supports) == 1
    assert "Je steunt dit idee al" in api.message(31, question_id)["text"]


async def test_no_my_idea_is_different_sends_it_over_telegram(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    await an_idea_of_someone_else(demo, LONG)
    bram = await joined(api, polling, 32)
    await bram.send("Bankjes in het Oosterpark voor ouderen")
    question_id, _ = bram.button("Nee, mijn idee is anders")
    await bram.press("Nee, mijn idee is anders")
    assert "Je idee is bewaard" in api.message(32, question_id)["text"]
    assert await count(demo, t.ideas) == 2 and await count(demo, t.idea_supports) == 0
