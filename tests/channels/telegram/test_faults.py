"""Exactly once, per-resident order, and Telegram's faults: 429, 403, network, blocked."""

from __future__ import annotations

import asyncio

import aiohttp

from core.storage import tables as t
from inspraak.bootstrap import Container
from tests.channels.telegram.conftest import (
    TOKEN,
    WEBHOOK_SECRET,
    Resident,
    Sleeps,
    WebApp,
    count,
    polling_resident,
    settle,
    statuses,
    webhook_resident,
)
from tests.fakes.telegram_api import FakeBotAPI


async def join(resident: Resident) -> None:
    await resident.send("/start DEMO")
    await resident.press("Ja, ik doe mee")
    await resident.press("Overslaan")
    await resident.press("Overslaan")


async def to_the_statements(resident: Resident) -> None:
    await join(resident)
    await resident.press("Deze ronde overslaan")
    for _ in range(6):
        await resident.press("Overslaan")


async def test_a_redelivered_update_is_stored_once(
    demo: Container, api: FakeBotAPI, webapp: WebApp
) -> None:
    carla = webhook_resident(api, webapp, 21)
    await join(carla)
    update = api.message_update(21, "Een bankje bij de vijver", token=TOKEN, update_id=9000)
    url = f"{webapp.base_url}/webhook/telegram"
    assert await api.deliver_webhook(url, update, WEBHOOK_SECRET, token=TOKEN) == 200
    sent = len(api.calls("sendMessage", chat_id=21))
    assert await api.deliver_webhook(url, update, WEBHOOK_SECRET, token=TOKEN) == 200
    assert len(api.calls("sendMessage", chat_id=21)) == sent  # nothing handled twice
    await carla.press("Versturen")
    press = api.callback_update(21, "idea:1:send", token=TOKEN, update_id=9001)
    assert await api.deliver_webhook(url, press, WEBHOOK_SECRET, token=TOKEN) == 200
    assert await count(demo, t.ideas) == 1


async def test_a_webhook_call_without_the_secret_is_refused_and_stores_nothing(
    demo: Container, api: FakeBotAPI, webapp: WebApp
) -> None:
    url = f"{webapp.base_url}/webhook/telegram"
    update = api.command(22, "/start DEMO", token=TOKEN)
    assert await api.deliver_webhook(url, update, None, token=TOKEN) == 403
    assert await api.deliver_webhook(url, update, "wrong-secret", token=TOKEN) == 403
    assert await count(demo, t.dialogue_states) == 0
    assert await count(demo, t.processed_messages) == 0
    assert not api.calls("sendMessage")
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 405
    other = f"{webapp.base_url}/webhook/nothing"
    async with aiohttp.ClientSession() as http, http.post(other, data=b"{}") as response:
        assert response.status == 404


async def test_webhook_mode_sets_the_webhook_with_its_secret_and_leaves_it_on_stop(
    demo: Container, api: FakeBotAPI, webapp: WebApp
) -> None:
    webhook = api.webhook(TOKEN)
    assert webhook is not None
    assert webhook["url"] == f"{webapp.base_url}/webhook/telegram"
    assert webhook["secret_token"] == WEBHOOK_SECRET
    assert api.calls("setWebhook")[-1].params["allowed_updates"] == [
        "message",
        "callback_query",
        "my_chat_member",
    ]
    api.push_update(TOKEN, api.command(23, "/start DEMO", token=TOKEN))
    assert await api.flush_webhook(TOKEN) == [200]
    assert any("Welkom bij" in text for text in api.sent_texts(23))
    await webapp.stop()
    webapp.stop = _noop  # type: ignore[method-assign]
    assert api.webhook(TOKEN) is not None
    assert not api.calls("deleteWebhook")


async def _noop() -> None:
    return None


