"""Generated Telegram updates, each delivered twice: answered with 200, stored at most once."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from inspraak.bootstrap import Container
from tests.channels.telegram.conftest import TOKEN, WEBHOOK_SECRET, WebApp, webhook_resident
from tests.fakes.telegram_api import FakeBotAPI
from tests.properties.strategies import FAST_IO, button_data, typed
from tests.properties.test_stored_once import stored

_users = itertools.count(1000)
_updates = itertools.count(50_000)

# An idea typed at the ideas question, or any message, button or command at all.
kinds = st.sampled_from(["text", "choice", "command"])


@FAST_IO
@given(kind=kinds, text=typed, data=button_data)
async def test_the_same_telegram_update_twice_is_handled_once(
    demo: Container, api: FakeBotAPI, webapp: WebApp, kind: str, text: str, data: str
):
    user = next(_users)
    resident = webhook_resident(api, webapp, user)
    await resident.send("/start DEMO")
    await resident.press("Ja, ik doe mee")
    await resident.press("Overslaan")
    await resident.press("Overslaan")
    update_id = next(_updates)
    update: dict[str, Any]
    if kind == "text":
        update = api.message_update(user, text or "x", token=TOKEN, update_id=update_id)
    elif kind == "choice":
        update = api.callback_update(user, data[:64], token=TOKEN, update_id=update_id)
    else:
        command = "/" + (text.split() or ["x"])[0][:30]
        update = api.message_update(user, command, token=TOKEN, update_id=update_id)
    url = f"{webapp.base_url}/webhook/telegram"
    assert await api.deliver_webhook(url, update, WEBHOOK_SECRET, token=TOKEN) == 200
    first = await stored(demo)
    assert await api.deliver_webhook(url, update, WEBHOOK_SECRET, token=TOKEN) == 200
    assert await stored(demo) == first
