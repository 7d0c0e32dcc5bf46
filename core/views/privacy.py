"""The privacy statement page of an organisation (``/privacy/<slug>``): its contact, its own
text, and how long each of its projects keeps residents' personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from core.domain import model
from core.storage import tables as t
from core.views.reading import ReadUnit

DEFAULT_RETENTION_DAYS = 365


@dataclass(frozen=True)
class ProjectRetention:
    code: str
    title: str
    retention_days: int
    closed_at: datetime | None
    erased: bool  # the personal data of this project has been erased already


@dataclass(frozen=True)
class PrivacyStatement:
    slug: str
    name: str
    contact: str
    text: str
    projects: tuple[ProjectRetention, ...]


async def privacy_statement(uow: ReadUnit, slug: str) -> PrivacyStatement | None:
    """The organisation ``slug`` and its projects that residents can or could join (not
    drafts); ``None`` when there is no such organisation."""
    org = (
        await uow.conn.execute(sa.select(t.organisations).where(t.organisations.c.slug == slug))
    ).first()
    if org is None:
        return None
    p = t.projects
    rows = await uow.conn.execute(
        sa.select(
            p.c.code, p.c.title, p.c.retention_days, p.c.closed_at, p.c.personal_data_erased_at
        )  # fmt: skip
        .where(p.c.organisation_id == org.id, p.c.status != model.ProjectStatus.DRAFT.value)
        .order_by(p.c.id.desc())
    )
    projects = tuple(
        ProjectRetention(
            r.code,
            r.title,
            int(r.retention_days if r.retention_days is not None else DEFAULT_RETENTION_DAYS),
            r.closed_at,
            r.personal_data_erased_at is not None,
        )
        for r in rows
    )
    return PrivacyStatement(org.slug, org.name, org.privacy_contact, org.privacy_text, projects)


@dataclass(frozen=True)
class Logo:
    media_type: str
    data: bytes
    updated_at: datetime


async def organisation_logo(uow: ReadUnit, slug: str) -> Logo | None:
    """The logo of organisation ``slug``; ``None`` when it has none (or there is no such one)."""
    logos = t.organisation_logos
    row = (
        await uow.conn.execute(
            sa.select(logos.c.media_type, logos.c.data, logos.c.updated_at)
            .join(t.organisations, t.organisations.c.id == logos.c.organisation_id)
            .where(t.organisations.c.slug == slug)
        )
    ).first()
    return Logo(row.media_type, bytes(row.data), row.updated_at) if row else None
