"""Build the WhatsApp channel from the settings (the composition root calls this)."""

from __future__ import annotations

from typing import Any

from bots.whatsapp.channel import WhatsAppChannel
from bots.whatsapp.client import GraphClient
from core.services.conversation import Conversations
from core.storage.uow import Clock


def build_channel(settings: Any, conversations: Conversations, clock: Clock) -> WhatsAppChannel:
    """Build the channel from ``config.settings.Settings`` (the composition root calls this)."""

    def secret(value: Any) -> str:
        return value.get_secret_value() if value is not None else ""

    client = GraphClient(
        settings.whatsapp_api_base,
        settings.whatsapp_phone_number_id,
        secret(settings.whatsapp_token),
    )
    return WhatsAppChannel(
        conversations,
        client,
        phone_number_id=settings.whatsapp_phone_number_id,
        app_secret=secret(settings.whatsapp_app_secret),
        verify_token=secret(settings.whatsapp_verify_token),
        number=settings.whatsapp_number,
        clock=clock,
        rate=settings.whatsapp_rate,
    )
