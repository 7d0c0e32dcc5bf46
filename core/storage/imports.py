"""Bulk writes of an imported conversation (Pol.is): statements, voters and votes.

Each kind is written with one ``executemany`` insert, so a 30,000-vote conversation imports in
about a second; the caller's unit of work commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import Repository

# (external id, text, active), in position order
ImportedItem = tuple[str, str, bool]
# (external id, pseudonym, consent time)
ImportedResident = tuple[str, str, datetime]
# (item id, resident id, value, time)
ImportedVote = tuple[int, int, int, datetime]


class ImportRepository(Repository):
    async def add_items(self, round_id: int, items: Sequence[ImportedItem]) -> dict[str, int]:
        """Add a round's items; return our id of each by its external id."""
        if items:
            await self.conn.execute(
                t.items.insert(),
                [
                    {
                        "round_id": round_id,
                        "text": text,
                        "position": position,
                        "external_id": external_id,
                        "active": active,
                    }
                    for position, (external_id, text, active) in enumerate(items)
                ],
            )
        rows = await self.conn.execute(
            sa.select(t.items.c.id, t.items.c.external_id).where(t.items.c.round_id == round_id)
        )
        return {str(ext): int(own) for own, ext in rows}

    async def add_residents(
        self,
        project_id: int,
        residents: Sequence[ImportedResident],
        *,
        channel: str,
        language: str,
        now: datetime,
    ) -> dict[str, int]:
        """Add a project's imported residents; return our id of each by its external id."""
        if residents:
            await self.conn.execute(
                t.residents.insert(),
                [
                    {
                        "pseudonym": pseudonym,
                        "project_id": project_id,
                        "channel": channel,
                        "consent_at": consent_at,
                        "language": language,
                        "status": model.ResidentStatus.ACTIVE.value,
                        "external_id": external_id,
                        "created_at": now,
                    }
                    for external_id, pseudonym, consent_at in residents
                ],
            )
        rows = await self.conn.execute(
            sa.select(t.residents.c.id, t.residents.c.external_id).where(
                t.residents.c.project_id == project_id
            )
        )
        return {str(ext): int(own) for own, ext in rows}

    async def add_votes(self, round_id: int, votes: Sequence[ImportedVote]) -> None:
        """Add a round's votes."""
        if votes:
            await self.conn.execute(
                t.votes.insert(),
                [
                    {
                        "round_id": round_id,
                        "item_id": item_id,
                        "resident_id": resident_id,
                        "value": value,
                        "created_at": moment,
                    }
                    for item_id, resident_id, value, moment in votes
                ],
            )