async def test_two_fast_taps_are_handled_in_order_and_both_count(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    dirk = polling_resident(api, polling, 24)
    eva = polling_resident(api, polling, 25)
    await to_the_statements(dirk)
    await to_the_statements(eva)
    first_id, agree = dirk.button("Eens")
    # Dirk taps "Eens" and at once types "2" (Oneens on the next statement); Eva taps too.
    api.push_update(TOKEN, api.callback_update(24, agree, first_id, token=TOKEN))
    api.push_update(TOKEN, api.message_update(24, "2", token=TOKEN))
    api.push_update(TOKEN, api.callback_update(25, eva.button("Oneens")[1], token=TOKEN))
    await settle(polling, api)
    async with demo.uow() as uow:
        rows = await uow.conn.execute(t.votes.select().order_by(t.votes.c.id))
        by_resident: dict[int, list[tuple[int, int]]] = {}
        for row in rows:
            by_resident.setdefault(row.resident_id, []).append((row.item_id, row.value))
    dirk_votes, eva_votes = by_resident.values()
    assert [value for _, value in dirk_votes] == [1, -1]  # the tap first, then the typed "2"
    assert dirk_votes[0][0] != dirk_votes[1][0]  # on two different statements
    assert [value for _, value in eva_votes] == [-1]
    assert len(polling.locks) == 0  # no lock left behind


async def test_a_429_on_a_reply_waits_retry_after_then_sends(
    api: FakeBotAPI, polling, sleeps: Sleeps
) -> None:
    fien = polling_resident(api, polling, 26)
    api.script_error("sendMessage", 429, retry_after=7, chat_id=26)
    texts = await fien.send("/start DEMO")
    assert 7 in sleeps
    assert any("Welkom bij" in text for text in texts)


async def test_network_errors_on_a_reply_are_retried_with_backoff(
    api: FakeBotAPI, polling, sleeps: Sleeps
) -> None:
    fien = polling_resident(api, polling, 27)
    api.fail_network(times=2, method="sendMessage")
    texts = await fien.send("/start DEMO")
    assert any("Welkom bij" in text for text in texts)
    assert sleeps[:2] == [0.5, 1.0]


async def test_polling_survives_a_broken_connection_and_server_errors(
    api: FakeBotAPI, polling
) -> None:
    api.fail_network(times=2, method="getUpdates")
    api.script_error("getUpdates", 502, times=2)
    fien = polling_resident(api, polling, 28)
    await asyncio.sleep(0.05)
    texts = await fien.send("/start DEMO")
    assert any("Welkom bij" in text for text in texts)


async def test_a_403_marks_the_resident_blocked_until_they_write_again(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    gijs = polling_resident(api, polling, 29)
    await join(gijs)
    api.script_error("sendMessage", 403, chat_id=29)
    await gijs.send("/help")
    assert await statuses(demo) == ["blocked"]
    await gijs.send("hallo")
    assert await statuses(demo) == ["active"]


async def test_blocking_and_unblocking_the_bot_changes_the_status(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    gijs = polling_resident(api, polling, 30)
    await join(gijs)
    api.push_update(TOKEN, api.my_chat_member_update(30, "kicked", token=TOKEN))
    await settle(polling, api)
    assert await statuses(demo) == ["blocked"]
    api.push_update(TOKEN, api.my_chat_member_update(30, "member", token=TOKEN))
    await settle(polling, api)
    assert await statuses(demo) == ["active"]


async def test_a_resident_who_sent_stop_stays_stopped_until_start(
    demo: Container, api: FakeBotAPI, polling
) -> None:
    gijs = polling_resident(api, polling, 31)
    await join(gijs)
    await gijs.send("/stop")
    api.push_update(TOKEN, api.my_chat_member_update(31, "kicked", token=TOKEN))
    api.push_update(TOKEN, api.my_chat_member_update(31, "member", token=TOKEN))
    await settle(polling, api)
    await gijs.send("hallo")
    assert await statuses(demo) == ["stopped"]
    await gijs.send("/start DEMO")
    assert await statuses(demo) == ["active"]
