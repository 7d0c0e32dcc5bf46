"""What every table shares: the metadata and its naming convention, UTC datetimes, JSON and
the id column."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC, also on SQLite (which has no time zones)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - aiosqlite returns datetime already
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


JSON = sa.JSON().with_variant(sa.JSON(), "sqlite")


def id_column() -> sa.Column[int]:
    """The integer primary key ``id`` every table but a few has."""
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)
