"""The accounts page of the web area: every user, their organisation and state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from core.storage import tables as t
from core.views.reading import ReadUnit


@dataclass
class UserRow:
    id: int
    email: str
    role: str
    organisation: str  # the organisation's slug ("" for an admin of all)
    organisation_name: str
    created_at: datetime | None
    last_login_at: datetime | None
    disabled: bool
    invited: bool  # invited and no password chosen yet

    @property
    def state(self) -> str:
        """disabled / invited / active: what the page says of the account."""
        return "disabled" if self.disabled else "invited" if self.invited else "active"


async def users(uow: ReadUnit, user_id: int | None = None) -> list[UserRow]:
    """Every account by e-mail address (or the one with ``user_id``)."""
    u, o = t.users, t.organisations
    query = (
        sa.select(
            u.c.id,
            u.c.email,
            u.c.role,
            sa.func.coalesce(o.c.slug, "").label("organisation"),
            sa.func.coalesce(o.c.name, "").label("organisation_name"),
            u.c.created_at,
            u.c.last_login_at,
            u.c.disabled_at.is_not(None).label("disabled"),
            (u.c.password_hash == "").label("invited"),  # an invitation's empty hash
        )
        .outerjoin(o, o.c.id == u.c.organisation_id)
        .order_by(u.c.email)
    )
    if user_id is not None:
        query = query.where(u.c.id == user_id)
    rows = await uow.conn.execute(query)
    return [
        UserRow(**{**r._mapping, "disabled": bool(r.disabled), "invited": bool(r.invited)})
        for r in rows
    ]
