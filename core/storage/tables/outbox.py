"""The outbox table (core/outbox)."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.tables.base import JSON, UTCDateTime, id_column, metadata

# Every message the core sends on its own initiative (round prompts, reminders, results) is a
# row here first; the sender in core/outbox/worker.py drains it. The address is NOT copied: it
# is read from ``contacts`` at send time, so erasing a resident's contact stops their queued
# messages.
outbox = sa.Table(
    "outbox",
    metadata,
    id_column(),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=True),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("bot_id", sa.Integer, nullable=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("payload", JSON, nullable=False),
    sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
    sa.Column("status", sa.String(20), nullable=False, default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("claimed_at", UTCDateTime, nullable=True),
    sa.Column("sent_at", UTCDateTime, nullable=True),
    sa.Column("provider_message_id", sa.String(200), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Index("ix_outbox_due", "status", "next_attempt_at"),
    sa.Index("ix_outbox_round_status", "round_id", "status"),
    sa.Index("ix_outbox_provider_message_id", "provider_message_id"),
    sa.Index("ix_outbox_pseudonym", "pseudonym"),
)
