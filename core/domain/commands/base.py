"""The base of every command: what someone asks the system to do."""

from __future__ import annotations


class Command:
    """Base class of all commands."""
