"""The channel's aiogram session: calls go out as JSON; uploads keep aiogram's multipart form."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bots.telegram.session import JsonSession
from tests.channels.telegram.conftest import TOKEN
from tests.fakes.telegram_api import FakeBotAPI


def make_bot(api: FakeBotAPI) -> Bot:
    session = JsonSession(api=TelegramAPIServer.from_base(api.base_url))
    return Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))


async def test_a_call_is_sent_as_json_with_defaults_and_keyboard(api: FakeBotAPI) -> None:
    bot = make_bot(api)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Eens", callback_data="st:1:2:a")]]
    )
    try:
        message = await bot.send_message(61, "<b>Stelling</b> één", reply_markup=keyboard)
    finally:
        await bot.session.close()
    (call,) = api.calls("sendMessage")
    assert call.content_type == "application/json"
    assert call.params["parse_mode"] == "HTML"  # the bot's default, resolved
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Eens", "callback_data": "st:1:2:a"}]]
    }
    assert message.text == "Stelling één" and message.chat.id == 61


async def test_an_upload_keeps_the_multipart_form(api: FakeBotAPI) -> None:
    bot = make_bot(api)
    try:
        await bot.send_document(62, BufferedInputFile(b"a,b\n1,2\n", filename="uitslag.csv"))
    finally:
        await bot.session.close()
    (call,) = api.calls("sendDocument")
    assert call.content_type == "multipart/form-data"
    assert call.params["document"]["filename"] == "uitslag.csv"


async def test_errors_are_aiograms_own(api: FakeBotAPI) -> None:
    bot = make_bot(api)
    api.script_error("sendMessage", 429, retry_after=7)
    api.fail_network(method="sendMessage")
    try:
        with pytest.raises(TelegramRetryAfter) as limited:
            await bot.send_message(63, "hallo")
        with pytest.raises(TelegramNetworkError):
            await bot.send_message(63, "hallo")
    finally:
        await bot.session.close()
    assert limited.value.retry_after == 7
