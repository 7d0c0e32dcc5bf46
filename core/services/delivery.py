"""What channels report back about delivery: when a resident last wrote, and message receipts.

Two facts matter to channels with a messaging window (WhatsApp's 24 hours): when the resident
last sent us something (``contacts.last_inbound_at``), and what became of a message we pushed
(the outbox row with that provider message id). Both are written here, so a channel adapter
never holds SQL of its own.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.services.uow import UnitOfWork
from core.storage import tables as t

# Receipts arrive out of order (Meta may deliver "read" before "delivered"): only move forward.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}


async def record_inbound(uow: UnitOfWork, pseudonym: str, at: datetime) -> None:
    """Remember when a resident last wrote to us (only once they consented: a contact exists).

    Args:
        uow: an open unit of work; the caller commits.
        pseudonym: the resident's pseudonym on the channel.
        at: when the message was sent; an older time never overwrites a newer one.
    """
    column = t.contacts.c.last_inbound_at
    await uow.conn.execute(
        t.contacts.update()
        .where(t.contacts.c.pseudonym == pseudonym)
        .where(sa.or_(column.is_(None), column < at))
        .values(last_inbound_at=at)
    )


async def last_inbound(uow: UnitOfWork, pseudonym: str) -> datetime | None:
    """Return when the resident last wrote to us, or None when unknown."""
    value: datetime | None = await uow.conn.scalar(
        sa.select(t.contacts.c.last_inbound_at).where(t.contacts.c.pseudonym == pseudonym)
    )
    return value


def outbox_table() -> sa.Table | None:
    """The outbox table when this build has one (it is built on another branch)."""
    return t.metadata.tables.get("outbox")


async def record_receipt(
    uow: UnitOfWork, provider_message_id: str, status: str, error: str | None = None
) -> bool:
    """Move the outbox row of a pushed message to ``status``; return True when a row changed.

    Receipts for messages that did not go through the outbox (direct replies) are not kept:
    read receipts of residents are nobody's business.

    Args:
        uow: an open unit of work; the caller commits.
        provider_message_id: the channel's message id (a WhatsApp ``wamid``).
        status: ``sent``, ``delivered``, ``read`` or ``failed``.
        error: the reason of a failure, kept when the table has an ``error`` column.
    """
    table = outbox_table()
    rank = STATUS_RANK.get(status)
    if table is None or rank is None or "provider_message_id" not in table.c:
        return False
    current = await uow.conn.scalar(
        sa.select(table.c.status).where(table.c.provider_message_id == provider_message_id)
    )
    if current is None or STATUS_RANK.get(str(current), 0) >= rank:
        return False
    values: dict[str, object] = {"status": status}
    if error is not None and "error" in table.c:
        values["error"] = error[:500]
    await uow.conn.execute(
        table.update().where(table.c.provider_message_id == provider_message_id).values(**values)
    )
    return True
