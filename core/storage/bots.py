"""The bots of the deployment (one per municipality) and which projects they serve: data.

The channel that runs them (bots/telegram) reads and writes them through ``uow.bots``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import Repository, row_values, to_domain


class BotRepository(Repository):
    async def all(self, active_only: bool = True) -> list[model.Bot]:
        query = sa.select(t.bots).order_by(t.bots.c.id)
        if active_only:
            query = query.where(t.bots.c.active.is_(True))
        return [to_domain(model.Bot, r) for r in await self.conn.execute(query)]

    async def get(self, bot_id: int) -> model.Bot | None:
        row = (await self.conn.execute(sa.select(t.bots).where(t.bots.c.id == bot_id))).first()
        return to_domain(model.Bot, row) if row else None

    async def by_telegram_id(self, telegram_id: int) -> model.Bot | None:
        row = (
            await self.conn.execute(sa.select(t.bots).where(t.bots.c.telegram_id == telegram_id))
        ).first()
        return to_domain(model.Bot, row) if row else None

    async def by_username(self, username: str) -> model.Bot | None:
        row = (
            await self.conn.execute(
                sa.select(t.bots).where(
                    sa.func.lower(t.bots.c.username) == username.lstrip("@").lower()
                )
            )
        ).first()
        return to_domain(model.Bot, row) if row else None

    async def add(self, bot: model.Bot) -> int:
        return await self._insert(t.bots, bot)

    async def add_if_missing(self, bot: model.Bot) -> None:
        """Insert ``bot`` unless one with its Telegram id is there (or is being added by another
        transaction: then this waits for it and adds nothing)."""
        insert = postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert
        statement = insert(t.bots).values(**row_values(bot, t.bots))
        await self.conn.execute(statement.on_conflict_do_nothing(index_elements=["telegram_id"]))

    async def update(self, bot_id: int, **values: object) -> None:
        await self.conn.execute(t.bots.update().where(t.bots.c.id == bot_id).values(**values))

    async def project_bots(self) -> dict[str, int | None]:
        """Each project's code and the bot it belongs to (None: the default bot)."""
        rows = await self.conn.execute(sa.select(t.projects.c.code, t.projects.c.bot_id))
        return {str(code): bot_id for code, bot_id in rows}

    async def clear_default(self, except_id: int) -> None:
        await self.conn.execute(
            t.bots.update().where(t.bots.c.id != except_id).values(is_default=False)
        )


@dataclass(frozen=True)
class BotScope:
    """Which projects a resident can reach through the bot they write to.

    A project bound to a bot is reached only through that bot; an unbound project through the
    default bot. Without a bot (the web chat) every project is in scope.
    """

    bot_id: int | None = None
    is_default: bool = False

    def allows(self, project: model.Project) -> bool:
        return self.allows_bot(project.bot_id)

    def allows_bot(self, project_bot_id: int | None) -> bool:
        """Whether a project bound to ``project_bot_id`` (None: unbound) is in scope."""
        if self.bot_id is None:
            return True
        if project_bot_id is not None:
            return project_bot_id == self.bot_id
        return self.is_default
