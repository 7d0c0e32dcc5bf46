"""Contributions: ideas, ratings, votes and feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import Repository, row_values, to_domain, upsert_statement


class ContributionRepository(Repository):
    async def add_idea(self, idea: model.Idea) -> int:
        return await self._insert(t.ideas, idea)

    async def add_ideas(self, ideas: list[model.Idea]) -> list[int]:
        """Add ideas in bulk (an import); their ids in the given order."""
        return await self._insert_many(t.ideas, ideas)

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

    async def respondents(self, round_id: int) -> int:
        """How many residents gave a round an answer: an idea, a rating, a vote or feedback."""
        answered = sa.union(
            *(
                sa.select(table.c.resident_id).where(table.c.round_id == round_id)
                for table in (t.ideas, t.ratings, t.votes, t.feedback)
            )
        ).subquery()
        return int((await self.conn.scalar(sa.select(sa.func.count()).select_from(answered))) or 0)

    async def upsert_rating(self, rating: model.Rating) -> None:
        """Store or change a rating (one per resident, item and criterion)."""
        await self._upsert(
            t.ratings,
            row_values(rating, t.ratings),
            ("item_id", "resident_id", "criterion"),
            ("score",),
        )

    async def upsert_vote(self, vote: model.Vote) -> None:
        """Store or change a vote (one per resident and statement)."""
        await self._upsert(
            t.votes, row_values(vote, t.votes), ("item_id", "resident_id"), ("value",)
        )

    async def upsert_feedback(self, fb: model.Feedback) -> None:
        """Store or change a resident's feedback in a round (one per resident and round)."""
        await self._upsert(
            t.feedback,
            row_values(fb, t.feedback),
            ("round_id", "resident_id"),
            ("score", "text", "flags"),
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
        statement = upsert_statement(self.conn.dialect.name, table, keys, update, keep_first)
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
