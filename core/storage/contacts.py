"""Contacts as the channels report on them: when a resident last wrote to us.

A channel with a messaging window (free text only so long after the resident's last message)
reads and writes ``contacts.last_inbound_at`` here, so the channel holds no SQL of its own.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.storage import tables as t
from core.storage.repositories import Repository


class ContactRepository(Repository):
    async def record_inbound(self, pseudonym: str, at: datetime) -> None:
        """Remember when a resident last wrote to us (only once they consented: a contact
        exists); an older time never overwrites a newer one."""
        column = t.contacts.c.last_inbound_at
        await self.conn.execute(
            t.contacts.update()
            .where(t.contacts.c.pseudonym == pseudonym)
            .where(sa.or_(column.is_(None), column < at))
            .values(last_inbound_at=at)
        )

    async def forget_inbound(self, pseudonym: str) -> None:
        """Forget when the resident last wrote (the provider says free text is over)."""
        await self.conn.execute(
            t.contacts.update()
            .where(t.contacts.c.pseudonym == pseudonym)
            .values(last_inbound_at=None)
        )

    async def last_inbound(self, pseudonym: str) -> datetime | None:
        """When the resident last wrote to us, or None when unknown."""
        value: datetime | None = await self.conn.scalar(
            sa.select(t.contacts.c.last_inbound_at).where(t.contacts.c.pseudonym == pseudonym)
        )
        return value

    async def channel_of(self, pseudonym: str) -> str | None:
        """The channel of the pseudonym's contact (``telegram``, ``email``...), or None."""
        value: str | None = await self.conn.scalar(
            sa.select(t.contacts.c.channel).where(t.contacts.c.pseudonym == pseudonym)
        )
        return value

    async def address_of(self, pseudonym: str) -> tuple[str, str] | None:
        """The (channel, address) of the pseudonym's contact, or None."""
        row = (
            await self.conn.execute(
                sa.select(t.contacts.c.channel, t.contacts.c.address).where(
                    t.contacts.c.pseudonym == pseudonym
                )
            )
        ).first()
        return (str(row[0]), str(row[1])) if row is not None else None

    async def drop_address(self, channel: str, address: str) -> int:
        """Forget every contact with this address on this channel; return how many."""
        result = await self.conn.execute(
            t.contacts.delete().where(
                t.contacts.c.channel == channel,
                sa.func.lower(t.contacts.c.address) == address.lower(),
            )
        )
        return int(result.rowcount or 0)
