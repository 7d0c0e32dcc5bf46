"""A running inspraak (uvicorn on 127.0.0.1) wired to a fake Graph API on loopback.

Both share one clock: the container's datetime clock (``TestClock``) drives the fake's epoch
seconds, so moving it by 25 hours closes the 24-hour window on both sides.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from pydantic import SecretStr

from bots.whatsapp.render import BUTTON_TITLE, ROW_TITLE, ellipsis
from config.settings import Settings
from core.storage.db import create_all
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty, webhook_handlers
from tests.factories import TestClock
from tests.fakes.whatsapp_api import FakeGraphAPI
from web.app import create_app

APP_SECRET = "meta-app-secret"
VERIFY_TOKEN = "verify-me"
TOKEN = "graph-token"
PHONE_NUMBER_ID = "106540352242922"
TEMPLATES = {"inspraak_ronde": ["nl"], "inspraak_herinnering": ["nl"]}


@pytest.fixture
async def graph(clock: TestClock) -> AsyncIterator[FakeGraphAPI]:
    async with FakeGraphAPI(
        phone_number_id=PHONE_NUMBER_ID,
        token=TOKEN,
        clock=lambda: clock().timestamp(),
        templates=TEMPLATES,
    ) as fake:
        yield fake


@pytest.fixture
def wa_settings(settings: Settings, graph: FakeGraphAPI) -> Settings:
    return settings.model_copy(
        update={
            "whatsapp_token": SecretStr(TOKEN),
            "whatsapp_phone_number_id": PHONE_NUMBER_ID,
            "whatsapp_app_secret": SecretStr(APP_SECRET),
            "whatsapp_verify_token": SecretStr(VERIFY_TOKEN),
            "whatsapp_api_base": f"{graph.base_url}/v21.0",
            "whatsapp_number": "+31 20 123 4567",
        }
    )


@pytest.fixture
async def wa(wa_settings: Settings, clock: TestClock) -> AsyncIterator[Container]:
    """A container with the WhatsApp channel and the DEMO project."""
    if wa_settings.database_url.startswith("postgresql"):
        from tests.conftest import _reset_postgres

        await _reset_postgres(wa_settings.database_url)
    container = bootstrap(wa_settings, clock=clock)
    await create_all(container.engine)
    assert await load_demo_if_empty(container) == "DEMO"
    try:
        yield container
    finally:
        await container.close()


@pytest.fixture
async def server(wa: Container) -> AsyncIterator[str]:
    """Serve the real app on a free loopback port; yields its base URL."""
    app = create_app(wa)
    app.state.webhooks.update(webhook_handlers(wa))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on")
    uv = uvicorn.Server(config)
    task = asyncio.create_task(uv.serve(sockets=[sock]))
    while not uv.started:
        await asyncio.sleep(0.005)
        if task.done():
            task.result()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        await task
        sock.close()


class WhatsAppResident:
    """A resident in WhatsApp: types, taps buttons and list rows, reads what arrived."""

    def __init__(self, graph: FakeGraphAPI, base_url: str, wa_id: str) -> None:
        self.graph = graph
        self.url = f"{base_url}/webhook/whatsapp"
        self.wa_id = wa_id
        self.mark = 0

    async def deliver(self, payload: dict[str, Any], **kwargs: Any) -> int:
        self.mark = len(self.graph.sent(self.wa_id))
        return await self.graph.deliver_webhook(self.url, payload, APP_SECRET, **kwargs)

    async def _post(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        status = await self.deliver(payload)
        assert status == 200
        return self.received

    async def say(self, text: str, message_id: str | None = None) -> list[dict[str, Any]]:
        return await self._post(self.graph.text_webhook(self.wa_id, text, message_id=message_id))

    @property
    def received(self) -> list[dict[str, Any]]:
        """Messages that arrived since the resident last wrote."""
        return self.graph.sent(self.wa_id)[self.mark :]

    def texts(self) -> str:
        """The text of every message that arrived since the resident last wrote."""
        found = []
        for payload in self.received:
            if payload["type"] == "text":
                found.append(payload["text"]["body"])
            elif payload["type"] == "interactive":
                found.append(payload["interactive"]["body"]["text"])
        return "\n---\n".join(found)

    @property
    def question(self) -> dict[str, Any]:
        """The latest message that asks something (buttons, a list or numbered text)."""
        return self.graph.sent(self.wa_id)[-1]

    async def press(self, label: str) -> list[dict[str, Any]]:
        """Tap the button or list row labelled ``label``; type what is not on a button."""
        message = self.question
        if message["type"] == "interactive":
            interactive = message["interactive"]
            if interactive["type"] == "button":
                for button in interactive["action"]["buttons"]:
                    if button["reply"]["title"] == ellipsis(label, BUTTON_TITLE):
                        reply = button["reply"]
                        return await self._post(
                            self.graph.button_reply_webhook(
                                self.wa_id, reply["id"], reply["title"]
                            )
                        )
            else:
                for row in interactive["action"]["sections"][0]["rows"]:
                    if row["title"] == ellipsis(label, ROW_TITLE):
                        return await self._post(
                            self.graph.list_reply_webhook(self.wa_id, row["id"], row["title"])
                        )
            return await self.say(label.upper())
        for line in message["text"]["body"].splitlines():
            number, _, text = line.partition(". ")
            if number.isdigit() and text == label:
                return await self.say(number)
        raise AssertionError(f"no option {label!r} in {message}")
