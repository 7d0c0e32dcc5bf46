"""Tables of the conversation: its state per pseudonym, the web chat's transcript, carry-over
links to another channel, and the channel messages already handled."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.tables.base import JSON, UTCDateTime, id_column, metadata

# Conversation state lives here, keyed by pseudonym: before consent nothing else is stored.
dialogue_states = sa.Table(
    "dialogue_states",
    metadata,
    sa.Column("pseudonym", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("state", JSON, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=True),
)

# A web-chat resident continuing on Telegram or WhatsApp: a single-use, expiring token (only
# its hash is kept) in the join link carries their pseudonymous resident over.
carry_overs = sa.Table(
    "carry_overs",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Index("ix_carry_overs_pseudonym", "pseudonym"),
)

# The web chat shows the conversation so far; other channels keep their own history.
chat_log = sa.Table(
    "chat_log",
    metadata,
    id_column(),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("outgoing", sa.Boolean, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("options", JSON, nullable=False, default=list),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Index("ix_chat_log_pseudonym", "pseudonym", "id"),
    sa.Index("ix_chat_log_created_at", "created_at"),
)

# Channel message ids already handled (Telegram update_id, WhatsApp wamid): exactly-once.
processed_messages = sa.Table(
    "processed_messages",
    metadata,
    sa.Column("channel", sa.String(20), primary_key=True),
    sa.Column("message_key", sa.String(200), primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Index("ix_processed_messages_created_at", "created_at"),
)
