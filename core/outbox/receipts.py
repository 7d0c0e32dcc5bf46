"""Receipts: what a channel's delivery reports do to the rows already sent."""

from __future__ import annotations

from core.outbox.ports import Receipt
from core.storage.uow import UnitOfWork


async def apply_receipt(
    uow: UnitOfWork, provider_message_id: str, receipt: Receipt, error: str | None = None
) -> bool:
    """Apply one receipt; return whether anything changed (the caller commits then).

    ``FAILED`` fails the row. ``WINDOW_CLOSED`` sends a message that was sent once again, as
    its stand-in, and forgets the resident's last message (free text waits until they write
    again); a message sent twice already fails instead, so nothing goes round in circles.
    Other receipts change nothing.

    Args:
        uow: an open unit of work.
        provider_message_id: the platform's id of the message, as the sender reported it.
        receipt: what the report means.
        error: the platform's reason, kept on a failed row.
    """
    if receipt == Receipt.WINDOW_CLOSED:
        reason = error or "free text refused"
        again = await uow.outbox.requeue_sent(provider_message_id, uow.clock(), reason)
        if again is not None:
            await uow.contacts.forget_inbound(again)
            return True
    if receipt in (Receipt.FAILED, Receipt.WINDOW_CLOSED):
        return await uow.outbox.fail_sent(provider_message_id, error or "failed receipt") > 0
    return False
