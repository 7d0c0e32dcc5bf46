"""Per-resident ordering: one lock per chat, kept only while someone holds or awaits it."""

from __future__ import annotations

from core.services.locks import KeyedLocks

__all__ = ["KeyedLocks"]
