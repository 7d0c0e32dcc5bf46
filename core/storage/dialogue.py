"""Dialogue state per pseudonym, the chat log and the processed-message claims."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.storage import tables as t
from core.storage.repositories import Repository, upsert_statement


class DialogueRepository(Repository):
    async def load(self, pseudonym: str, lock: bool = False) -> dict[str, Any] | None:
        query = _STATE_FOR_UPDATE if lock and self.conn.dialect.name == "postgresql" else _STATE
        found = await self.conn.scalar(query, {"pseudonym": pseudonym})
        return dict(found) if found is not None else None

    async def save(
        self, pseudonym: str, channel: str, state: dict[str, Any], now: datetime
    ) -> None:
        statement = upsert_statement(
            self.conn.dialect.name,
            t.dialogue_states,
            ("pseudonym",),
            ("state", "channel", "updated_at"),
            False,
        )
        values = {"pseudonym": pseudonym, "channel": channel, "state": state, "updated_at": now}
        await self.conn.execute(statement, values)

    async def claim_message(self, channel: str, key: str, now: datetime) -> bool:
        """Record a channel message id; return False when it was handled before."""
        statement = _claim_statement(self.conn.dialect.name)
        claimed = await self.conn.execute(
            statement, {"channel": channel, "message_key": key, "created_at": now}
        )
        return bool(claimed.rowcount)

    async def handled(self, channel: str, key: str) -> bool:
        """Whether a channel message id was recorded (read only; :meth:`claim_message` is the
        claim that counts)."""
        found = await self.conn.scalar(_HANDLED, {"channel": channel, "message_key": key})
        return found is not None

    async def log(
        self, pseudonym: str, outgoing: bool, text: str, options: Sequence[Any], now: datetime
    ) -> None:
        await self.conn.execute(
            t.chat_log.insert().values(
                pseudonym=pseudonym,
                outgoing=outgoing,
                text=text,
                options=list(options),
                created_at=now,
            )
        )

    async def log_many(
        self, pseudonym: str, lines: Sequence[tuple[bool, str, Sequence[Any]]], now: datetime
    ) -> None:
        """:meth:`log` for several lines (outgoing, text, options) in one statement."""
        if not lines:
            return
        rows = [
            {
                "pseudonym": pseudonym,
                "outgoing": outgoing,
                "text": text,
                "options": list(options),
                "created_at": now,
            }
            for outgoing, text, options in lines
        ]
        await self.conn.execute(t.chat_log.insert(), rows)

    async def history(self, pseudonym: str, limit: int = 60) -> list[dict[str, Any]]:
        rows = await self.conn.execute(
            sa.select(t.chat_log)
            .where(t.chat_log.c.pseudonym == pseudonym)
            .order_by(t.chat_log.c.id.desc())
            .limit(limit)
        )
        return [dict(r._mapping) for r in rows][::-1]


# -- statements of the dialogue step, built once ----------------------------------------------
# Each resident message runs about ten statements; building their SQLAlchemy expressions anew
# every time cost more than running them (SQLite answers in microseconds), so the hot ones are
# built here with bound parameters and SQLAlchemy's compiled cache does the rest.

_STATE = sa.select(t.dialogue_states.c.state).where(
    t.dialogue_states.c.pseudonym == sa.bindparam("pseudonym")
)
_STATE_FOR_UPDATE = _STATE.with_for_update()


_HANDLED = sa.select(sa.literal(1)).where(
    t.processed_messages.c.channel == sa.bindparam("channel"),
    t.processed_messages.c.message_key == sa.bindparam("message_key"),
)


@functools.cache
def _claim_statement(dialect: str) -> Any:
    """Record a processed message id unless it is there already (rowcount 0 then)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(t.processed_messages).on_conflict_do_nothing()
