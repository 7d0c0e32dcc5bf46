"""An English or Polish Telegram user reads the DEMO project in their language: the dialogue's
words from its catalog, the project's questions and statements from the project file."""

from __future__ import annotations

from inspraak.bootstrap import Container
from tests.channels.telegram.conftest import TOKEN, polling_resident
from tests.fakes.telegram_api import FakeBotAPI


async def test_an_english_resident_gets_the_english_questions(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    emma = polling_resident(api, polling, 41)
    texts = await emma.send("/start DEMO", language_code="en-GB")
    assert any("The municipality is working on a new environmental vision" in t for t in texts)
    await emma.press("Yes, I take part")
    await emma.press("Skip")
    texts = await emma.press("Skip")
    assert any("What would you change to make Oosterwijk greener and nicer?" in t for t in texts)
    texts = await emma.press("Skip this round")
    assert any("How important and how feasible" in t and "Importance" in t for t in texts)
    assert not any("Belang" in t or "Hoe belangrijk" in t for t in texts)


async def test_a_polish_resident_reads_polish_words_and_dutch_where_the_project_has_none(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    piotr = polling_resident(api, polling, 42)
    texts = await piotr.send("/start DEMO", language_code="pl")
    assert any("Witamy w „Groen en leefbaar Oosterwijk”!" in t for t in texts)
    assert any("De gemeente werkt aan een nieuwe omgevingsvisie" in t for t in texts)
    await piotr.press("Tak, biorę udział")
    await piotr.press("Pomiń")
    texts = await piotr.press("Pomiń")
    assert any("Wat zou jij veranderen om Oosterwijk" in t for t in texts)
    assert any("Napisz swój pomysł w jednej wiadomości" in t for t in texts)


async def test_the_language_can_be_changed_to_arabic_and_back(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    amal = polling_resident(api, polling, 43)
    await amal.send("/start DEMO")
    await amal.send("/taal")
    await amal.press("العربية")
    assert "سأتحدث معك بالعربية" in api.calls("editMessageText")[-1].params["text"]
    await amal.send("/language")
    await amal.press("English")
    assert "I will speak English" in api.calls("editMessageText")[-1].params["text"]


async def test_the_command_menu_speaks_the_residents_languages(api: FakeBotAPI, polling) -> None:
    ukrainian = {c["command"]: c["description"] for c in api.commands(TOKEN, language_code="uk")}
    assert ukrainian["forget"] == "Видалити все, що ми зберігаємо про тебе"
    assert ukrainian["language"] == "Вибір мови"
