"""Reminders of a round: as the project file writes them and as people say them.

The project file keeps ISO-8601 durations: ``P2D`` is two days after the round opens; a minus
sign counts back from the closing time, so ``-P1D`` is one day before the round closes (the
sign as ISO 8601-2 and XML Schema write a negative duration). The round form shows the same
reminder as "2 dagen na openen" or "1 dag voor sluiten": an amount, a unit and an anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from core.domain.model import parse_duration

Unit = Literal["minutes", "hours", "days", "weeks"]
Anchor = Literal["open", "close"]
UNITS: dict[str, timedelta] = {
    "weeks": timedelta(weeks=1),
    "days": timedelta(days=1),
    "hours": timedelta(hours=1),
    "minutes": timedelta(minutes=1),
}
ANCHORS = ("open", "close")
BEFORE_CLOSING = "-"


@dataclass(frozen=True)
class Reminder:
    """``amount`` ``unit`` after the opening (``open``) or before the closing (``close``)."""

    amount: int
    unit: Unit
    anchor: Anchor = "open"

    @property
    def length(self) -> timedelta:
        return self.amount * UNITS[self.unit]

    def to_iso(self) -> str:
        """The project file's text: ``P2D``, ``PT12H``, ``P1W``, ``-P1D``."""
        sign = BEFORE_CLOSING if self.anchor == "close" else ""
        if self.unit == "weeks":
            return f"{sign}P{self.amount}W"
        if self.unit == "days":
            return f"{sign}P{self.amount}D"
        letter = "H" if self.unit == "hours" else "M"
        return f"{sign}PT{self.amount}{letter}"


def parse(text: str) -> Reminder:
    """A project file's reminder as amount, unit and anchor (``ValueError`` if it is none).

    The largest unit that measures it exactly is taken: ``P1DT6H`` is 30 hours.
    """
    text = text.strip()
    anchor: Anchor = "close" if text.startswith(BEFORE_CLOSING) else "open"
    length = parse_duration(text.removeprefix(BEFORE_CLOSING))
    if length <= timedelta(0):
        raise ValueError(f"a reminder needs a length: {text!r}")
    for unit, size in UNITS.items():
        if length % size == timedelta(0):
            return Reminder(length // size, unit, anchor)  # type: ignore[arg-type]
    raise ValueError(f"a reminder is a whole number of minutes: {text!r}")


def due(text: str, opens_at: datetime | None, closes_at: datetime | None) -> datetime | None:
    """When a reminder goes out for a round with these times, or None when it cannot.

    A reminder after the opening needs an opening time; one before the closing, a closing
    time. A reminder that would come at or after the closing, or (counted back from the
    closing) at or before the opening, is not sent.
    """
    reminder = parse(text)
    if reminder.anchor == "open":
        at = opens_at + reminder.length if opens_at is not None else None
    else:
        at = closes_at - reminder.length if closes_at is not None else None
    if at is None:
        return None
    if closes_at is not None and at >= closes_at:
        return None
    if opens_at is not None and at <= opens_at:
        return None
    return at
