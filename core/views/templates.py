"""Templates a user may start a project from: the shipped ones and their organisation's own."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.storage import tables as t
from core.views.reading import ReadUnit


async def own_templates(uow: ReadUnit, organisation_id: int | None) -> list[dict[str, Any]]:
    """Saved templates (newest first) with their organisation and number of rounds; all of
    them when ``organisation_id`` is None."""
    table = t.project_templates
    query = (
        sa.select(
            table.c.id,
            table.c.name,
            table.c.description,
            table.c.data,
            table.c.created_by,
            table.c.created_at,
            table.c.organisation_id,
            t.organisations.c.name.label("organisation"),
        )
        .join(t.organisations, t.organisations.c.id == table.c.organisation_id)
        .order_by(table.c.id.desc())
    )
    if organisation_id is not None:
        query = query.where(table.c.organisation_id == organisation_id)
    found = []
    for row in await uow.conn.execute(query):
        entry = dict(row._mapping)
        data = entry.pop("data") or {}
        entry["rounds"] = [str(r.get("kind", "")) for r in data.get("rounds", [])]
        entry["title"] = str(data.get("project", {}).get("title", ""))
        found.append(entry)
    return found
