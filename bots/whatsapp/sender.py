"""``ChannelSender`` for WhatsApp: pushed messages, the 24-hour window and Graph's error codes.

Within 24 hours of the resident's last message we send free-form messages (buttons, lists);
outside it only an approved template may go, so we send ``message.template`` or report
``WINDOW_CLOSED``. Meta is the judge of the window: when it answers 131047 (re-engagement
required) we fall back to the template as well, and never retry the free-form message blindly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bots.whatsapp.client import GraphClient, GraphError, GraphNetworkError
from bots.whatsapp.render import render, template_payload
from core.outbox.ports import OutboundMessage, SendOutcome, SendStatus
from core.storage.uow import Clock, UnitOfWork

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
WINDOW = timedelta(hours=24)

REENGAGEMENT = 131047
# Throughput (130429), pair rate (131056), app call limits (4, 80007), spam rate limit (131048).
RATE_LIMITED = {130429: 1.0, 131056: 6.0, 4: 60.0, 80007: 60.0, 131048: 60.0}
# The number cannot receive from us: not on WhatsApp or old terms (131026), opted out of
# marketing (131050), blocked or restricted recipients (131045, 131021, 131031).
BLOCKED = {131026, 131050, 131045, 131021, 131031}
TRANSIENT = {1, 2, 131000, 133004}


def classify(error: GraphError) -> SendOutcome:
    """Turn a Graph error into what the outbox should do next."""
    reason = f"{error.code}: {error.message}"[:500]
    if error.code == REENGAGEMENT:
        return SendOutcome(SendStatus.WINDOW_CLOSED, error=reason)
    if error.code in RATE_LIMITED:
        return SendOutcome(SendStatus.RATE_LIMITED, retry_after=RATE_LIMITED[error.code])
    if error.code in BLOCKED:
        return SendOutcome(SendStatus.BLOCKED, error=reason)
    if error.http_status >= 500 or error.transient or error.code in TRANSIENT:
        return SendOutcome(SendStatus.RETRY, error=reason)
    if error.http_status == 429:
        return SendOutcome(SendStatus.RATE_LIMITED, retry_after=1.0)
    return SendOutcome(SendStatus.FAILED, error=reason)


class WhatsAppSender:
    """Pushes round prompts, reminders and results to one business number."""

    channel = CHANNEL

    def __init__(
        self,
        client: GraphClient,
        uow_factory: Callable[[], UnitOfWork],
        pseudonym: Callable[[str, str], str],
        clock: Clock,
        rate: float = 80.0,
    ) -> None:
        self.client = client
        self.uow_factory = uow_factory
        self.pseudonym = pseudonym
        self.clock = clock
        self.rate = rate  # messages per second the outbox may send through this number

    async def window_open(self, address: str) -> bool:
        """Whether the resident wrote to us in the last 24 hours (by our own records)."""
        async with self.uow_factory() as uow:
            last = await uow.contacts.last_inbound(self.pseudonym(CHANNEL, address))
        return is_within(last, self.clock())

    async def send(
        self, address: str, message: OutboundMessage, *, bot_id: int | None = None
    ) -> SendOutcome:
        """Send free-form within the window, else the template, else report WINDOW_CLOSED.

        A message without free-form replies (the outbox's retry after Meta closed the window)
        is its template, whatever our records say of the window.
        """
        if not message.replies and message.template is None:
            return SendOutcome(SendStatus.FAILED, error="nothing to send")
        if message.replies and await self.window_open(address):
            language = str(message.extra.get("language") or "nl")
            outcome = await self._send_all(render(address, message.replies, language))
            if outcome.status != SendStatus.WINDOW_CLOSED or message.template is None:
                return outcome  # with no template, keep Meta's reason for the outbox row
            log.info("window closed by Meta's clock for a resident; trying the template")
        if message.template is None:
            return SendOutcome(SendStatus.WINDOW_CLOSED, error="no template for a closed window")
        return await self._send_all([template_payload(address, message.template)])

    async def _send_all(self, payloads: list[dict[str, object]]) -> SendOutcome:
        provider_id = None
        for payload in payloads:
            try:
                wamid = await self.client.send(payload)
            except GraphError as error:
                return classify(error)
            except GraphNetworkError as error:
                return SendOutcome(SendStatus.RETRY, error=str(error)[:500])
            provider_id = wamid or provider_id  # the last one: the question the resident sees
        return SendOutcome(SendStatus.SENT, provider_id=provider_id)


def is_within(last: datetime | None, now: datetime) -> bool:
    """Whether a message sent at ``last`` keeps the 24-hour window open at ``now``."""
    return last is not None and now - last < WINDOW
