"""Quiet hours: the nightly span in which broadcasts wait for the morning (a project's rule)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_QUIET_HOURS = ("21:00", "09:00")
DEFAULT_TIMEZONE = "Europe/Amsterdam"


@dataclass(frozen=True)
class QuietHours:
    """A nightly span (local time) in which broadcasts wait; ``start > end`` spans midnight."""

    start: time
    end: time
    zone: ZoneInfo

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> QuietHours | None:
        """Read ``quiet_hours`` (default 21:00-09:00) and ``timezone`` from project settings.

        An empty list or ``false`` switches quiet hours off.
        """
        settings = settings or {}
        hours = settings.get("quiet_hours", DEFAULT_QUIET_HOURS)
        if not hours:
            return None
        start, end = (time.fromisoformat(str(h)) for h in hours)
        if start == end:
            return None
        return cls(start, end, project_zone(settings))

    def _quiet(self, local: time) -> bool:
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release(self, now: datetime) -> datetime | None:
        """Return when a message due at ``now`` may go out, or None when it may go now."""
        local = now.astimezone(self.zone)
        if not self._quiet(local.time().replace(tzinfo=None)):
            return None
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.end:
            day += timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=self.zone).astimezone(UTC)


def project_zone(settings: Mapping[str, Any] | None) -> ZoneInfo:
    """The project's time zone (``timezone`` in its settings; Amsterdam by default)."""
    return ZoneInfo(str((settings or {}).get("timezone") or DEFAULT_TIMEZONE))
