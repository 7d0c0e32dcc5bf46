"""Whole dialogues through real aiogram against the fake Bot API: polling and webhook mode."""

from __future__ import annotations

from core import views
from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.channels.telegram.conftest import (
    Resident,
    WebApp,
    count,
    polling_resident,
    webhook_resident,
)
from tests.fakes.telegram_api import FakeBotAPI


async def answer_every_round(anna: Resident) -> None:
    texts = await anna.send("/start DEMO")
    assert any("Welkom bij" in text for text in texts)
    await anna.press("Ja, ik doe mee")
    await anna.send("5043")
    texts = await anna.press("30–44")
    assert any("Wat zou jij veranderen" in text for text in texts)
    await anna.send("Een pluktuin <bij> de bibliotheek & meer")
    await anna.press("Versturen")
    await anna.press("Nee, verder")
    for _ in range(6):
        await anna.press("4")
        await anna.press("2")
    for answer in ("Eens", "Oneens", "Weet niet", "Overslaan", "Eens"):
        await anna.press(answer)
    await anna.press("8")
    texts = await anna.send("Graag ook meer bankjes.")
    assert any("Je hebt alles beantwoord" in text for text in texts)


async def assert_results(container: Container) -> None:
    async with container.uow() as uow:
        results = await views.project_results(uow, "DEMO", container.clock())
    assert results is not None
    assert results.residents_by_channel == {"telegram": 1}
    by_key = {r.key: r for r in results.rounds}
    assert [i["text"] for i in by_key["ideeen"].ideas] == [
        "Een pluktuin <bij> de bibliotheek & meer"
    ]
    rated = [i for i in by_key["beoordelen"].items if i.criteria[0].n]
    assert len(rated) == 6
    assert all(i.criteria[0].mean == 4 and i.criteria[1].mean == 2 for i in rated)
    votes = {i.text: (i.agree, i.disagree, i.passed) for i in by_key["stellingen"].items}
    assert sum(a for a, _, _ in votes.values()) == 2
    assert by_key["reactie"].feedback is not None
    assert by_key["reactie"].feedback.mean == 8
    assert by_key["reactie"].comments == ["Graag ook meer bankjes."]


async def test_a_resident_joins_by_deep_link_and_answers_every_round_by_polling(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    anna = polling_resident(api, polling, 1001)
    await answer_every_round(anna)
    await assert_results(demo)
    assert await count(demo, t.contacts, address="1001") == 1
    # every pressed button was answered once, so no spinner kept turning
    answered = api.calls("answerCallbackQuery")
    assert len(answered) == anna.presses == 2 + 2 + 12 + 5 + 1
    assert all(call.ok for call in answered)


async def test_a_resident_answers_every_round_through_the_webhook(
    demo: Container, api: FakeBotAPI, webapp: WebApp
) -> None:
    anna = webhook_resident(api, webapp, 2002)
    await answer_every_round(anna)
    await assert_results(demo)
    assert not api.calls("getUpdates")
    # every press was answered in the webhook's own response (Telegram runs that method), so
    # no separate request was needed to stop the spinner
    answered = api.calls("answerCallbackQuery")
    assert len(answered) == anna.presses
    assert all(call.ok and call.http_method == "WEBHOOK" for call in answered)
    replies = [d for d in api.webhook_deliveries if d["response"].startswith("{")]
    assert len(replies) == anna.presses


async def test_resident_text_is_html_escaped(demo: Container, api: FakeBotAPI, polling) -> None:
    anna = polling_resident(api, polling, 1003)
    await anna.send("/start DEMO")
    await anna.press("Ja, ik doe mee")
    await anna.press("Overslaan")
    await anna.press("Overslaan")
    await anna.send("<b>Bomen</b> & struiken")
    sent = api.calls("sendMessage", chat_id=1003)[-1].params
    assert sent["parse_mode"] == "HTML"
    assert "&lt;b&gt;Bomen&lt;/b&gt; &amp; struiken" in sent["text"]
    assert "<b>Bomen</b> & struiken" in anna.texts()[-1]
