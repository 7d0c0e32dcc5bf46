"""``inspraak serve``'s app (``build_app``): Telegram polling, and beside it the scheduler and
the outbox sender, or (``serve --no-scheduler``) neither. Real clock: the round opens 300 ms on.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from config.settings import Settings
from core.domain import model
from inspraak.bootstrap import Container
from inspraak.server import build_app
from tests.channels.telegram.conftest import TOKEN
from tests.channels.telegram.serving import bootstrapped
from tests.fakes.telegram_api import FakeBotAPI
from tests.integration.outbox_support import make_project, outbox_rows, round_id, subscribe

ROUND = """
[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat moet er beter in de buurt?"
opens_at = "{opens_at}"
"""


def _now() -> datetime:
    return datetime.now(UTC)


async def _scheduled_round(container: Container) -> int:
    """A project whose round opens 300 ms from now, with one resident on Telegram (chat 1000)."""
    opens_at = (_now() + timedelta(milliseconds=300)).isoformat()
    project_id = await make_project(
        container, ROUND.format(opens_at=opens_at), quiet_hours='["00:00", "00:00"]'
    )
    await subscribe(container, project_id, 1)
    return await round_id(container, "ideeen")


async def _state(container: Container, round_id: int) -> model.RoundState:
    async with container.uow() as uow:
        rnd = await uow.projects.round(round_id)
    assert rnd is not None
    return rnd.state


@pytest.mark.parametrize("scheduler", [True, False], ids=["serve", "no-scheduler"])
async def test_serve_runs_the_scheduler_and_the_sender_beside_telegram_polling(
    settings: Settings, scheduler: bool
) -> None:
    async with (
        FakeBotAPI(bots={TOKEN: "inspraak_test_bot"}) as api,
        bootstrapped(settings, api, _now) as container,
    ):
        ideas = await _scheduled_round(container)
        app = build_app(container, scheduler=scheduler)
        async with app.router.lifespan_context(app):
            api.push_update(TOKEN, api.command(2000, "/start DEMO"))  # polling either way:
            await api.wait_for("sendMessage", chat_id=2000, count=1, timeout=5)  # a welcome
            if scheduler:
                await api.wait_for("sendMessage", chat_id=1000, count=1, timeout=5)
            else:
                await asyncio.sleep(0.6)
            state = await _state(container, ideas)
            prompts = api.sent_messages(1000, token=TOKEN)
        rows = await outbox_rows(container)
    if scheduler:
        assert state == model.RoundState.OPEN
        assert [r["status"] for r in rows] == ["sent"]
        assert len(prompts) == 1
        assert prompts[0]["reply_markup"]["inline_keyboard"][0][0] == {
            "text": "Doe mee",
            "callback_data": f"go:TEST:{ideas}",
        }
    else:
        assert state == model.RoundState.SCHEDULED
        assert prompts == [] and rows == []
