"""Tests of the fake Telegram Bot API, driven by a real aiogram ``Bot``."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.fakes.telegram_api import FakeBotAPI

TOKEN = "123456:TEST-token_A"
OTHER_TOKEN = "654321:other-TOKEN"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(bots={TOKEN: "inspraak_test_bot"}) as fake:
        yield fake


@contextlib.asynccontextmanager
async def make_bot(api: FakeBotAPI, token: str = TOKEN) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    bot = Bot(token, session=session)
    try:
        yield bot
    finally:
        await bot.session.close()


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with make_bot(api) as real_bot:
        yield real_bot


def keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Eens", callback_data="vote:yes"),
                InlineKeyboardButton(text="Oneens", callback_data="vote:no"),
            ]
        ]
    )


async def test_get_me_returns_the_configured_username(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "inspraak_test_bot"
    assert api.calls("getMe")[0].token == TOKEN


async def test_an_unconfigured_token_gets_a_username_derived_from_it(api: FakeBotAPI) -> None:
    async with make_bot(api, OTHER_TOKEN) as other:
        me = await other.get_me()
    assert me.username == "fake_654321_bot"


async def test_send_message_with_inline_keyboard_is_recorded_and_decoded(
    api: FakeBotAPI, bot: Bot
) -> None:
    first = await bot.send_message(42, "Wat vindt u van het plan?", reply_markup=keyboard())
    second = await bot.send_message(42, "Nog een vraag")
    assert second.message_id == first.message_id + 1
    assert first.chat.id == 42
    assert first.reply_markup is not None
    assert first.reply_markup.inline_keyboard[0][0].callback_data == "vote:yes"

    call = api.calls("sendMessage", chat_id=42)[0]
    assert call.params["chat_id"] == 42
    assert call.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "vote:no"
    assert api.sent_texts(42) == ["Wat vindt u van het plan?", "Nog een vraag"]


async def test_html_formatting_is_stripped_from_the_stored_text(api: FakeBotAPI, bot: Bot) -> None:
    message = await bot.send_message(42, "<b>Welkom</b> &amp; dank", parse_mode="HTML")
    assert message.text == "Welkom & dank"
    assert api.calls("sendMessage")[0].params["text"] == "<b>Welkom</b> &amp; dank"


async def test_edits_change_the_stored_message_and_identical_edits_are_rejected(
    api: FakeBotAPI, bot: Bot
) -> None:
    sent = await bot.send_message(42, "Stem nu", reply_markup=keyboard())
    edited = await bot.edit_message_text(
        "Bedankt voor uw stem", chat_id=42, message_id=sent.message_id
    )
    assert isinstance(edited, Message)
    assert edited.text == "Bedankt voor uw stem"
    assert edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Bedankt voor uw stem", chat_id=42, message_id=sent.message_id)
    with_markup = await bot.edit_message_reply_markup(
        chat_id=42, message_id=sent.message_id, reply_markup=keyboard()
    )
    assert isinstance(with_markup, Message)
    assert api.message(42, sent.message_id)["reply_markup"]["inline_keyboard"]
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=999)


async def test_callback_queries_can_be_answered_once(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(42, "Stem nu", reply_markup=keyboard())
    update = api.callback_update(42, "vote:yes")
    query = update["callback_query"]
    assert query["message"]["message_id"] == sent.message_id
    assert query["message"]["reply_markup"]["inline_keyboard"]

    assert await bot.answer_callback_query(query["id"], text="Dank!")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query["id"])


async def test_a_scripted_429_surfaces_as_retry_after(api: FakeBotAPI, bot: Bot) -> None:
    api.script_error("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(42, "Hallo")
    assert caught.value.retry_after == 7
    assert "retry after 7" in caught.value.message
    assert (await bot.send_message(42, "Hallo")).text == "Hallo"
    assert api.stats.too_many_requests == 1


async def test_a_scripted_403_surfaces_as_forbidden_only_for_that_chat(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.script_error("sendMessage", 403, chat_id=7, times=2)
    await bot.send_message(8, "ok")
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(7, "Hallo")
    await bot.send_message(7, "weer ok")


async def test_a_resident_blocking_the_bot_makes_sends_fail(api: FakeBotAPI, bot: Bot) -> None:
    api.push_update(TOKEN, api.my_chat_member_update(7, "kicked"))
    assert api.is_blocked(7)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(7, "Hallo")
    api.push_update(TOKEN, api.my_chat_member_update(7, "member"))
    await bot.send_message(7, "Hallo")


async def test_a_dropped_connection_surfaces_as_network_error(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_network(times=1)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(42, "Hallo")
    assert (await bot.send_message(42, "Hallo")).text == "Hallo"
    assert api.stats.dropped_connections == 1


async def test_unknown_methods_answer_404_like_telegram(api: FakeBotAPI) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{api.base_url}/bot{TOKEN}/frobnicate") as response,
    ):
        assert response.status == 404
        assert await response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }


async def test_json_and_query_string_bodies_are_understood(api: FakeBotAPI) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}/bot{TOKEN}/sendMessage"
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        async with http.post(url, json={"chat_id": 5, "text": "json", "reply_markup": markup}):
            pass
        async with http.get(url, params={"chat_id": "5", "text": "123"}) as response:
            body = await response.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "123"
    assert [c.params["text"] for c in api.calls("sendMessage", chat_id=5)] == ["json", "123"]
    assert api.sent_messages(5)[0]["reply_markup"] == markup


async def test_multipart_uploads_are_parsed_with_the_file_attached(
    api: FakeBotAPI, bot: Bot
) -> None:
    image = b"\x89PNG fake image"
    photo = BufferedInputFile(image, filename="kaart.png")
    message = await bot.send_photo(42, photo, caption="De nieuwe kaart", reply_markup=keyboard())
    assert message.photo
    assert message.caption == "De nieuwe kaart"
    params = api.calls("sendPhoto")[0].params
    assert params["photo"] == {"filename": "kaart.png", "size": len(image), "data": image}
    assert params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Eens"


async def test_get_updates_is_refused_while_a_webhook_is_set(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_webhook("https://example.test/tg")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates(timeout=0)


async def test_commands_and_webhooks_are_stored(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Beginnen")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert await bot.set_webhook("https://example.test/tg", secret_token="s3cret")
    info = await bot.get_webhook_info()
    assert info.url == "https://example.test/tg"
    webhook = api.webhook(TOKEN)
    assert webhook is not None
    assert webhook["secret_token"] == "s3cret"
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.send_chat_action(42, "typing")


async def test_get_updates_confirms_below_offset_and_long_polls(api: FakeBotAPI, bot: Bot) -> None:
    first = api.push_update(TOKEN, api.message_update(7, "hallo"))
    api.push_update(TOKEN, api.message_update(7, "nog iets"))
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["hallo", "nog iets"]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == []
    assert first["update_id"] == updates[0].update_id

    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(offset=updates[-1].update_id + 1, timeout=5))
    await asyncio.sleep(0.05)
    api.push_update(TOKEN, api.command(7, "/start DEMO"))
    (update,) = await poll
    assert time.monotonic() - started < 2
    assert update.message is not None
    assert update.message.entities is not None
    assert update.message.entities[0].type == "bot_command"


async def test_allowed_updates_filter_what_get_updates_returns(api: FakeBotAPI, bot: Bot) -> None:
    api.push_update(TOKEN, api.message_update(7, "tekst"))
    api.push_update(TOKEN, api.my_chat_member_update(7, "kicked"))
    updates = await bot.get_updates(timeout=0, allowed_updates=["my_chat_member"])
    assert [u.my_chat_member is not None for u in updates] == [True]


async def test_the_per_chat_rate_limit_answers_429_with_retry_after() -> None:
    async with FakeBotAPI(per_chat_rate=1) as api, make_bot(api) as bot:
        await bot.send_message(1, "een")
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(1, "twee")
        assert caught.value.retry_after >= 1
        await bot.send_message(2, "ander gesprek")
        assert api.stats.rate_limited_chat == 1


async def test_the_per_bot_rate_limit_is_lifted_by_paid_broadcast() -> None:
    async with FakeBotAPI(per_bot_rate=30, per_chat_rate=1) as api, make_bot(api) as bot:
        results = await asyncio.gather(
            *(bot.send_message(chat, "bericht") for chat in range(1, 41)),
            return_exceptions=True,
        )
        limited = [r for r in results if isinstance(r, TelegramRetryAfter)]
        # 30 pass in the first second; on a very slow machine the window may slide.
        assert 1 <= len(limited) <= 10
        assert api.stats.rate_limited_bot == len(limited)
        paid = await asyncio.gather(
            *(
                bot.send_message(chat, "betaald", allow_paid_broadcast=True)
                for chat in range(100, 150)
            )
        )
        assert len(paid) == 50
        assert api.stats.too_many_requests == len(limited)


async def test_dispatcher_polling_receives_a_pushed_update_and_replies(
    api: FakeBotAPI,
) -> None:
    dispatcher = Dispatcher()
    pressed: list[str] = []

    @dispatcher.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        await message.answer(f"Welkom bij {command.args}!", reply_markup=keyboard())

    @dispatcher.callback_query()
    async def vote(query: CallbackQuery) -> None:
        pressed.append(query.data or "")
        await query.answer("Dank!")

    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    bot = Bot(TOKEN, session=session)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=5)
    )
    try:
        api.push_update(TOKEN, api.command(7, "/start DEMO"))
        (reply,) = await api.wait_for("sendMessage", chat_id=7, timeout=5)
        assert reply.result["text"] == "Welkom bij DEMO!"
        api.push_update(TOKEN, api.callback_update(7, "vote:yes"))
        (answer,) = await api.wait_for("answerCallbackQuery", ok=True, timeout=5)
        assert answer.params["text"] == "Dank!"
        assert pressed == ["vote:yes"]
        polls = api.calls("getUpdates")
        assert set(polls[0].params["allowed_updates"]) == {"message", "callback_query"}
    finally:
        await dispatcher.stop_polling()
        await polling
    assert bot.session._session is None or bot.session._session.closed  # type: ignore[attr-defined]


async def test_deliver_webhook_posts_the_update_with_the_secret_header(
    api: FakeBotAPI,
) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def handler(request: aiohttp.web.Request) -> aiohttp.web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return aiohttp.web.json_response({})

    app = aiohttp.web.Application()
    app.router.add_post("/webhook", handler)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        status = await api.deliver_webhook(
            f"http://127.0.0.1:{port}/webhook", api.message_update(7, "hoi"), "geheim"
        )
    finally:
        await runner.cleanup()
    assert status == 200
    secret, update = received[0]
    assert secret == "geheim"
    assert update["update_id"] == 1
    assert update["message"]["text"] == "hoi"


async def test_wait_for_times_out_with_a_helpful_message(api: FakeBotAPI) -> None:
    with pytest.raises(TimeoutError, match="sendMessage"):
        await api.wait_for("sendMessage", timeout=0.05)
