"""Repositories: the only place the write side talks SQL."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model
from core.storage import tables as t

T = TypeVar("T")

_ENUMS: dict[str, Any] = {
    "kind": model.RoundKind,
    "state": model.RoundState,
    "value": model.VoteValue,
}


def to_domain(cls: type[T], row: Any) -> T:
    """Build a domain dataclass from a row, converting enum columns."""
    mapping = row._mapping
    names = _field_names(cls)  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for name in names:
        if name not in mapping:
            continue
        value = mapping[name]
        if name == "status" and value is not None:
            value = _status_enum(cls)(value)
        elif name in _ENUMS and value is not None:
            value = _ENUMS[name](value)
        values[name] = value
    return cls(**values)


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]


def _status_enum(cls: type) -> Any:
    if cls is model.Resident:
        return model.ResidentStatus
    if cls is model.Project:
        return model.ProjectStatus
    return model.ContributionStatus


def _row_values(obj: Any, table: sa.Table) -> dict[str, Any]:
    values = {}
    for f in fields(obj):
        if f.name == "id" or f.name not in table.c:
            continue
        value = getattr(obj, f.name)
        if hasattr(value, "value") and not isinstance(value, datetime):
            value = value.value
        values[f.name] = value
    return values


def insert_for(conn: AsyncConnection) -> Any:
    """The dialect's INSERT construct, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


class Repository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def _insert(self, table: sa.Table, obj: Any) -> int:
        result = await self.conn.execute(
            table.insert().values(**_row_values(obj, table)).returning(table.c.id)
        )
        new_id = int(result.scalar_one())
        obj.id = new_id
        return new_id


