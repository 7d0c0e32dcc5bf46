"""Pacing: how fast one bot may send (a token bucket that honours the platform's pauses) and
how soon one chat may be written to again."""

from __future__ import annotations

from collections import deque

# The per-chat pause map is pruned of chats whose pause is over whenever it passes this size
# (or twice what the last pruning kept): memory follows the send rate, not the audience.
CHATS_KEPT = 4096


class Pacer:
    """A token bucket (GCRA form): ``rate`` per second with ``burst`` tokens.

    ``reserve(now)`` books the next free slot and returns how long to wait for it, so waiting
    callers go out evenly spaced, in the order they asked. ``admit(now)``, called right before
    sending, is the hard limit: at most ``rate + 1`` sends in any second (the one absorbs timer
    jitter), so an event loop that woke late never sends the missed slots in a burst.
    ``pause`` holds every slot until a moment (a 429's ``retry_after``).
    """

    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.tolerance = (max(burst, 1) - 1) * self.interval
        # one more than the rate absorbs timer jitter; a late loop still cannot burst
        self.limit = max(1, int(rate), burst) + 1
        self.tat = 0.0  # theoretical arrival time of the next message
        self.paused_until = 0.0
        self._recent: deque[float] = deque()

    def reserve(self, now: float) -> float:
        start = max(now, self.paused_until)
        tat = max(self.tat, start)
        slot = max(start, tat - self.tolerance)
        self.tat = tat + self.interval
        return slot - now

    def admit(self, now: float) -> float:
        """Record a send at ``now`` and return 0, or return how long until one fits."""
        recent = self._recent
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= self.limit:
            return recent[0] + 1.0 - now
        recent.append(now)
        return 0.0

    def pause(self, now: float, seconds: float) -> None:
        self.paused_until = max(self.paused_until, now + seconds)
        self.tat = max(self.tat, self.paused_until)

    def paused(self, now: float) -> bool:
        return now < self.paused_until


class ChatSpacing:
    """At most one message per ``interval`` seconds to one chat (a chat is channel, address).

    Chats whose pause is over are forgotten as the map doubles, so it holds about the chats of
    the last ``interval`` seconds (rate × interval), not every chat ever sent to.
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._ready: dict[tuple[str, str], float] = {}  # chat → when it may be sent to again
        self._limit = CHATS_KEPT

    def __len__(self) -> int:
        return len(self._ready)

    def take(self, chat: tuple[str, str], now: float) -> float:
        """Book ``chat`` from ``now`` and return 0 when it is free, else how long until it is."""
        ready = self._ready.get(chat, 0.0)
        if ready <= now:
            self._note(chat, now + self.interval, now)
            return 0.0
        return ready - now

    def sent(self, chat: tuple[str, str], now: float) -> None:
        """A message goes to ``chat`` at ``now``: the next waits ``interval`` from here."""
        self._note(chat, max(self._ready.get(chat, 0.0), now + self.interval), now)

    def _note(self, chat: tuple[str, str], ready: float, now: float) -> None:
        self._ready[chat] = ready
        if len(self._ready) > self._limit:
            self._ready = {k: v for k, v in self._ready.items() if v > now}
            self._limit = max(CHATS_KEPT, 2 * len(self._ready))
