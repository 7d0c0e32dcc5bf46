"""An organisation's privacy statement and logo, the audit log's record of downloads, and
the housekeeping the scheduler asks for now and then: dropping what is kept only for a
while, and erasing what is past its retention."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.commands.base import Command


@dataclass(frozen=True)
class UpdatePrivacySettings(Command):
    """Change whom residents write to about their data, and the organisation's own text."""

    organisation: str  # the organisation's slug
    contact: str
    text: str
    user_id: int | None = None


@dataclass(frozen=True)
class SetLogo(Command):
    """Set an organisation's logo (PNG, JPEG or SVG bytes), or remove it with ``None``."""

    organisation: str  # the organisation's slug
    data: bytes | None
    user_id: int | None = None


@dataclass(frozen=True)
class RecordExport(Command):
    """Note in the audit log that someone downloaded a project's data (CSV, XLSX, TOML...)."""

    user_id: int
    project_code: str
    export: str  # e.g. "results.csv", "results.xlsx", "project.toml", "audit.csv"
    round_key: str = ""


@dataclass(frozen=True)
class PruneExpired(Command):
    """Drop what is kept only for a while: processed-message ids past their channel's
    redelivery window, the provider's ids of messages sent long ago, and anonymous visits."""


@dataclass(frozen=True)
class ApplyRetention(Command):
    """Erase the personal data of projects closed longer than their retention period."""