class ProjectRepository(Repository):
    async def organisation(self, slug: str, name: str | None = None) -> int:
        """Return the id of the organisation ``slug``, creating it when missing."""
        found = await self.conn.scalar(
            sa.select(t.organisations.c.id).where(t.organisations.c.slug == slug)
        )
        if found is not None:
            return int(found)
        return await self._insert(t.organisations, model.Organisation(slug, name or slug))

    async def organisation_slug(self, organisation_id: int) -> str:
        return str(
            await self.conn.scalar(
                sa.select(t.organisations.c.slug).where(t.organisations.c.id == organisation_id)
            )
        )

    async def organisation_name(self, organisation_id: int) -> str | None:
        """The display name of an organisation (``None`` when there is no such organisation)."""
        return await self.conn.scalar(
            sa.select(t.organisations.c.name).where(t.organisations.c.id == organisation_id)
        )

    async def by_code(self, code: str) -> model.Project | None:
        row = (
            await self.conn.execute(sa.select(t.projects).where(t.projects.c.code == code))
        ).first()
        return to_domain(model.Project, row) if row else None

    async def get(self, project_id: int) -> model.Project | None:
        row = (
            await self.conn.execute(sa.select(t.projects).where(t.projects.c.id == project_id))
        ).first()
        return to_domain(model.Project, row) if row else None

    async def add(self, project: model.Project) -> int:
        return await self._insert(t.projects, project)

    async def update(self, project: model.Project) -> None:
        await self.conn.execute(
            t.projects.update()
            .where(t.projects.c.id == project.id)
            .values(**_row_values(project, t.projects))
        )

    async def all(self) -> list[model.Project]:
        rows = await self.conn.execute(sa.select(t.projects).order_by(t.projects.c.id))
        return [to_domain(model.Project, r) for r in rows]

    async def count(self) -> int:
        return int(
            (await self.conn.scalar(sa.select(sa.func.count()).select_from(t.projects))) or 0
        )

    async def rounds(self, project_id: int) -> list[model.Round]:
        rows = await self.conn.execute(
            sa.select(t.rounds)
            .where(t.rounds.c.project_id == project_id)
            .order_by(t.rounds.c.position, t.rounds.c.id)
        )
        return [to_domain(model.Round, r) for r in rows]

    async def round(self, round_id: int) -> model.Round | None:
        row = (
            await self.conn.execute(sa.select(t.rounds).where(t.rounds.c.id == round_id))
        ).first()
        return to_domain(model.Round, row) if row else None

    async def add_round(self, rnd: model.Round) -> int:
        return await self._insert(t.rounds, rnd)

    async def update_round(self, rnd: model.Round) -> None:
        await self.conn.execute(
            t.rounds.update().where(t.rounds.c.id == rnd.id).values(**_row_values(rnd, t.rounds))
        )

    async def delete_round(self, round_id: int) -> None:
        await self.conn.execute(t.rounds.delete().where(t.rounds.c.id == round_id))

    async def items(self, round_id: int, active_only: bool = True) -> list[model.Item]:
        query = sa.select(t.items).where(t.items.c.round_id == round_id)
        if active_only:
            query = query.where(t.items.c.active.is_(True))
        rows = await self.conn.execute(query.order_by(t.items.c.position, t.items.c.id))
        return [to_domain(model.Item, r) for r in rows]

    async def item_and_round(self, item_id: int) -> tuple[model.Item, model.Round] | None:
        """An item together with its round, in one query (the answer handlers check both)."""
        row = (await self.conn.execute(_ITEM_AND_ROUND, {"item_id": item_id})).first()
        if row is None:
            return None
        mapping = row._mapping
        item = model.Item(**{c.name: mapping[f"item_{c.name}"] for c in t.items.c})
        return item, to_domain(model.Round, row)

    async def item(self, item_id: int) -> model.Item | None:
        row = (await self.conn.execute(_ITEM, {"item_id": item_id})).first()
        return to_domain(model.Item, row) if row else None

    async def add_item(self, item: model.Item) -> int:
        return await self._insert(t.items, item)

    async def set_item_active(self, item_id: int, active: bool, text: str | None = None) -> None:
        values: dict[str, Any] = {"active": active}
        if text is not None:
            values["text"] = text
        await self.conn.execute(t.items.update().where(t.items.c.id == item_id).values(**values))

    async def add_item_for_idea(self, round_id: int, idea_id: int, text: str) -> None:
        """Make an idea rateable in a round, once (the unique key makes a repeat harmless)."""
        exists = await self.conn.scalar(
            sa.select(t.items.c.id).where(
                t.items.c.round_id == round_id, t.items.c.idea_id == idea_id
            )
        )
        if exists is None:
            await self._insert(t.items, model.Item(round_id, text, idea_id=idea_id))


