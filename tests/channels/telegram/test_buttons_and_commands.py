"""Buttons, the answered question, the command menu and slash commands."""

from __future__ import annotations

from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.channels.telegram.conftest import TOKEN, count, polling_resident, statuses
from tests.fakes.telegram_api import FakeBotAPI


async def test_a_bare_start_lists_the_open_projects_as_buttons(api: FakeBotAPI, polling) -> None:
    bram = polling_resident(api, polling, 11)
    await bram.send("/start")
    assert bram.last_markup() == [
        [{"text": "Groen en leefbaar Oosterwijk", "callback_data": "join:DEMO"}]
    ]
    texts = await bram.press("Groen en leefbaar Oosterwijk")
    assert any("Welkom bij" in text for text in texts)


async def test_the_pressed_question_shows_the_answer_and_loses_its_buttons(
    api: FakeBotAPI, polling
) -> None:
    bram = polling_resident(api, polling, 12)
    await bram.send("/start DEMO")
    question_id, _ = bram.button("Ja, ik doe mee")
    await bram.press("Ja, ik doe mee")
    question = api.message(12, question_id)
    assert "reply_markup" not in question
    assert question["text"].startswith("Welkom bij")
    assert question["text"].endswith("\u2713 Fijn dat je meedoet!")


async def test_a_scale_of_ten_is_two_rows_of_five(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    bram = polling_resident(api, polling, 13)
    await bram.send("/start DEMO")
    await bram.press("Ja, ik doe mee")
    await bram.press("Overslaan")
    await bram.press("Overslaan")
    await bram.press("Deze ronde overslaan")
    for _ in range(6):
        await bram.press("Overslaan")
    for _ in range(5):
        await bram.press("Overslaan")
    rows = [[b["text"] for b in row] for row in bram.last_markup()]
    assert rows == [["1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"], ["Overslaan"]]


async def test_the_command_menu_is_set_in_dutch_and_english(api: FakeBotAPI, polling) -> None:
    dutch = [c["command"] for c in api.commands(TOKEN, language_code="nl")]
    english = [c["command"] for c in api.commands(TOKEN, language_code="en")]
    assert dutch == ["start", "help", "stop", "taal", "mijngegevens", "vergeet"]
    assert english == ["start", "help", "stop", "language", "mydata", "forget"]
    assert [c["command"] for c in api.commands(TOKEN)] == dutch
    descriptions = {
        c["command"]: c["description"] for c in api.commands(TOKEN, language_code="en")
    }
    assert descriptions["forget"] == "Erase everything we store about you"


async def test_commands_reach_the_engine_in_both_languages(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    bram = polling_resident(api, polling, 14)
    await bram.send("/start DEMO")
    await bram.press("Ja, ik doe mee")
    assert any("STOP" in text for text in await bram.send("/help"))
    await bram.send("/taal")
    offered = [b["text"] for row in bram.last_markup() for b in row]
    assert offered == ["Nederlands", "English", "Türkçe", "العربية", "Polski", "Українська"]
    await bram.press("English")
    assert "I will speak English" in api.calls("editMessageText")[-1].params["text"]
    assert any("Pseudonym" in text for text in await bram.send("/mydata"))
    assert any("Pseudonym" in text for text in await bram.send("/mijngegevens"))
    await bram.send("/forget")
    assert [b["text"] for row in bram.last_markup() for b in row] == [
        "Yes, erase everything",
        "No, keep it",
    ]
    await bram.press("No, keep it")
    await bram.send("/stop")
    assert await statuses(demo) == ["stopped"]
    await bram.send("/vergeet")
    await bram.press("Yes, erase everything")
    assert await count(demo, t.residents) == 0


async def test_an_unknown_command_gets_the_help(api: FakeBotAPI, polling) -> None:
    bram = polling_resident(api, polling, 15)
    assert any("STOP" in text for text in await bram.send("/frobnicate"))


async def test_a_stale_button_gets_a_friendly_reply_and_changes_nothing(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    bram = polling_resident(api, polling, 16)
    await bram.send("/start DEMO")
    await bram.press("Ja, ik doe mee")
    await bram.press("Overslaan")
    await bram.press("Overslaan")
    await bram.press("Deze ronde overslaan")
    first_id, first_data = bram.button("4")
    await bram.press("4")
    await bram.press("2")
    ratings = await count(demo, t.ratings)
    texts = await bram.press_data(first_data, first_id)
    assert any("al beantwoord" in text for text in texts)
    assert await count(demo, t.ratings) == ratings == 2
    assert api.calls("answerCallbackQuery")[-1].ok


async def test_a_press_the_core_does_not_acknowledge_still_takes_the_buttons_away(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    bram = polling_resident(api, polling, 17)
    await bram.send("/start")  # the list of open projects, as buttons
    listing_id, _ = bram.button("Groen en leefbaar Oosterwijk")
    texts = await bram.press("Groen en leefbaar Oosterwijk")
    assert any("Welkom bij" in text for text in texts)
    dropped = api.calls("editMessageReplyMarkup")
    assert [call.params["message_id"] for call in dropped] == [listing_id]
    assert "reply_markup" not in dropped[-1].params or not dropped[-1].params["reply_markup"]
    # an acknowledged answer edits its question instead and needs no second edit
    await bram.press("Ja, ik doe mee")
    assert len(api.calls("editMessageReplyMarkup")) == 1
