"""Template filters."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def amsterdam(value: datetime | None) -> str:
    """A UTC datetime shown in Amsterdam time, e.g. 02-12-2026 11:00."""
    if value is None:
        return ""
    return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