class ResidentRepository(Repository):
    async def get(self, pseudonym: str, project_id: int) -> model.Resident | None:
        params = {"pseudonym": pseudonym, "project_id": project_id}
        row = (await self.conn.execute(_RESIDENT, params)).first()
        return to_domain(model.Resident, row) if row else None

    async def by_id(self, resident_id: int) -> model.Resident | None:
        row = (
            await self.conn.execute(sa.select(t.residents).where(t.residents.c.id == resident_id))
        ).first()
        return to_domain(model.Resident, row) if row else None

    async def for_pseudonym(self, pseudonym: str) -> list[model.Resident]:
        rows = await self.conn.execute(
            sa.select(t.residents).where(t.residents.c.pseudonym == pseudonym)
        )
        return [to_domain(model.Resident, r) for r in rows]

    async def add(self, resident: model.Resident) -> int:
        return await self._insert(t.residents, resident)

    async def update(self, resident_id: int, **values: Any) -> None:
        await self.conn.execute(
            t.residents.update().where(t.residents.c.id == resident_id).values(**values)
        )

    async def update_pseudonym(self, pseudonym: str, **values: Any) -> None:
        await self.conn.execute(
            t.residents.update().where(t.residents.c.pseudonym == pseudonym).values(**values)
        )

    async def change_status(self, pseudonym: str, old: str, new: str) -> None:
        """Move a pseudonym's residents from status ``old`` to ``new`` (others untouched)."""
        await self.conn.execute(
            t.residents.update()
            .where(t.residents.c.pseudonym == pseudonym, t.residents.c.status == old)
            .values(status=new)
        )

    async def save_contact(
        self,
        pseudonym: str,
        channel: str,
        address: str,
        now: datetime,
        bot_id: int | None = None,
    ) -> None:
        found = await self.conn.scalar(
            sa.select(t.contacts.c.pseudonym).where(t.contacts.c.pseudonym == pseudonym)
        )
        values = {"channel": channel, "address": address, "updated_at": now, "bot_id": bot_id}
        if found:
            await self.conn.execute(
                t.contacts.update().where(t.contacts.c.pseudonym == pseudonym).values(**values)
            )
        else:
            await self.conn.execute(t.contacts.insert().values(pseudonym=pseudonym, **values))

    async def forget(self, pseudonym: str) -> int:
        """Erase a pseudonym's residents, contributions, state, log and contact details."""
        ids = [
            int(i)
            for i in await self.conn.scalars(
                sa.select(t.residents.c.id).where(t.residents.c.pseudonym == pseudonym)
            )
        ]
        if ids:
            idea_ids = sa.select(t.ideas.c.id).where(t.ideas.c.resident_id.in_(ids))
            item_ids = sa.select(t.items.c.id).where(t.items.c.idea_id.in_(idea_ids))
            for table in (t.ratings, t.votes):
                await self.conn.execute(table.delete().where(table.c.item_id.in_(item_ids)))
            await self.conn.execute(t.items.delete().where(t.items.c.idea_id.in_(idea_ids)))
            for table in (t.ratings, t.votes, t.feedback, t.ideas, t.round_progress):
                await self.conn.execute(table.delete().where(table.c.resident_id.in_(ids)))
            await self.conn.execute(t.residents.delete().where(t.residents.c.id.in_(ids)))
        for table in (t.contacts, t.dialogue_states, t.chat_log, t.outbox):
            await self.conn.execute(table.delete().where(table.c.pseudonym == pseudonym))
        return len(ids)


class ContributionRepository(Repository):
    async def add_idea(self, idea: model.Idea) -> int:
        return await self._insert(t.ideas, idea)

    async def count_ideas(self, round_id: int, resident_id: int) -> int:
        return int(
            (
                await self.conn.scalar(
                    sa.select(sa.func.count()).where(
                        t.ideas.c.round_id == round_id, t.ideas.c.resident_id == resident_id
                    )
                )
            )
            or 0
        )

    async def upsert_rating(self, rating: model.Rating) -> None:
        """Store or change a rating (one per resident, item and criterion)."""
        await self._upsert(
            t.ratings,
            _row_values(rating, t.ratings),
            ("item_id", "resident_id", "criterion"),
            ("score",),
        )

    async def upsert_vote(self, vote: model.Vote) -> None:
        """Store or change a vote (one per resident and statement)."""
        await self._upsert(
            t.votes, _row_values(vote, t.votes), ("item_id", "resident_id"), ("value",)
        )

    async def upsert_feedback(self, fb: model.Feedback) -> None:
        """Store or change a resident's feedback in a round (one per resident and round)."""
        await self._upsert(
            t.feedback,
            _row_values(fb, t.feedback),
            ("round_id", "resident_id"),
            ("score", "text"),
        )

    async def _upsert(
        self,
        table: sa.Table,
        values: dict[str, Any],
        keys: tuple[str, ...],
        update: tuple[str, ...],
        keep_first: bool = False,
    ) -> None:
        """Insert a row or update it on a key conflict, in one statement (SQLite and PostgreSQL).

        With ``keep_first`` a column that already has a value keeps it.
        """
        statement = _upsert_statement(self.conn.dialect.name, table, keys, update, keep_first)
        await self.conn.execute(statement, values)

    async def answered_count(self, rnd: model.Round, resident_id: int) -> int:
        if rnd.kind == model.RoundKind.STATEMENTS:
            query = sa.select(sa.func.count()).where(
                t.votes.c.round_id == rnd.id, t.votes.c.resident_id == resident_id
            )
        else:
            query = sa.select(sa.func.count(sa.distinct(t.ratings.c.item_id))).where(
                t.ratings.c.round_id == rnd.id, t.ratings.c.resident_id == resident_id
            )
        return int((await self.conn.scalar(query)) or 0)

    async def feedback_of(self, round_id: int, resident_id: int) -> model.Feedback | None:
        row = (
            await self.conn.execute(
                sa.select(t.feedback).where(
                    t.feedback.c.round_id == round_id, t.feedback.c.resident_id == resident_id
                )
            )
        ).first()
        return to_domain(model.Feedback, row) if row else None

    async def progress(self, resident_id: int) -> dict[int, model.RoundProgress]:
        rows = await self.conn.execute(
            sa.select(t.round_progress).where(t.round_progress.c.resident_id == resident_id)
        )
        return {int(r.round_id): to_domain(model.RoundProgress, r) for r in rows}

    async def mark_progress(
        self, round_id: int, resident_id: int, column: str, now: datetime, overwrite: bool = False
    ) -> None:
        """Set started_at / finished_at / prompted_at for a resident in a round (once, unless
        ``overwrite``)."""
        await self._upsert(
            t.round_progress,
            {"round_id": round_id, "resident_id": resident_id, column: now},
            ("round_id", "resident_id"),
            (column,),
            keep_first=not overwrite,
        )

    async def ideas_of_round(self, round_id: int, approved_only: bool) -> list[model.Idea]:
        query = sa.select(t.ideas).where(t.ideas.c.round_id == round_id)
        if approved_only:
            query = query.where(t.ideas.c.status == model.ContributionStatus.APPROVED.value)
        else:
            gone = (model.ContributionStatus.REJECTED.value, model.ContributionStatus.MERGED.value)
            query = query.where(t.ideas.c.status.not_in(gone))
        rows = await self.conn.execute(query.order_by(t.ideas.c.id))
        return [to_domain(model.Idea, r) for r in rows]


