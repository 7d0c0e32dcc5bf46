"""Tables of the web area's accounts: users, password links, sessions, login failures, API
tokens, and the audit log of what they did."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.tables.base import JSON, UTCDateTime, id_column, metadata

users = sa.Table(
    "users",
    metadata,
    id_column(),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), nullable=True),
    sa.Column("must_change_password", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Column("last_login_at", UTCDateTime, nullable=True),
    # set while an admin has disabled the account: no login, no session, no API, no mail
    sa.Column("disabled_at", UTCDateTime, nullable=True),
    # which e-mails the user asked for: {"digest": bool, "rounds": bool}
    sa.Column("notify", JSON, nullable=False, default=dict, server_default="{}"),
    sa.Column("language", sa.String(5), nullable=False, default="nl", server_default="nl"),
    sa.Column("digest_sent_at", UTCDateTime, nullable=True),
)

# Links sent by e-mail to set a password: an invitation or a reset. Only the token's SHA-256
# is kept; a link works once (``used_at``) and until ``expires_at``.
password_links = sa.Table(
    "password_links",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("purpose", sa.String(10), nullable=False),  # invite / reset
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime, nullable=True),
    sa.Index("ix_password_links_user", "user_id"),
)

# Server-side sessions: the cookie holds a random token, the table only its SHA-256.
web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Index("ix_web_sessions_user", "user_id"),
)

# Failed logins per e-mail address and client address, for the login rate limit.
login_failures = sa.Table(
    "login_failures",
    metadata,
    id_column(),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_login_failures_email_ip", "email", "ip", "created_at"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    id_column(),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Column("last_used_at", UTCDateTime, nullable=True),
)

# Facilitator and admin actions (publish, edits, moderation, exports, account changes): who,
# when and what, never a resident's words. ``actor`` keeps the e-mail address as it was, so
# the entry still says who acted after the account is gone; project and user ids are plain
# integers for the same reason (the log outlives what it speaks of).
audit_log = sa.Table(
    "audit_log",
    metadata,
    id_column(),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("user_id", sa.Integer, nullable=True),
    sa.Column("actor", sa.String(254), nullable=False, server_default=""),
    sa.Column("organisation_id", sa.Integer, nullable=True),
    sa.Column("project_id", sa.Integer, nullable=True),
    sa.Column("action", sa.String(60), nullable=False),
    sa.Column("target", sa.String(200), nullable=False, server_default=""),
    sa.Column("detail", JSON, nullable=False, server_default="{}"),
    sa.Index("ix_audit_log_created_at", "created_at"),
    sa.Index("ix_audit_log_project", "project_id", "id"),
)
