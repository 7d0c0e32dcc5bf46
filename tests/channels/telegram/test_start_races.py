"""Start-up of the channel when the database fails for a moment (several workers starting at
once): the channel tries again and becomes ready, rather than answering 503 for good."""

from __future__ import annotations

from typing import Any

import pytest

from bots.telegram.registry import RegisterDefaultBot
from inspraak.bootstrap import Container
from tests.channels.telegram.conftest import Sleeps, make_channel
from tests.fakes.telegram_api import FakeBotAPI


async def test_the_channel_is_ready_after_recording_its_bot_failed_once(
    demo: Container, api: FakeBotAPI, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = demo.bus.handle
    tries: list[Any] = []

    async def failing_once(command: Any) -> Any:
        if isinstance(command, RegisterDefaultBot):
            tries.append(command)
            if len(tries) == 1:
                raise RuntimeError("duplicate key value violates unique constraint")
        return await handle(command)

    monkeypatch.setattr(demo.bus, "handle", failing_once)
    channel = make_channel(demo, api, sleeps, mode="webhook")
    await channel.start()
    try:
        await channel.wait_ready(5)
    finally:
        await channel.stop()
    assert len(tries) == 2
    assert 1.0 in sleeps
