"""The WhatsApp channel: webhook in → ``Conversations`` → replies out over the Cloud API.

The composition root registers one ``WhatsAppChannel`` as ``channels["whatsapp"]`` and its
``handle_webhook`` as the ``whatsapp`` webhook; the web app forwards ``/webhook/whatsapp`` to it
without knowing what it is.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import quote

from bots.whatsapp import webhook as webhooks
from bots.whatsapp.client import GraphClient, GraphError, GraphNetworkError
from bots.whatsapp.render import render, text_payload
from bots.whatsapp.sender import CHANNEL, REENGAGEMENT, WhatsAppSender
from core.channels import WebhookHandler, WebhookResult
from core.i18n import gettext_for
from core.outbox.ports import OutboundMessage, Receipt, SendOutcome
from core.outbox.receipts import apply_receipt
from core.services.conversation import Conversations
from core.storage.uow import Clock

log = logging.getLogger(__name__)

# Kinds nobody needs an answer to: reactions, Meta's system notices, deleted messages.
SILENT_KINDS = {"reaction", "system", "unsupported", "ephemeral", "request_welcome", ""}

RECEIPTS = {
    "sent": Receipt.ACCEPTED,
    "delivered": Receipt.DELIVERED,
    "read": Receipt.READ,
    "failed": Receipt.FAILED,
}


class WhatsAppChannel:
    """Translates webhooks into ``Incoming``, renders ``Reply``, pushes through the sender."""

    channel = CHANNEL

    def __init__(
        self,
        conversations: Conversations,
        client: GraphClient,
        *,
        phone_number_id: str,
        app_secret: str,
        verify_token: str,
        number: str,
        clock: Clock,
        rate: float = 80.0,
    ) -> None:
        self.conversations = conversations
        self.client = client
        self.phone_number_id = phone_number_id
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.number = "".join(ch for ch in number if ch.isdigit())
        self.clock = clock
        self.uow_factory = conversations.bus.uow_factory
        self.sender = WhatsAppSender(
            client, self.uow_factory, conversations.pseudonym, clock, rate=rate
        )

    # -- joining ----------------------------------------------------------------------------
    def join_link(self, code: str, payload: str | None = None) -> str | None:
        """``https://wa.me/<number>?text=START%20CODE``: opens a chat with the text typed in
        (``START PAYLOAD`` with a payload)."""
        if not self.number:
            return None
        return f"https://wa.me/{self.number}?text={quote(f'START {payload or code}', safe='')}"

    # -- pushing (core.outbox.ports.ChannelSender) ------------------------------------------------
    @property
    def rate(self) -> float:
        return self.sender.rate

    async def send(
        self, address: str, message: OutboundMessage, *, bot_id: int | None = None
    ) -> SendOutcome:
        return await self.sender.send(address, message, bot_id=bot_id)

    # -- the webhook ------------------------------------------------------------------------
    @property
    def webhook(self) -> WebhookHandler:
        return self.handle_webhook

    async def handle_webhook(
        self,
        method: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
    ) -> WebhookResult:
        """Answer Meta's handshake (GET) or handle a signed notification (POST)."""
        if method.upper() == "GET":
            challenge = webhooks.verification_challenge(query, self.verify_token)
            if challenge is None:
                return 403, "verification failed", "text/plain"
            return 200, challenge, "text/plain"
        if method.upper() != "POST":
            return 405, "method not allowed", "text/plain"
        signature = _header(headers, webhooks.SIGNATURE_HEADER)
        if not webhooks.signature_valid(body, signature, self.app_secret):
            log.warning("rejected a WhatsApp webhook with a bad or missing signature")
            return 403, "invalid signature", "text/plain"
        for event in webhooks.parse(body, self.phone_number_id):
            if isinstance(event, webhooks.Receipt):
                await self._receipt(event)
            else:
                await self._receive(event)
        return 200, "ok", "text/plain"

    async def _receive(self, message: webhooks.InboundMessage) -> None:
        if message.incoming is None:
            if message.kind not in SILENT_KINDS:
                _ = gettext_for("nl").gettext
                text = _("I can only read text messages and buttons. Send HELP for help.")
                await self._deliver([text_payload(message.wa_id, text)])
            return
        outcome = await self.conversations.handle(
            CHANNEL,
            message.wa_id,
            message.incoming,
            address=message.wa_id,
            dedupe_key=message.wamid,
        )
        if outcome.duplicate:
            return
        sent_at = message.sent_at or self.clock()
        async with self.uow_factory() as uow:
            pseudonym = self.conversations.pseudonym(CHANNEL, message.wa_id)
            await uow.contacts.record_inbound(pseudonym, min(sent_at, self.clock()))
            await uow.commit()
        await self._deliver(render(message.wa_id, outcome.replies, outcome.language))

    async def _deliver(self, payloads: list[dict[str, object]]) -> None:
        """Send direct replies; the answer is stored already, so a failure is only logged."""
        for payload in payloads:
            try:
                await self.client.send(payload)
            except (GraphError, GraphNetworkError) as error:
                log.warning("could not send a WhatsApp reply: %s", error)
                return

    async def _receipt(self, receipt: webhooks.Receipt) -> None:
        """A delivery receipt: a failure fails the outbox row, except a late 131047 (Meta's
        window closed after all), which sends the message again, as the template."""
        meaning = RECEIPTS.get(receipt.status)
        error = receipt.error
        if meaning == Receipt.FAILED and receipt.error_code == REENGAGEMENT:
            meaning = Receipt.WINDOW_CLOSED
            error = error or f"{REENGAGEMENT}: re-engagement required"
        if meaning is None:
            return
        async with self.uow_factory() as uow:
            if await apply_receipt(uow, receipt.wamid, meaning, error):
                await uow.commit()

    async def close(self) -> None:
        await self.client.close()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    for key, found in headers.items():
        if key.lower() == name:
            return found
    return None
