"""An organisation's own project templates (``project_templates``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.storage import tables as t
from core.storage.repositories import Repository


class TemplateRepository(Repository):
    async def add(
        self,
        organisation_id: int,
        name: str,
        description: str,
        data: dict[str, Any],
        created_by: str,
        now: datetime,
    ) -> int:
        """Store a template; return its id."""
        result = await self.conn.execute(
            t.project_templates.insert().values(
                organisation_id=organisation_id,
                name=name,
                description=description,
                data=data,
                created_by=created_by,
                created_at=now,
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    async def get(self, template_id: int) -> dict[str, Any] | None:
        row = (
            await self.conn.execute(
                sa.select(t.project_templates).where(t.project_templates.c.id == template_id)
            )
        ).first()
        return dict(row._mapping) if row else None

    async def delete(self, template_id: int) -> None:
        table = t.project_templates
        await self.conn.execute(table.delete().where(table.c.id == template_id))
