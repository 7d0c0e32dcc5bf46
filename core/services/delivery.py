"""What channels report back: when a resident last wrote to us.

A channel with a messaging window (WhatsApp's 24 hours) needs to know when the resident last
sent us something (``contacts.last_inbound_at``); it is written and read here, so a channel
adapter holds no SQL of its own. Receipts of pushed messages go to the outbox
(``core.outbox.record_receipt``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.services.uow import UnitOfWork
from core.storage import tables as t


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


async def close_window(uow: UnitOfWork, pseudonym: str) -> None:
    """The provider says the resident's messaging window is closed: forget the last inbound
    time, so the next message goes as a template until the resident writes again."""
    await uow.conn.execute(
        t.contacts.update().where(t.contacts.c.pseudonym == pseudonym).values(last_inbound_at=None)
    )


async def last_inbound(uow: UnitOfWork, pseudonym: str) -> datetime | None:
    """Return when the resident last wrote to us, or None when unknown."""
    value: datetime | None = await uow.conn.scalar(
        sa.select(t.contacts.c.last_inbound_at).where(t.contacts.c.pseudonym == pseudonym)
    )
    return value
