"""The ``ChannelSender`` the outbox calls: one try, and an outcome it can act on."""

from __future__ import annotations

from core.messages import Option, Reply
from core.outbox.ports import OutboundMessage, SendStatus
from inspraak.bootstrap import Container
from tests.channels.telegram.conftest import TOKEN

MESSAGE = OutboundMessage(
    (Reply("Ronde 2 is open!", (Option("Doe mee", "join:DEMO"),)),), kind="prompt"
)


async def test_a_message_is_sent_through_the_default_bot(api, polling) -> None:
    outcome = await polling.sender.send("51", MESSAGE)
    assert outcome.status == SendStatus.SENT
    (sent,) = api.sent_messages(51, token=TOKEN)
    assert outcome.provider_id == str(sent["message_id"])
    assert sent["reply_markup"]["inline_keyboard"] == [
        [{"text": "Doe mee", "callback_data": "join:DEMO"}]
    ]


async def test_telegram_errors_become_outcomes(api, polling) -> None:
    sender = polling.sender
    api.script_error("sendMessage", 429, retry_after=11)
    limited = await sender.send("52", MESSAGE)
    assert (limited.status, limited.retry_after) == (SendStatus.RATE_LIMITED, 11)
    api.script_error("sendMessage", 403)
    assert (await sender.send("52", MESSAGE)).status == SendStatus.BLOCKED
    api.script_error("sendMessage", 400, "Bad Request: chat not found")
    failed = await sender.send("52", MESSAGE)
    assert (failed.status, failed.error) == (SendStatus.FAILED, "Bad Request: chat not found")
    api.script_error("sendMessage", 502)
    assert (await sender.send("52", MESSAGE)).status == SendStatus.RETRY
    api.fail_network(method="sendMessage")
    assert (await sender.send("52", MESSAGE)).status == SendStatus.RETRY
    assert (await sender.send("52", MESSAGE, bot_id=999)).status == SendStatus.FAILED
    assert not api.sent_messages(52)


async def test_the_landing_page_shows_the_telegram_link(demo: Container, polling) -> None:
    from httpx import ASGITransport, AsyncClient

    from web.app import create_app

    app = create_app(demo)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
        page = (await http.get("/")).text
    assert "https://t.me/inspraak_test_bot?start=DEMO" in page


async def test_paid_broadcasts_carry_allow_paid_broadcast(api, polling) -> None:
    """``INSPRAAK_TELEGRAM_PAID_BROADCAST``: what lets the outbox send up to 1,000/s per bot."""
    assert (await polling.sender.send("53", MESSAGE)).status == SendStatus.SENT
    polling.sender.paid_broadcast = True
    assert (await polling.sender.send("54", MESSAGE)).status == SendStatus.SENT
    free, paid = (api.calls("sendMessage", chat_id=chat)[0].params for chat in (53, 54))
    assert "allow_paid_broadcast" not in free
    assert paid["allow_paid_broadcast"] is True


def test_the_setting_reaches_the_sender(settings) -> None:
    from bots.telegram.channel import TelegramChannel

    settings.telegram_paid_broadcast = True
    channel = TelegramChannel.from_settings(settings, None, "k" * 40)  # type: ignore[arg-type]
    assert channel.sender.paid_broadcast is True
