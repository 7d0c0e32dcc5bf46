"""A manual wall clock for fakes and tests that reason about time windows."""

from __future__ import annotations

__all__ = ["FakeClock"]


class FakeClock:
    """A callable returning epoch seconds that only moves when told to.

    ``FakeClock()`` starts at 2024-11-14 22:13:20 UTC; ``clock.advance(hours=25)``.
    """

    def __init__(self, start: float = 1_731_622_400.0) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = 0.0, *, minutes: float = 0.0, hours: float = 0.0) -> float:
        """Move forward and return the new time."""
        self.now += seconds + 60 * minutes + 3600 * hours
        return self.now

    def set(self, timestamp: float) -> None:
        """Jump to an absolute epoch time."""
        self.now = float(timestamp)
