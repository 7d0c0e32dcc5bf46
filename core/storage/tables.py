"""SQLAlchemy Core tables: the one schema both SQLite and PostgreSQL run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC, also on SQLite (which has no time zones)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - aiosqlite returns datetime already
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


JSON = sa.JSON().with_variant(sa.JSON(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


organisations = sa.Table(
    "organisations",
    metadata,
    _id(),
    sa.Column("slug", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    # The privacy statement page (/privacy/<slug>): whom residents write to, and the
    # organisation's own additions to the statement inspraak writes from the facts.
    sa.Column("privacy_contact", sa.String(254), nullable=False, server_default=""),
    sa.Column("privacy_text", sa.Text, nullable=False, server_default=""),
)

projects = sa.Table(
    "projects",
    metadata,
    _id(),
    sa.Column("code", sa.String(40), nullable=False, unique=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("intro", sa.Text, nullable=False, default=""),
    sa.Column("language", sa.String(5), nullable=False, default="nl"),
    sa.Column("status", sa.String(20), nullable=False, default="active"),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("settings", JSON, nullable=False, default=dict),
    sa.Column("bot_id", sa.ForeignKey("bots.id", ondelete="SET NULL"), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    # Retention: ``retention_days`` after ``closed_at`` a scheduled job erases the personal
    # data of the project's residents and sets ``personal_data_erased_at``.
    sa.Column("closed_at", UTCDateTime, nullable=True),
    sa.Column("retention_days", sa.Integer, nullable=False, server_default="365"),
    sa.Column("personal_data_erased_at", UTCDateTime, nullable=True),
)

rounds = sa.Table(
    "rounds",
    metadata,
    _id(),
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key", sa.String(60), nullable=False),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("question", sa.Text, nullable=False, default=""),
    sa.Column("items_from", sa.String(60), nullable=True),
    sa.Column("scale_min", sa.Integer, nullable=False, default=1),
    sa.Column("scale_max", sa.Integer, nullable=False, default=5),
    sa.Column("criteria", JSON, nullable=False, default=list),
    sa.Column("max_per_resident", sa.Integer, nullable=True),
    sa.Column("opens_at", UTCDateTime, nullable=True),
    sa.Column("closes_at", UTCDateTime, nullable=True),
    sa.Column("reminders", JSON, nullable=False, default=list),
    sa.Column("state", sa.String(20), nullable=False, default="draft"),
    sa.Column("results_published_at", UTCDateTime, nullable=True),
    sa.Column("settings", JSON, nullable=False, default=dict),
    sa.UniqueConstraint("project_id", "key", name="uq_rounds_project_key"),
)

residents = sa.Table(
    "residents",
    metadata,
    _id(),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("consent_at", UTCDateTime, nullable=False),
    sa.Column("language", sa.String(5), nullable=False, default="nl"),
    sa.Column("status", sa.String(20), nullable=False, default="active"),
    sa.Column("wijk", sa.String(100), nullable=True),
    sa.Column("age_band", sa.String(10), nullable=True),
    sa.Column("external_id", sa.String(100), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("pseudonym", "project_id", name="uq_residents_pseudonym_project"),
    sa.Index("ix_residents_project_status", "project_id", "status"),
)

# How to reach a pseudonym on its channel (a Telegram chat id, a phone number). Kept apart
# from everything else so that erasing a resident or exporting data never needs it.
contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("pseudonym", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("address", sa.String(200), nullable=False),
    sa.Column("bot_id", sa.Integer, nullable=True),
    sa.Column("last_inbound_at", UTCDateTime, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=True),
)

items = sa.Table(
    "items",
    metadata,
    _id(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("idea_id", sa.Integer, nullable=True),
    sa.Column("external_id", sa.String(100), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.UniqueConstraint("round_id", "idea_id", name="uq_items_round_idea"),
    sa.Index("ix_items_round", "round_id"),
)

ideas = sa.Table(
    "ideas",
    metadata,
    _id(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="new"),
    # Personal details found on arrival (phone, email, postcode, iban, bsn, ...): a flagged
    # idea is held for review whatever the moderation mode.
    sa.Column("flags", JSON, nullable=False, server_default="[]"),
    sa.Column("created_at", UTCDateTime, nullable=True),
    # The facilitator's wording for the idea and those merged into it (the item's text when it
    # is shortlisted); the resident's own words stay in ``text``.
    sa.Column("wording", sa.Text, nullable=True),
    # Where an idea came from when not from the chat ("papier", "bijeenkomst 12 mei"): ideas
    # imported from a file (``inspraak ideas import``).
    sa.Column("source", sa.String(100), nullable=True),
    sa.Index("ix_ideas_round", "round_id"),
    sa.Index("ix_ideas_resident", "resident_id"),
)

ratings = sa.Table(
    "ratings",
    metadata,
    _id(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("item_id", sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("criterion", sa.Integer, nullable=False, default=0),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("item_id", "resident_id", "criterion", name="uq_ratings_item_resident"),
    sa.Index("ix_ratings_round_item", "round_id", "item_id"),
    sa.Index("ix_ratings_resident", "resident_id"),
)

votes = sa.Table(
    "votes",
    metadata,
    _id(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("item_id", sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("value", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("item_id", "resident_id", name="uq_votes_item_resident"),
    sa.Index("ix_votes_round_item", "round_id", "item_id"),
    sa.Index("ix_votes_resident", "resident_id"),
)

feedback = sa.Table(
    "feedback",
    metadata,
    _id(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("score", sa.Integer, nullable=True),
    sa.Column("text", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(20), nullable=False, default="new"),
    sa.Column("flags", JSON, nullable=False, server_default="[]"),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("round_id", "resident_id", name="uq_feedback_round_resident"),
)

round_progress = sa.Table(
    "round_progress",
    metadata,
    _id(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=True),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("prompted_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("round_id", "resident_id", name="uq_round_progress_round_resident"),
)

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
    _id(),
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

# --- web area: accounts, sessions, API tokens, moderation ---

users = sa.Table(
    "users",
    metadata,
    _id(),
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
    _id(),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_login_failures_email_ip", "email", "ip", "created_at"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    _id(),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Column("last_used_at", UTCDateTime, nullable=True),
)

# Every moderation decision: who did what to which contribution, and why.
moderation_log = sa.Table(
    "moderation_log",
    metadata,
    _id(),
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    sa.Column("target_kind", sa.String(20), nullable=False),  # idea / feedback
    sa.Column("target_id", sa.Integer, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("detail", JSON, nullable=False, default=dict),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Index("ix_moderation_log_target", "target_kind", "target_id"),
    sa.Index("ix_moderation_log_project", "project_id", "id"),
)

# Facilitator and admin actions (publish, edits, moderation, exports, account changes): who,
# when and what, never a resident's words. ``actor`` keeps the e-mail address as it was, so
# the entry still says who acted after the account is gone; project and user ids are plain
# integers for the same reason (the log outlives what it speaks of).
audit_log = sa.Table(
    "audit_log",
    metadata,
    _id(),
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

# Themes of an ideas round: named by the facilitator (case kept), ideas assigned to them.
themes = sa.Table(
    "themes",
    metadata,
    _id(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("round_id", "name", name="uq_themes_round_name"),
)
idea_themes = sa.Table(
    "idea_themes",
    metadata,
    sa.Column("idea_id", sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_idea_themes_theme", "theme_id"),
)

# A resident's "yes, I meant that one" to another's idea in the chat: once per resident and idea.
idea_supports = sa.Table(
    "idea_supports",
    metadata,
    sa.Column("idea_id", sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("resident_id", sa.ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Index("ix_idea_supports_resident", "resident_id"),
)

# The organise page's actions, each with what restores the state before it (undo).
organise_actions = sa.Table(
    "organise_actions",
    metadata,
    _id(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("undo", JSON, nullable=False, default=dict),
    sa.Column("created_at", UTCDateTime, nullable=True),
    sa.Column("undone_at", UTCDateTime, nullable=True),
    sa.Index("ix_organise_actions_round", "round_id", "id"),
)

# Which idea was merged into which: the merged idea's supporters moved to the survivor.
idea_merges = sa.Table(
    "idea_merges",
    metadata,
    sa.Column("idea_id", sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("into_id", sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False),
)

# Covering indexes for the results pages (bench/summary.py): participants and per-item scores
# of a round are read from the index alone, without visiting 100,000 rating rows.
sa.Index("ix_ratings_round_resident", ratings.c.round_id, ratings.c.resident_id)
sa.Index(
    "ix_ratings_round_criterion_item_score",
    ratings.c.round_id,
    ratings.c.criterion,
    ratings.c.item_id,
    ratings.c.score,
)


# --- outbox ---
# Every message the core sends on its own initiative (round prompts, reminders, results) is a
# row here first; the sender in core/outbox/worker.py drains it. The address is NOT copied: it
# is read from ``contacts`` at send time, so erasing a resident's contact stops their queued
# messages.
outbox = sa.Table(
    "outbox",
    metadata,
    _id(),
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


# --- telegram ---
# One row per Telegram bot (one per municipality). The bot of INSPRAAK_TELEGRAM_TOKEN is the
# default bot: its row has no stored token and also serves projects not bound to any bot.
bots = sa.Table(
    "bots",
    metadata,
    _id(),
    sa.Column("telegram_id", sa.BigInteger, nullable=False, unique=True),
    sa.Column("username", sa.String(64), nullable=False, default=""),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), nullable=True),
    sa.Column("token_encrypted", sa.Text, nullable=True),  # Fernet, key from the secret key
    sa.Column("is_default", sa.Boolean, nullable=False, default=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
)

# How many people live in each of a project's wijken and age bands (core.domain.population):
# entered in the web area or read from a CBS file; ``source`` says which.
population = sa.Table(
    "population",
    metadata,
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("dimension", sa.String(10), primary_key=True),
    sa.Column("group_name", sa.String(100), primary_key=True),
    sa.Column("people", sa.Integer, nullable=False),
    sa.Column("source", sa.String(20), nullable=False, server_default="form"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# An organisation's logo, shown on its summaries and reports (core.domain.logo checks it).
# Apart from ``organisations`` so that reading an organisation never reads the image.
organisation_logos = sa.Table(
    "organisation_logos",
    metadata,
    sa.Column(
        "organisation_id",
        sa.ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("media_type", sa.String(40), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)


# A project saved as a template by its organisation: the project file's data without code,
# organisation, states, times or answers (core.services.templates). Shipped templates are files.
project_templates = sa.Table(
    "project_templates",
    metadata,
    _id(),
    sa.Column(
        "organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("data", JSON, nullable=False),
    sa.Column("created_by", sa.String(254), nullable=False, server_default=""),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_project_templates_organisation", "organisation_id"),
)
