"""Population figures per project (``population``): replaced whole, one dimension at a time."""

from __future__ import annotations

from datetime import datetime

from core.domain.population import DIMENSIONS, Figures
from core.storage import tables as t
from core.storage.repositories import Repository


class PopulationRepository(Repository):
    async def replace(self, project_id: int, figures: Figures, source: str, now: datetime) -> None:
        """Store ``figures`` in place of the project's previous ones."""
        table = t.population
        await self.conn.execute(table.delete().where(table.c.project_id == project_id))
        rows = [
            {
                "project_id": project_id,
                "dimension": dimension,
                "group_name": group,
                "people": people,
                "source": source,
                "updated_at": now,
            }
            for dimension in DIMENSIONS
            for group, people in figures.of(dimension).items()
        ]
        if rows:
            await self.conn.execute(table.insert(), rows)
