"""Tables of organisations, their projects and rounds and what those are made of: items,
population figures, logos, templates, and the bots that serve projects."""

from __future__ import annotations

import sqlalchemy as sa

from core.storage.tables.base import JSON, UTCDateTime, id_column, metadata

organisations = sa.Table(
    "organisations",
    metadata,
    id_column(),
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
    id_column(),
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
    id_column(),
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

items = sa.Table(
    "items",
    metadata,
    id_column(),
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("idea_id", sa.Integer, nullable=True),
    sa.Column("external_id", sa.String(100), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.UniqueConstraint("round_id", "idea_id", name="uq_items_round_idea"),
    sa.Index("ix_items_round", "round_id"),
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
    id_column(),
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

# One row per Telegram bot (one per municipality). The bot of INSPRAAK_TELEGRAM_TOKEN is the
# default bot: its row has no stored token and also serves projects not bound to any bot.
bots = sa.Table(
    "bots",
    metadata,
    id_column(),
    sa.Column("telegram_id", sa.BigInteger, nullable=False, unique=True),
    sa.Column("username", sa.String(64), nullable=False, default=""),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), nullable=True),
    sa.Column("token_encrypted", sa.Text, nullable=True),  # Fernet, key from the secret key
    sa.Column("is_default", sa.Boolean, nullable=False, default=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UTCDateTime, nullable=True),
)
