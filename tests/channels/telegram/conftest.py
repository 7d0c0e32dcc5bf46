"""A running Telegram channel against the fake Bot API, in polling or webhook mode."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
from aiogram.utils.backoff import BackoffConfig

from bots.telegram.channel import TelegramChannel
from core.storage import tables as t
from inspraak.bootstrap import Container
from inspraak.server import build_app
from tests.fakes.telegram_api import FakeBotAPI

TOKEN = "4242:TEST-inspraak_token"
USERNAME = "inspraak_test_bot"
WEBHOOK_SECRET = "webhook-secret_0123456789"
FAST_BACKOFF = BackoffConfig(min_delay=0.01, max_delay=0.05, factor=1.5, jitter=0.1)


class Sleeps(list[float]):
    """Records the waits the channel asked for; waits only a moment for real."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.sleep(0.001)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(bots={TOKEN: USERNAME}) as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_channel(
    container: Container, api: FakeBotAPI, sleeps: Sleeps, mode: str = "polling", **kw: Any
) -> TelegramChannel:
    options: dict[str, Any] = {
        "secret_key": container.secret_key,
        "token": TOKEN,
        "api_base": api.base_url,
        "mode": mode,
        "webhook_secret": WEBHOOK_SECRET,
        "public_url": "https://inspraak.test",
        "polling_timeout": 1,
        "backoff": FAST_BACKOFF,
        "sleep": sleeps,
    }
    options.update(kw)
    return TelegramChannel(container.conversations, **options)


async def settle(channel: TelegramChannel, api: FakeBotAPI, token: str = TOKEN) -> None:
    """Wait until every pushed update was fetched and handled."""
    quiet = 0
    for _ in range(1000):
        await asyncio.sleep(0.005)
        busy = api.pending_updates(token) or channel.middleware.in_flight
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:
            return
    raise TimeoutError("the channel did not settle")


@pytest.fixture
async def polling(
    demo: Container, api: FakeBotAPI, sleeps: Sleeps
) -> AsyncIterator[TelegramChannel]:
    channel = make_channel(demo, api, sleeps)
    demo.channels["telegram"] = channel
    await channel.start()
    await channel.wait_ready()
    yield channel
    await channel.stop()


class WebApp:
    """``inspraak serve``'s app (build_app) on a real loopback port, in webhook mode."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.server: uvicorn.Server | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        app = build_app(self.container, scheduler=False)
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve(sockets=[self.sock]))
        for _ in range(500):
            if self.server.started:
                return
            await asyncio.sleep(0.01)
        raise TimeoutError("uvicorn did not start")

    async def stop(self) -> None:
        assert self.server is not None and self.task is not None
        self.server.should_exit = True
        await self.task
        self.sock.close()


@pytest.fixture
async def webapp(demo: Container, api: FakeBotAPI, sleeps: Sleeps) -> AsyncIterator[WebApp]:
    web = WebApp(demo)
    channel = make_channel(demo, api, sleeps, mode="webhook", public_url=web.base_url)
    demo.channels["telegram"] = channel
    demo.settings.telegram_mode = "webhook"
    await web.start()
    await channel.wait_ready()
    for _ in range(200):  # the webhook is set in the background once the bot introduced itself
        if api.webhook(TOKEN):
            break
        await asyncio.sleep(0.01)
    yield web
    await web.stop()


Deliver = Callable[[dict[str, Any]], Awaitable[Any]]


class Resident:
    """A Telegram user: types, taps commands, presses buttons by label, reads what came back."""

    def __init__(self, api: FakeBotAPI, deliver: Deliver, user_id: int, token: str = TOKEN):
        self.api = api
        self.deliver = deliver
        self.user_id = user_id
        self.token = token
        self.seen = 0
        self.presses = 0

    async def send(self, text: str, **kw: Any) -> list[str]:
        if text.startswith("/"):
            update = self.api.command(self.user_id, text, token=self.token, **kw)
        else:
            update = self.api.message_update(self.user_id, text, token=self.token, **kw)
        await self.deliver(update)
        return self.new_texts()

    def button(self, label: str) -> tuple[int, str]:
        """(message_id, data) of the newest message that shows a button ``label``."""
        for sent in reversed(self.api.sent_messages(self.user_id, token=self.token)):
            message = self.api.message(self.user_id, sent["message_id"], token=self.token)
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return sent["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label!r}; last texts: {self.texts()[-3:]}")

    async def press(self, label: str) -> list[str]:
        message_id, data = self.button(label)
        return await self.press_data(data, message_id)

    async def press_data(self, data: str, message_id: int | None = None) -> list[str]:
        update = self.api.callback_update(self.user_id, data, message_id, token=self.token)
        self.presses += 1
        await self.deliver(update)
        return self.new_texts()

    def texts(self) -> list[str]:
        return self.api.sent_texts(self.user_id, token=self.token)

    def new_texts(self) -> list[str]:
        texts = self.texts()
        new, self.seen = texts[self.seen :], len(texts)
        return new

    def last_markup(self) -> list[list[dict[str, str]]]:
        sent = self.api.sent_messages(self.user_id, token=self.token)[-1]
        message = self.api.message(self.user_id, sent["message_id"], token=self.token)
        return (message.get("reply_markup") or {}).get("inline_keyboard", [])


def polling_resident(
    api: FakeBotAPI, channel: TelegramChannel, user_id: int, token: str = TOKEN
) -> Resident:
    async def deliver(update: dict[str, Any]) -> None:
        api.push_update(token, update)
        await settle(channel, api, token)

    return Resident(api, deliver, user_id, token)


def webhook_resident(api: FakeBotAPI, web: WebApp, user_id: int) -> Resident:
    async def deliver(update: dict[str, Any]) -> None:
        status = await api.deliver_webhook(
            f"{web.base_url}/webhook/telegram", update, WEBHOOK_SECRET, token=TOKEN
        )
        assert status == 200

    return Resident(api, deliver, user_id)


async def count(container: Container, table: sa.Table, **where: object) -> int:
    async with container.uow() as uow:
        query = sa.select(sa.func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return int(await uow.conn.scalar(query))


async def statuses(container: Container) -> list[str]:
    async with container.uow() as uow:
        return list(await uow.conn.scalars(sa.select(t.residents.c.status)))