class DialogueRepository(Repository):
    async def load(self, pseudonym: str, lock: bool = False) -> dict[str, Any] | None:
        query = _STATE_FOR_UPDATE if lock and self.conn.dialect.name == "postgresql" else _STATE
        found = await self.conn.scalar(query, {"pseudonym": pseudonym})
        return dict(found) if found is not None else None

    async def save(
        self, pseudonym: str, channel: str, state: dict[str, Any], now: datetime
    ) -> None:
        statement = _upsert_statement(
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

_RESIDENT = sa.select(t.residents).where(
    t.residents.c.pseudonym == sa.bindparam("pseudonym"),
    t.residents.c.project_id == sa.bindparam("project_id"),
)
_ITEM = sa.select(t.items).where(t.items.c.id == sa.bindparam("item_id"))
_ITEM_AND_ROUND = (
    sa.select(t.rounds, *[c.label(f"item_{c.name}") for c in t.items.c])
    .join(t.items, t.items.c.round_id == t.rounds.c.id)
    .where(t.items.c.id == sa.bindparam("item_id"))
)
_STATE = sa.select(t.dialogue_states.c.state).where(
    t.dialogue_states.c.pseudonym == sa.bindparam("pseudonym")
)
_STATE_FOR_UPDATE = _STATE.with_for_update()


@functools.cache
def _upsert_statement(
    dialect: str,
    table: sa.Table,
    keys: tuple[str, ...],
    update: tuple[str, ...],
    keep_first: bool,
) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, for values given at execution."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    excluded = insert.excluded
    changes: dict[str, Any]
    if keep_first:
        changes = {name: sa.func.coalesce(table.c[name], excluded[name]) for name in update}
    else:
        changes = {name: excluded[name] for name in update}
    return insert.on_conflict_do_update(index_elements=keys, set_=changes)


@functools.cache
def _claim_statement(dialect: str) -> Any:
    """Record a processed message id unless it is there already (rowcount 0 then)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(t.processed_messages).on_conflict_do_nothing()
